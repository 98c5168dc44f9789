"""The contact rules in force for a school: the seeds' defaults (`rules.DEFAULT_RULES`), changed or switched off
by its county's rows, then by its own (`ContactRuleSetting`)."""

from collections.abc import Iterable

from django.db.models import Q

from .. import rules
from ..choices import Category, HelperRole, Level, Party, RecordKind, Window
from ..models import ContactRuleSetting
from .settings import _county_path


def _rule(row: ContactRuleSetting) -> rules.ContactRule:
    return rules.ContactRule(
        key=row.key, name=row.name, helper=HelperRole(row.helper), kinds=frozenset(RecordKind(k) for k in row.kinds),
        count=row.count, window=Window(row.window), parties=frozenset(Party(p) for p in row.parties),
        levels=frozenset(Level(v) for v in row.levels), categories=frozenset(Category(c) for c in row.categories),
        source=row.source)


def rules_for_places(places: Iterable[tuple[int | None, str]]) -> dict[tuple[int | None, str], tuple[rules.ContactRule, ...]]:
    """The rules in force at each (school, area path), in one read however many places."""
    places = set(places)
    schools = {s for s, _ in places if s}
    counties = {_county_path(p) for _, p in places if p}
    rows = list(ContactRuleSetting.objects.filter(Q(school_id__in=schools) | Q(region__path__in=counties))
                .select_related("region")) if places else []
    result = {}
    for school, path in places:
        county = _county_path(path)
        merged: dict[str, rules.ContactRule | None] = {r.key: r for r in rules.DEFAULT_RULES}
        for level in ("county", "school"):
            for row in rows:
                if (level == "county" and row.region is not None and row.region.path == county) or \
                        (level == "school" and row.school_id and row.school_id == school):
                    merged[row.key] = _rule(row) if row.active else None
        result[(school, path)] = tuple(r for r in merged.values() if r is not None)
    return result
