"""Docking the village's ledger with the schools' (P-05): the community worker sees the files of the children who
live in the village, which the village has confirmed, and the differences both ways."""

from dataclasses import dataclass, field

from django.db.models import Q

from tongxin.orgs import scope
from tongxin.orgs.models import Role

from ..choices import Category
from ..models import CareFile


@dataclass(frozen=True)
class DockRow:
    file_id: int
    name: str
    school: str
    school_category: str  # the file's category (the school's ledger), "" for a child not at school
    village_category: str  # what the village recorded, "" when not yet checked
    note: str

    @property
    def school_label(self) -> str:
        return Category(self.school_category).label if self.school_category else "未建档"

    @property
    def state(self) -> str:
        if not self.village_category:
            return "unchecked"
        if self.village_category == self.school_category or (not self.school_category and
                                                              self.village_category == Category.NONE):
            return "same"
        return "differs"

    @property
    def difference(self) -> str:
        school, village = self.school_category, self.village_category
        if not village:
            return "村台账未核实"
        if school in ("", Category.NONE) and village != Category.NONE:
            return "村台账有、学校台账无"
        if village == Category.NONE and school not in ("", Category.NONE):
            return "学校台账有、村台账无"
        if school != village:
            return f"类别不一致：学校为{Category(school).label}，村里为{Category(village).label}"
        return ""


@dataclass
class Dock:
    rows: list[DockRow] = field(default_factory=list)
    communities: list[tuple[int, str]] = field(default_factory=list)

    @property
    def differing(self) -> list[DockRow]:
        return [r for r in self.rows if r.state == "differs"]

    @property
    def unchecked(self) -> list[DockRow]:
        return [r for r in self.rows if r.state == "unchecked"]

    @property
    def same(self) -> int:
        return sum(r.state == "same" for r in self.rows)


def docking(user) -> Dock:
    """The residents' files of the villages (communities) the user works in."""
    mine = [a for a in scope.assignments(user) if a.role == Role.COMMUNITY_WORKER and a.region_id]
    if not mine:
        return Dock()
    q = Q(child__family__community_id__in=[a.region_id for a in mine])
    rows = (CareFile.objects.filter(q, scope.care_ledger_q(user, prefix="child__"))
            .filter(~Q(category=Category.NONE) | Q(village_check__isnull=False))
            .values_list("pk", "child__name", "child__school__name", "category", "village_check__category",
                         "village_check__note")
            .order_by("child__school__name", "child__initials", "pk"))
    return Dock(rows=[DockRow(pk, name, school or "未入学", category, village or "", note or "")
                      for pk, name, school, category, village, note in rows],
                communities=[(a.area.pk, a.area.name) for a in mine])
