"""What a county or a school sets for its care work, resolved with the seeds' defaults: the school's own setting,
else its county's, else the default (P-14 assessment months, P-30 teachers' load, P-01 months away)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tongxin.orgs.selectors import county_path, school_places
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


# ---------------------------------------------------------------- the settings page

@dataclass(frozen=True)
class Field:
    """One setting an office sets: its column, what it is called, the bounds of its value (for the assessment
    months: how many months a year), and the seeds' wording it defaults to."""

    key: str
    label: str
    unit: str
    low: int
    high: int
    help: str
    source: str  # the seeds' wording of the default
    ref: str  # its requirement


FIELDS: tuple[Field, ...] = (
    Field("teacher_load", "每位教师代理留守儿童人数上限", "名", 1, 20,
          "安排“代理家长”结对时检查：一位教师正在代理的儿童达到上限，就不能再与其他儿童结对。",
          "「各教师代理两位留守儿童的家长」", "P-30"),
    Field("assessment_months", "风险评估月份", "", 1, 12,
          "每年这些月份为每名关爱对象做一次风险评估（新增对象在建档当月评估）；班主任的待办和关爱台账按此提示。",
          "「每年3月、9月进行风险评估」", "P-14"),
    Field("months_away", "外出务工满几个月认定为留守", "个月", 1, 12,
          "父母双方外出务工（或一方外出、另一方无监护能力）满这个月数，儿童即认定为留守儿童。"
          "保存后按新标准重新认定范围内的档案；人工认定的类别不变。",
          "「父母长年或连续3个月外出务工」", "P-01"),
)
FIELD = {f.key: f for f in FIELDS}


def shown(key: str, value: Any) -> str:
    """A setting's value as a page shows it: 「2 名」, 「3月、9月」, 「3 个月」."""
    if key == "assessment_months":
        return "、".join(f"{m}月" for m in sorted(value))
    return f"{value} {FIELD[key].unit}"


def _own(row: CareSettings | None, key: str) -> Any:
    """The row's own value of a setting (None: the row leaves it to the level above)."""
    value = getattr(row, key) if row is not None else None
    return (tuple(sorted(value)) if key == "assessment_months" else value) if value else None


@dataclass(frozen=True)
class SettingRow:
    field: Field
    value: Any  # in force here
    origin: str  # "本校" | "县（区）" | "默认"
    own: bool  # this area set it itself
    above: Any  # what applies once this area's own value is restored: the county's or the default
    above_origin: str  # "县（区）" | "默认"

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def text(self) -> str:
        return shown(self.key, self.value)

    @property
    def above_text(self) -> str:
        return shown(self.key, self.above)


def settings_page(*, school_id: int | None, region_id: int | None, path: str) -> list[SettingRow]:
    """Each setting of an area with where it comes from: a school's own, else its county's, else the default; a
    county's own, else the default."""
    county = CareSettings.objects.filter(region__path=county_path(path)).first() if path else None
    school = CareSettings.objects.filter(school_id=school_id).first() if school_id else None
    out = []
    for f in FIELDS:
        default = getattr(DEFAULTS, f.key)
        county_value = _own(county, f.key)
        above, above_origin = (county_value, "县（区）") if school_id and county_value is not None else (default, "默认")
        own = _own(school, f.key) if school_id else _own(county, f.key) if county and county.region_id == region_id else None
        out.append(SettingRow(f, own if own is not None else above, ("本校" if school_id else "县（区）") if own is not None
                              else above_origin, own is not None, above, above_origin))
    return out


@dataclass(frozen=True)
class SchoolSetting:
    school: str
    values: tuple[tuple[str, str], ...]  # per FIELDS: (label, the school's own value shown, or "" where it follows)


def county_schools(path: str) -> list[SchoolSetting]:
    """The schools of a county that set any value of their own (for the county's page), by name."""
    rows = list(CareSettings.objects.filter(school__region__path__startswith=county_path(path))) if path else []
    names = school_places(r.school_id for r in rows if r.school_id)
    found = [SchoolSetting(names[r.school_id][0], tuple(
        (f.label, shown(f.key, v) if (v := _own(r, f.key)) is not None else "") for f in FIELDS))
        for r in rows if r.school_id in names]
    return sorted((s for s in found if any(text for _, text in s.values)), key=lambda s: s.school)
