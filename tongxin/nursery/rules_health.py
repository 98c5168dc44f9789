"""Admission and health (入托健康管理) as pure functions over data, dates passed in.

- The national immunisation programme's doses for children 0–3 (国家免疫规划疫苗儿童免疫程序, 2021 edition), each
  with the age in months it is due; a dose not given within `OVERDUE_GRACE_MONTHS` of that age is overdue, and a
  child with an overdue dose is not admitted until it is given (补种) — 托儿所幼儿园卫生保健管理办法: 入托查验预防接种证.
- An entry health check (入托体检) passed before a child is first admitted; a child away `AWAY_MONTHS` months or more
  is checked again (返园复查) before returning.
- Staff health certificates (健康证) valid `CERTIFICATE_MONTHS` months from the day issued.
Numbers an office sets are module data with these defaults."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Dose:
    vaccine: str      # code
    number: int       # 1, 2, 3 …
    months: int       # age in months it is due
    name: str         # the vaccine's Chinese name


VACCINES = {
    "hepb": "乙肝疫苗", "bcg": "卡介苗", "ipv": "脊灰灭活疫苗", "bopv": "脊灰减毒活疫苗", "dtap": "百白破疫苗",
    "mmr": "麻腮风疫苗", "je": "乙脑减毒活疫苗", "mena": "A群流脑多糖疫苗", "menac": "A群C群流脑多糖疫苗",
    "hepa": "甲肝减毒活疫苗",
}

# (vaccine, dose number, age in months due): the programme's doses to the age of three.
_SCHEDULE = [
    ("hepb", 1, 0), ("bcg", 1, 0), ("hepb", 2, 1), ("ipv", 1, 2), ("ipv", 2, 3), ("dtap", 1, 3), ("bopv", 1, 4),
    ("dtap", 2, 4), ("dtap", 3, 5), ("hepb", 3, 6), ("mena", 1, 6), ("mmr", 1, 8), ("je", 1, 8), ("mena", 2, 9),
    ("dtap", 4, 18), ("mmr", 2, 18), ("hepa", 1, 18), ("je", 2, 24), ("menac", 1, 36),
]
SCHEDULE: tuple[Dose, ...] = tuple(Dose(v, n, m, VACCINES[v]) for v, n, m in _SCHEDULE)

OVERDUE_GRACE_MONTHS = 1   # a dose is overdue when not given by its age plus this
AWAY_MONTHS = 3            # a child away this long is re-checked before returning
CERTIFICATE_MONTHS = 12    # a staff health certificate's validity
FEVER = Decimal("37.3")    # 晨午检: at or above this (axillary, °C) a temperature is abnormal
TEMPERATURE_MIN, TEMPERATURE_MAX = Decimal("34.0"), Decimal("42.5")


def dose_label(dose: Dose) -> str:
    same = [d for d in SCHEDULE if d.vaccine == dose.vaccine]
    return dose.name if len(same) == 1 else f"{dose.name}第{dose.number}剂"


def dose_by_key(key: str) -> Dose | None:
    """A schedule dose by its form key `vaccine:number`."""
    return next((d for d in SCHEDULE if f"{d.vaccine}:{d.number}" == key), None)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has none)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Gap:
    dose: Dose
    due_on: dt.date      # the day it fell due (by age)
    overdue_on: dt.date  # the day it became overdue

    @property
    def label(self) -> str:
        return dose_label(self.dose)


def vaccination_gaps(schedule: Sequence[Dose], doses: Iterable[tuple[str, int, dt.date]], on: dt.date, *,
                     birth: dt.date, grace_months: int = OVERDUE_GRACE_MONTHS) -> list[Gap]:
    """The doses overdue on `on`: due by age, not given on or before `on`, and more than the grace past due.
    `doses` are the child's recorded (vaccine, dose number, given on)."""
    given = {(v, n) for v, n, day in doses if day <= on}
    gaps = []
    for dose in schedule:
        due = add_months(birth, dose.months)
        overdue = add_months(birth, dose.months + grace_months)
        if (dose.vaccine, dose.number) not in given and on >= overdue:
            gaps.append(Gap(dose, due, overdue))
    return gaps


def due_soon(schedule: Sequence[Dose], doses: Iterable[tuple[str, int, dt.date]], on: dt.date, *,
             birth: dt.date) -> list[Dose]:
    """The doses due by age on `on` and not yet given but still within their grace."""
    given = {(v, n) for v, n, day in doses if day <= on}
    return [d for d in schedule if (d.vaccine, d.number) not in given
            and add_months(birth, d.months) <= on < add_months(birth, d.months + OVERDUE_GRACE_MONTHS)]


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier` to `later`."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def health_refusal(*, checks: Iterable[tuple[dt.date, bool]], gaps: Sequence[Gap], last_present: dt.date | None,
                   on: dt.date, away_months: int = AWAY_MONTHS, doses_recorded: bool = True) -> str | None:
    """Why a child may not be in care on `on` for their health (None: they may), every reason at once so that the
    family sees all it has to bring. `checks` are the child's entry checks and re-checks (day, passed);
    `last_present` the last day before `on` they were in care (None: never); with no dose recorded at all
    (`doses_recorded` false) the vaccination certificate has not been entered, which is what the family is told."""
    passed = sorted(day for day, ok in checks if ok and day <= on)
    problems = []
    if not passed:
        problems.append("该幼儿尚无合格的入托体检记录，请先到医疗卫生机构完成入托体检")
    if gaps and not doses_recorded:
        problems.append("尚未登记该幼儿的预防接种证，请携带接种证到园登记后再入托")
    elif gaps:
        names = "、".join(g.label for g in gaps[:4]) + ("等" if len(gaps) > 4 else "")
        problems.append(f"该幼儿有逾期未接种的疫苗（{names}），请补种并登记后再入托")
    if passed and last_present is not None and months_between(last_present, on) >= away_months \
            and passed[-1] <= last_present:
        problems.append(f"该幼儿已离园 {away_months} 个月以上（最后在园 {last_present.month}月{last_present.day}日），"
                        "须重新体检合格后返园")
    return "；".join(problems) or None


def certificate_valid_until(issued_on: dt.date, months: int = CERTIFICATE_MONTHS) -> dt.date:
    """The last day a certificate issued on that day is valid."""
    return add_months(issued_on, months) - dt.timedelta(days=1)


def certificate_current(issued: Iterable[dt.date], on: dt.date, months: int = CERTIFICATE_MONTHS) -> dt.date | None:
    """The last day of validity of the latest certificate valid on `on` (None: none is)."""
    valid = [certificate_valid_until(d, months) for d in issued if d <= on <= certificate_valid_until(d, months)]
    return max(valid) if valid else None


def temperature_abnormal(temperature: Decimal | None) -> bool:
    return temperature is not None and temperature >= FEVER
