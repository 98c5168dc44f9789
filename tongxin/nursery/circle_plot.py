"""The 15-minute circle's plot, drawn on the server as SVG shapes (no map tiles, nothing from the internet): the
positions projected onto a flat plane around the plot's middle (equirectangular: within a township the error is far
below a dot's width), north up, one scale for both axes, with a scale bar.

Households are drawn as the 100 m grid cells they fall in (`rules_circle.cells`): a dot per cell at its centre,
sized by how many households it holds and labelled with the count, blue when all reach a centre or point, red when
none does, purple when some do. The plot's extent is the cells', so nothing drawn depends on where in its cell a
household lives."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .rules_circle import EARTH_RADIUS_M, Cell, Point

WIDTH = 640          # the SVG's user units across (it scales to the screen)
MAX_HEIGHT = 640
MARGIN = 24
NICE_LENGTHS = (100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000)


DOT_R = 3.2       # a cell of one household
DOT_R_MAX = 9.0


@dataclass(frozen=True)
class Dot:
    """A grid cell's households: where its centre is drawn, its radius, how many reach a point and how many not."""

    x: float
    y: float
    r: float
    covered: int
    uncovered: int

    @property
    def count(self) -> int:
        return self.covered + self.uncovered

    @property
    def kind(self) -> str:
        return "covered" if not self.uncovered else "uncovered" if not self.covered else "mixed"

    @property
    def title(self) -> str:
        if not self.uncovered:
            return f"{self.count}户，均在15分钟内可达"
        if not self.covered:
            return f"{self.count}户，均未覆盖"
        return f"{self.count}户：{self.covered}户可达，{self.uncovered}户未覆盖"


def dot_radius(count: int) -> float:
    """A dot's area grows with its households (capped, so a dense street stays readable)."""
    return round(min(DOT_R_MAX, DOT_R * math.sqrt(max(count, 1))), 1)


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    r: float       # the circle's radius in user units
    label: str
    kind: str = ""  # centre / point / new


@dataclass
class Plot:
    width: int
    height: int
    dots: list[Dot] = field(default_factory=list)
    points: list[Mark] = field(default_factory=list)
    new: list[Mark] = field(default_factory=list)
    names: list[Mark] = field(default_factory=list)
    bar_px: float = 0.0
    bar_label: str = ""

    @property
    def empty(self) -> bool:
        return not self.dots and not self.points


class _Projection:
    def __init__(self, lat0: float, lon0: float):
        self.lat0, self.lon0 = lat0, lon0
        self.k = math.cos(math.radians(lat0))

    def metres(self, at: Point) -> tuple[float, float]:
        return (EARTH_RADIUS_M * math.radians(at[1] - self.lon0) * self.k,
                EARTH_RADIUS_M * math.radians(at[0] - self.lat0))


def _bar(metres_across: float) -> int:
    want = metres_across / 5
    return min(NICE_LENGTHS, key=lambda n: abs(math.log(n / want)))


def draw(cells: Sequence[Cell], points: Sequence[tuple[Point, str, str]],
         new: Sequence[tuple[Point, str]], names: Sequence[tuple[Point, str]], radius_m: float) -> Plot:
    """Households' grid cells, centres and points (position, kind, name), suggested new points (position, label)
    and community names (position, name) on one plot; only the centres and points whose circle reaches the cells'
    area are drawn."""
    area = [c.at for c in cells] + [at for at, _ in new]
    if not area:
        area = [at for at, _, _ in points]
    if not area:
        return Plot(width=WIDTH, height=200)
    proj = _Projection(sum(a[0] for a in area) / len(area), sum(a[1] for a in area) / len(area))
    xy = [proj.metres(a) for a in area]
    x0, x1 = min(x for x, _ in xy) - radius_m, max(x for x, _ in xy) + radius_m
    y0, y1 = min(y for _, y in xy) - radius_m, max(y for _, y in xy) + radius_m
    shown = [(p, kind, name) for p, kind, name in points
             if x0 - radius_m <= proj.metres(p)[0] <= x1 + radius_m and y0 - radius_m <= proj.metres(p)[1] <= y1 + radius_m]
    for p, _, _ in shown:
        px, py = proj.metres(p)
        x0, x1, y0, y1 = min(x0, px - radius_m), max(x1, px + radius_m), min(y0, py - radius_m), max(y1, py + radius_m)
    scale = min((WIDTH - 2 * MARGIN) / (x1 - x0), (MAX_HEIGHT - 2 * MARGIN) / (y1 - y0))
    height = round((y1 - y0) * scale + 2 * MARGIN)
    left = (WIDTH - (x1 - x0) * scale) / 2

    def at(p: Point) -> tuple[float, float]:
        mx, my = proj.metres(p)
        return round(left + (mx - x0) * scale, 1), round(height - MARGIN - (my - y0) * scale, 1)

    r = round(radius_m * scale, 1)
    plot = Plot(width=WIDTH, height=height)
    plot.dots = [Dot(*at(c.at), r=dot_radius(c.count), covered=c.covered, uncovered=c.uncovered) for c in cells]
    plot.points = [Mark(*at(p), r=r, label=name, kind=kind) for p, kind, name in shown]
    plot.new = [Mark(*at(p), r=r, label=label, kind="new") for p, label in new]
    plot.names = [Mark(*at(p), r=0, label=name) for p, name in names]
    length = _bar((x1 - x0))
    plot.bar_px = round(length * scale, 1)
    plot.bar_label = f"{length // 1000} 公里" if length >= 1000 and length % 1000 == 0 else f"{length} 米"
    return plot
