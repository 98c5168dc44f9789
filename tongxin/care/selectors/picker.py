"""Choosing a child on a phone: the children the user may see, by name or initials, class by class (for the
mandatory report's and the aid record's forms)."""

from dataclasses import dataclass

from tongxin.orgs import scope
from tongxin.orgs.models import User, grade_label
from tongxin.people import selectors as people


def child_labels(child_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each child's name and where to find them: school and class, else the village."""
    rows = people.children_by_ids(child_ids).values_list(
        "pk", "name", "school__name", "school_class__grade__year", "school_class__number", "family__community__name")
    return {pk: (name, f"{school}{grade_label(year)}（{number}）班" if number else (community or ""))
            for pk, name, school, year, number, community in rows}


@dataclass(frozen=True)
class ChildChoice:
    pk: int
    name: str
    where: str


PICK_LIMIT = 60  # a class and a half: a class teacher's whole class on one screen of names


def pick_children(user: User, query: str) -> list[ChildChoice]:
    """Children the user may see, by name or initials (at most PICK_LIMIT, class by class)."""
    found = people.visible_children(user, query.strip()) if query.strip() else people.visible_children(user)
    rows = list(found.values_list("pk", flat=True)[:PICK_LIMIT])
    labels = child_labels(rows)
    return [ChildChoice(pk, *labels[pk]) for pk in rows if pk in labels]


def pick_child(user: User, child_id: int) -> list[ChildChoice]:
    """The one child, if the user may see it."""
    if not scope.children(user).filter(pk=child_id).exists():
        return []
    labels = child_labels([child_id])
    return [ChildChoice(child_id, *labels[child_id])] if child_id in labels else []


