"""The contact rules in force for a school: the seeds' defaults (`rules.DEFAULT_RULES`), changed or switched off
by its county's rows, then by its own (`ContactRuleSetting`)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from tongxin.orgs.selectors import county_path

from .. import rules
from ..choices import Category, HelperRole, Level, Party, RecordKind, Window
from ..models import ContactRuleSetting


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
    counties = {county_path(p) for _, p in places if p}
    rows = list(ContactRuleSetting.objects.filter(Q(school_id__in=schools) | Q(region__path__in=counties))
                .select_related("region")) if places else []
    result = {}
    for school, path in places:
        county = county_path(path)
        merged: dict[str, rules.ContactRule | None] = {r.key: r for r in rules.DEFAULT_RULES}
        for level in ("county", "school"):
            for row in rows:
                if (level == "county" and row.region is not None and row.region.path == county) or \
                        (level == "school" and row.school_id and row.school_id == school):
                    merged[row.key] = _rule(row) if row.active else None
        result[(school, path)] = tuple(r for r in merged.values() if r is not None)
    return result


@dataclass(frozen=True)
class RuleRow:
    rule: rules.ContactRule  # as it applies here (or the default, when switched off)
    active: bool
    origin: str  # "默认" | "县（区）" | "本校"
    own: bool  # this area has its own row for it


def rules_page(*, school_id: int | None, region_id: int | None, path: str) -> list[RuleRow]:
    """Every contact rule of an area with where it comes from: the seeds' default, the county's or the school's."""
    county = county_path(path)
    rows = list(ContactRuleSetting.objects.filter(Q(school_id=school_id, school_id__isnull=False)
                                                  | Q(region__path=county)).select_related("region"))
    out = []
    keys = [r.key for r in rules.DEFAULT_RULES] + sorted({r.key for r in rows} - {r.key for r in rules.DEFAULT_RULES})
    defaults = {r.key: r for r in rules.DEFAULT_RULES}
    for key in keys:
        school_row = next((r for r in rows if r.key == key and r.school_id), None)
        county_row = next((r for r in rows if r.key == key and r.region_id), None)
        row = school_row or county_row
        rule = _rule(row) if row else defaults[key]
        origin = "本校" if school_row else "县（区）" if county_row else "默认"
        own = bool(school_row) if school_id else bool(county_row and county_row.region_id == region_id)
        out.append(RuleRow(rule, row.active if row else True, origin, own))
    return out
