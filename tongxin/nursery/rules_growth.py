"""Growth against the WHO Child Growth Standards (2006): the LMS tables (data/who/), the WHO's z-score formula,
centiles, the major centile lines, and the alerts a centre acts on. Pure functions: days and numbers come in.

A z-score from L, M, S is ((y/M)^L − 1) / (L·S) (ln(y/M)/S when L is 0). For weight the WHO restricts the tails
(its 'igrowup' / anthro rule): beyond ±3 SD the distance is measured in the width of the 2–3 SD band at that age,
so that a very heavy or very light child is not given an extreme score by the skewed curve. Length and height
have L = 1 (a normal curve) and need no adjustment."""

import csv
import datetime as dt
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import NormalDist

DATA = Path(__file__).resolve().parent / "data" / "who"
WEIGHT, HEIGHT = "weight", "height"
MEASURES = {WEIGHT: "体重（kg）", HEIGHT: "身长/身高（cm）"}
SEXES = {"M": "boys", "F": "girls"}
STANDING_FROM_MONTHS = 24  # the WHO measures lying before 24 months, standing from then (table 2–5 years)
DAYS_PER_MONTH = 30.4375  # the WHO's month (365.25 / 12)
LAST_MONTH = 36

# The major centile lines drawn on the charts (3rd, 15th, 50th, 85th, 97th: the WHO's centile charts).
MAJOR_CENTILES: tuple[int, ...] = (3, 15, 50, 85, 97)


@dataclass(frozen=True)
class GrowthThresholds:
    """What a centre's doctor sets; the defaults follow common practice: crossing two major centile lines calls
    for a look, and so does a child below the 3rd centile."""

    lines_crossed: int = 2
    low_centile: int = 3
    lookback_days: int = 183  # compare the latest measurement with those of the last six months


THRESHOLDS = GrowthThresholds()

# What a measurement may be at all (a typing slip is refused before it is stored) and the WHO's limits of a
# plausible z-score (|z| > 5–6 is 'biologically implausible' in the WHO anthro software).
HEIGHT_RANGE = (40.0, 120.0)
WEIGHT_RANGE = (1.5, 30.0)
PLAUSIBLE_Z = 6.0


@dataclass(frozen=True)
class LMS:
    L: float
    M: float
    S: float


def _read(name: str) -> dict[int, LMS]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return {int(r["month"]): LMS(float(r["L"]), float(r["M"]), float(r["S"])) for r in csv.DictReader(f)}


@cache
def table(measure: str, sex: str, standing: bool = False) -> dict[int, LMS]:
    """The WHO's monthly LMS rows for a measure and sex ("M"/"F"); height is length (lying) unless `standing`."""
    who = SEXES[sex]
    if measure == WEIGHT:
        return _read(f"wfa_{who}.csv")
    return _read(f"hfa_{who}.csv" if standing else f"lfa_{who}.csv")


def age_in_days(birth: dt.date, on: dt.date) -> int:
    return (on - birth).days


def age_months_exact(birth: dt.date, on: dt.date) -> float:
    return age_in_days(birth, on) / DAYS_PER_MONTH


def lms_at(measure: str, sex: str, months: float) -> LMS | None:
    """L, M, S at an age in (fractional) months, interpolated between the monthly rows; None outside 0–36."""
    if months < 0 or months > LAST_MONTH:
        return None
    standing = measure == HEIGHT and months >= STANDING_FROM_MONTHS
    rows = table(measure, sex, standing)
    low = min(int(math.floor(months)), LAST_MONTH)
    high = min(low + 1, LAST_MONTH)
    if low not in rows:  # never: the tables cover every month they serve
        return None
    a, b = rows[low], rows.get(high, rows[low])
    t = months - low
    return LMS(a.L + (b.L - a.L) * t, a.M + (b.M - a.M) * t, a.S + (b.S - a.S) * t)


def value_at_z(lms: LMS, z: float) -> float:
    """The measurement at a z-score (the inverse of the LMS formula)."""
    if lms.L == 0:
        return lms.M * math.exp(lms.S * z)
    return lms.M * (1 + lms.L * lms.S * z) ** (1 / lms.L)


