"""What a county or a school sets for its care work, resolved with the seeds' defaults: the school's own setting,
else its county's, else the default (P-14 assessment months, P-30 teachers' load, P-01 months away)."""

from collections.abc import Iterable
from dataclasses import dataclass

from tongxin.orgs.selectors import county_path
from tongxin.people import selectors as people

from ..models import CareSettings


@dataclass(frozen=True)
class Settings:
    teacher_load: int = 2  # P-30 「各教师代理两位留守儿童的家长」
    assessment_months: tuple[int, ...] = (3, 9)  # P-14 「每年3月、9月进行风险评估」
    months_away: int = 3  # P-01 「父母长年或连续3个月外出务工」


DEFAULTS = Settings()


def _merge(base: Settings, row: CareSettings | None) -> Settings:
    if row is None:
        return base
    return Settings(teacher_load=row.teacher_load or base.teacher_load,
                    assessment_months=tuple(row.assessment_months or base.assessment_months),
                    months_away=row.months_away or base.months_away)


def settings_for(*, school_id: int | None, area_path: str) -> Settings:
    return settings_for_places({(school_id, area_path)})[(school_id, area_path)]


def settings_for_places(places: Iterable[tuple[int | None, str]]) -> dict[tuple[int | None, str], Settings]:
    """The settings of each (school, area path), in two reads however many places."""
    places = set(places)
    schools = {s for s, _ in places if s}
    counties = {county_path(p) for _, p in places if p}
    by_school = {r.school_id: r for r in CareSettings.objects.filter(school_id__in=schools)} if schools else {}
    by_county = {path: r for r, path in ((r, r.region.path if r.region else "") for r in
                                         CareSettings.objects.filter(region__path__in=counties).select_related("region"))} \
        if counties else {}
    return {(s, p): _merge(_merge(DEFAULTS, by_county.get(county_path(p))), by_school.get(s) if s else None)
            for s, p in places}


def settings_for_children(child_ids: Iterable[int]) -> dict[int, Settings]:
    where = people.where_of(child_ids)
    found = settings_for_places((school, path) for school, _, path in where.values())
    return {child: found[(school, path)] for child, (school, _, path) in where.items()}
