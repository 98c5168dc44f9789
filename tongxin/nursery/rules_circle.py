"""The 15-minute childcare circle (15分钟托育服务圈, N-10): pure functions of positions, dates and numbers.

- Distance is the straight line over the earth's surface (haversine, mean earth radius 6,371,008.8 m), not the way
  along the streets: a household "reaches" a centre or point when it lies within the walk's radius of it.
- The walk is data (`Walk`): 15 minutes at 5 km/h by default, i.e. 1,250 m. An office may state another speed
  or time; every function takes the walk (or its radius) as given.
- An infant is a child under 3 on the day asked about (born on or before it, third birthday still to come).
- Coverage share: of the households with an infant whose position is known, those within the radius of at least
  one open centre or point, in percent with one decimal (half up); none when no household is placed.
- Places per 100 infants: the licensed places (核定托位) of the open classes of the centres and points standing in
  the community, per 100 of its infants under 3, one decimal (half up); none when it has no infant.
- Best new point: every uncovered household's own position is a candidate; the candidate whose circle holds the
  most uncovered households wins, ties going to the candidate listed first (the caller lists them in household
  order); greedy when more than one is asked for (each pick removes the households it covers).
- What is drawn (privacy): households are children's homes, so a page never shows a household's position. The
  figures are computed from the exact positions; what a page draws is the 100 m cell (`CELL_M`) each household
  falls in — a dot per cell with its count — and a new point is shown at its cell's centre. Cells are fixed on the
  earth (rows of `CELL_M` of latitude from the equator, each row cut into `CELL_M`-wide columns at its middle
  latitude), so they do not move with the data shown.
- A household's position is entered within its county's bounding box (`Bounds`, data per county).
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

EARTH_RADIUS_M = 6_371_008.8  # the mean earth radius (IUGG)
CELL_M = 100  # the side of the grid cell a household is drawn in
WALK_MINUTES = 15
WALK_KMH = Decimal("5")  # an adult pushing a pram: 5 km/h, the figure the 15-minute circle plans with

Point = tuple[float, float]  # (latitude, longitude), degrees WGS-84


@dataclass(frozen=True)
class Walk:
    minutes: int = WALK_MINUTES
    kmh: Decimal = WALK_KMH

    @property
    def radius_m(self) -> float:
        return float(self.kmh) * 1000 / 60 * self.minutes

    @property
    def label(self) -> str:
        return f"步行 {self.minutes} 分钟（按每小时 {self.kmh.normalize():f} 公里计，直线距离 {self.radius_m:,.0f} 米）"


def distance_m(a: Point, b: Point) -> float:
    """The great-circle distance in metres between two positions (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


_COMPASS = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")


def direction_label(origin: Point, target: Point) -> str:
    """Where `target` lies seen from `origin`, as an officer says it: one of eight directions and the straight
    distance, e.g. "西南约 2.1 公里" (under a kilometre in metres, rounded to 50 m)."""
    metres = distance_m(origin, target)
    north = (target[0] - origin[0]) * 111_320.0
    east = (target[1] - origin[1]) * 111_320.0 * math.cos(math.radians((origin[0] + target[0]) / 2))
    bearing = math.degrees(math.atan2(east, north)) % 360
    way = _COMPASS[int((bearing + 22.5) // 45) % 8]
    if metres < 1000:
        return f"{way}约 {max(50, round(metres / 50) * 50):.0f} 米"
    return f"{way}约 {metres / 1000:.1f} 公里"


def is_infant(birth: dt.date, on: dt.date) -> bool:
    """Born on or before `on` and not yet 3 on it (the third birthday itself no longer counts)."""
    try:
        third = birth.replace(year=birth.year + 3)
    except ValueError:  # born 29 February: three on 1 March
        third = dt.date(birth.year + 3, 3, 1)
    return birth <= on < third


def infants(births: Iterable[dt.date], on: dt.date) -> int:
    return sum(1 for b in births if is_infant(b, on))


def reaches(at: Point, points: Sequence[Point], radius_m: float) -> bool:
    """Whether a household at `at` lies within the radius of at least one point."""
    return any(distance_m(at, p) <= radius_m for p in points)


def percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def coverage_share(covered: int, located: int) -> Decimal | None:
    """Percent of the placed households with an infant that reach a centre or point."""
    return percent(covered, located)


def places_per_100(places: int, infant_count: int) -> Decimal | None:
    return percent(places, infant_count)


@dataclass(frozen=True)
class Suggestion:
    """A new point at a candidate's position (`key`: the candidate's household) and the uncovered households within
    its circle (`covers`, in the order given)."""

    key: int
    at: Point
    covers: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.covers)


def _unit(at: Point) -> tuple[float, float, float]:
    lat, lon = math.radians(at[0]), math.radians(at[1])
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


class _Grid:
    """Positions bucketed in cells at least `radius_m` wide, so only the 3×3 cells around a position are measured.
    A position is within the radius when the straight chord between the two on the unit sphere is no longer than
    the radius's chord, 2·sin(r / 2R): the same test as haversine distance ≤ r (the chord grows with the arc),
    without a trigonometric call per pair."""

    def __init__(self, items: Sequence[tuple[int, Point]], radius_m: float):
        self.items = items
        self.units = [_unit(at) for _, at in items]
        self.limit = (2 * math.sin(radius_m / (2 * EARTH_RADIUS_M))) ** 2 * (1 + 1e-12)
        widest = max((abs(at[0]) for _, at in items), default=0.0)
        self.dlat = math.degrees(radius_m / EARTH_RADIUS_M) or 1e-9
        self.dlon = self.dlat / max(math.cos(math.radians(min(widest + self.dlat, 89.0))), 1e-6)
        self.cells: dict[tuple[int, int], list[int]] = {}
        for i, (_, at) in enumerate(items):
            self.cells.setdefault(self._cell(at), []).append(i)

    def _cell(self, at: Point) -> tuple[int, int]:
        return math.floor(at[0] / self.dlat), math.floor(at[1] / self.dlon)

    def near(self, at: Point) -> list[int]:
        row, col = self._cell(at)
        x, y, z = _unit(at)
        units, limit, found = self.units, self.limit, []
        for r in (row - 1, row, row + 1):
            for c in (col - 1, col, col + 1):
                for i in self.cells.get((r, c), ()):
                    u = units[i]
                    if (u[0] - x) ** 2 + (u[1] - y) ** 2 + (u[2] - z) ** 2 <= limit:
                        found.append(i)
        found.sort()
        return found


def best_points(uncovered: Sequence[tuple[int, Point]], radius_m: float, *, count: int = 1) -> list[Suggestion]:
    """Up to `count` new points, greedily: each the uncovered household's position whose circle holds the most
    households still uncovered (ties: the one listed first). `uncovered` is (household key, position), in the
    order ties are broken by. A pick covering nobody new ends the list."""
    grid = _Grid(uncovered, radius_m)
    reach = [grid.near(at) for _, at in uncovered]
    # Reach is symmetric (j within i's circle iff i within j's), so a household covered takes one off the count of
    # every candidate that reached it.
    counts = [len(r) for r in reach]
    left = [True] * len(uncovered)
    picks: list[Suggestion] = []
    while len(picks) < count:
        best, best_n = -1, 0
        for i, n in enumerate(counts):  # a new point stands at a home still uncovered
            if left[i] and n > best_n:
                best, best_n = i, n
        if best < 0:
            break
        took = [j for j in reach[best] if left[j]]
        picks.append(Suggestion(key=uncovered[best][0], at=uncovered[best][1],
                                covers=tuple(uncovered[j][0] for j in took)))
        for j in took:
            left[j] = False
            for i in reach[j]:
                counts[i] -= 1
    return picks


def covered_keys(households: Sequence[tuple[int, Point]], points: Sequence[Point], radius_m: float) -> set[int]:
    """The households (key, position) within the radius of at least one point."""
    grid = _Grid(households, radius_m)
    found: set[int] = set()
    for p in points:
        found.update(households[i][0] for i in grid.near(p))
    return found


# ---------------------------------------------------------------- what a page may show


def cell_of(at: Point, cell_m: float = CELL_M) -> tuple[int, int]:
    """The grid cell (row, column) a position falls in: rows `cell_m` of latitude counted from the equator, each
    row cut into columns `cell_m` wide at the row's middle latitude."""
    dlat = math.degrees(cell_m / EARTH_RADIUS_M)
    row = math.floor(at[0] / dlat)
    middle = (row + 0.5) * dlat
    dlon = dlat / max(math.cos(math.radians(min(abs(middle), 89.9))), 1e-6)
    return row, math.floor(at[1] / dlon)


def cell_centre(cell: tuple[int, int], cell_m: float = CELL_M) -> Point:
    """The middle of a grid cell, rounded to six decimals (what a page may draw instead of a position inside it)."""
    dlat = math.degrees(cell_m / EARTH_RADIUS_M)
    middle = (cell[0] + 0.5) * dlat
    dlon = dlat / max(math.cos(math.radians(min(abs(middle), 89.9))), 1e-6)
    return round(middle, 6), round((cell[1] + 0.5) * dlon, 6)


def coarsen(at: Point, cell_m: float = CELL_M) -> Point:
    """A position replaced by the middle of its grid cell."""
    return cell_centre(cell_of(at, cell_m), cell_m)


@dataclass(frozen=True)
class Cell:
    """Households counted in one grid cell: where the cell's middle is, how many reach a point and how many not."""

    at: Point
    covered: int
    uncovered: int

    @property
    def count(self) -> int:
        return self.covered + self.uncovered


def cells(households: Iterable[tuple[Point, bool]], cell_m: float = CELL_M) -> list[Cell]:
    """Households (position, covered) counted per grid cell, in the cells' order (south to north, west to east)."""
    counts: dict[tuple[int, int], list[int]] = {}
    for at, covered in households:
        tally = counts.setdefault(cell_of(at, cell_m), [0, 0])
        tally[0 if covered else 1] += 1
    return [Cell(at=cell_centre(key, cell_m), covered=c, uncovered=u) for key, (c, u) in sorted(counts.items())]


@dataclass(frozen=True)
class Bounds:
    """A county's bounding box (WGS-84 degrees): a household's position is entered within it."""

    south: Decimal
    west: Decimal
    north: Decimal
    east: Decimal

    def contains(self, latitude: Decimal, longitude: Decimal) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east

    @property
    def label(self) -> str:
        def d(x: Decimal) -> str:
            return f"{x.normalize():f}"

        return f"纬度 {d(self.south)}–{d(self.north)}，经度 {d(self.west)}–{d(self.east)}"