def zscore(y: float, lms: LMS, *, restricted: bool = False) -> float:
    """The WHO z-score of a measurement; `restricted` applies the WHO's adjustment beyond ±3 SD (weight)."""
    if lms.L == 0:
        z = math.log(y / lms.M) / lms.S
    else:
        z = ((y / lms.M) ** lms.L - 1) / (lms.L * lms.S)
    if not restricted:
        return z
    if z > 3:
        sd3 = value_at_z(lms, 3)
        return 3 + (y - sd3) / (sd3 - value_at_z(lms, 2))
    if z < -3:
        sd3 = value_at_z(lms, -3)
        return -3 + (y - sd3) / (value_at_z(lms, -2) - sd3)
    return z


def measure_z(measure: str, sex: str, birth: dt.date, on: dt.date, value: float) -> float | None:
    """A child's z-score for a measurement on a day; None when the child is outside 0–36 months."""
    lms = lms_at(measure, sex, age_months_exact(birth, on))
    if lms is None:
        return None
    return zscore(value, lms, restricted=measure == WEIGHT)


def centile(z: float) -> float:
    """The centile (0–100) of a z-score."""
    return 100 * NormalDist().cdf(z)


def centile_z(c: float) -> float:
    return NormalDist().inv_cdf(c / 100)


def centile_lines(measure: str, sex: str, months: range | list[int] | None = None) -> dict[int, list[tuple[int, float]]]:
    """For each major centile, the (month, value) points of its line, month by month (0–36 by default)."""
    ages = list(months) if months is not None else list(range(LAST_MONTH + 1))
    lines: dict[int, list[tuple[int, float]]] = {}
    for c in MAJOR_CENTILES:
        z = centile_z(c)
        points = []
        for m in ages:
            lms = lms_at(measure, sex, m)
            if lms is not None:
                points.append((m, round(value_at_z(lms, z), 2)))
        lines[c] = points
    return lines


def lines_between(z_from: float, z_to: float) -> int:
    """How many major centile lines lie between two z-scores (signed: negative when going down)."""
    low, high = sorted((z_from, z_to))
    crossed = sum(1 for c in MAJOR_CENTILES if low < centile_z(c) <= high)
    return crossed if z_to >= z_from else -crossed


@dataclass(frozen=True)
class Point:
    on: dt.date
    z: float


@dataclass(frozen=True)
class Alert:
    measure: str
    kind: str  # "down", "up", "low"
    text: str


def alerts(measure: str, points: list[Point], thresholds: GrowthThresholds = THRESHOLDS) -> list[Alert]:
    """The alerts of a child's latest measurement of one kind: below the low centile, or two (by default) major
    centile lines crossed since any measurement of the lookback period. `points` in any order."""
    if not points:
        return []
    ordered = sorted(points, key=lambda p: p.on)
    latest = ordered[-1]
    name = "体重" if measure == WEIGHT else "身长/身高"
    found: list[Alert] = []
    if latest.z < centile_z(thresholds.low_centile):
        found.append(Alert(measure, "low", f"{name}低于第{thresholds.low_centile}百分位"))
    since = latest.on - dt.timedelta(days=thresholds.lookback_days)
    earlier = [p for p in ordered[:-1] if p.on >= since]
    moves = [lines_between(p.z, latest.z) for p in earlier]
    down = min(moves, default=0)
    up = max(moves, default=0)
    if -down >= thresholds.lines_crossed:
        found.append(Alert(measure, "down", f"{name}向下跨越{-down}条主百分位线"))
    if up >= thresholds.lines_crossed:
        found.append(Alert(measure, "up", f"{name}向上跨越{up}条主百分位线"))
    return found


def check_measurement(*, height_cm: float, weight_kg: float) -> list[str]:
    """Refusals for figures no child could have (a typing slip), before any table is read."""
    errors = []
    if not HEIGHT_RANGE[0] <= height_cm <= HEIGHT_RANGE[1]:
        errors.append(f"身长/身高应在 {HEIGHT_RANGE[0]:g}–{HEIGHT_RANGE[1]:g} 厘米之间")
    if not WEIGHT_RANGE[0] <= weight_kg <= WEIGHT_RANGE[1]:
        errors.append(f"体重应在 {WEIGHT_RANGE[0]:g}–{WEIGHT_RANGE[1]:g} 千克之间")
    return errors
