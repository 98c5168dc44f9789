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
    lx: float = 0.0  # where its label is written, and which end of the text is there (start / middle / end)
    ly: float = 0.0
    anchor: str = "middle"


# ---------------------------------------------------------------- labels that do not write over each other

POINT_FONT, NAME_FONT = 12, 13
# Where a label may go around its mark, in order of preference: (dx, dy of the text's baseline, text-anchor).
POINT_SPOTS = ((0, 20, "middle"), (0, -10, "middle"), (10, 4, "start"), (-10, 4, "end"), (0, 34, "middle"),
               (0, -24, "middle"))
NAME_SPOTS = ((0, -10, "middle"), (0, 18, "middle"), (10, 4, "start"), (-10, 4, "end"), (0, -24, "middle"),
              (0, 32, "middle"))

Box = tuple[float, float, float, float]  # left, top, right, bottom


def label_box(x: float, y: float, text: str, font: int, anchor: str) -> Box:
    """The box a label's text covers, its baseline at (x, y): a Chinese character is about a font size wide, a Latin
    letter or digit about half."""
    width = sum(font if ord(ch) > 0x2E7F else font * 0.55 for ch in text)
    left = x - width / 2 if anchor == "middle" else x if anchor == "start" else x - width
    return left, y - font, left + width, y + 3


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(marks: Sequence[tuple[float, float, str, int, Sequence[tuple[float, float, str]]]], width: float,
                 height: float, keep_clear: Sequence[Box] = ()) -> list[tuple[float, float, str]]:
    """For each mark (x, y, text, font size, its spots in order of preference), in the order given, the first spot
    whose label is inside the plot and clear of the labels already placed and of `keep_clear` (the marks
    themselves); where none is clear, the spot that covers least. Returns each label's (x, y, text-anchor)."""
    placed: list[Box] = list(keep_clear)
    out: list[tuple[float, float, str]] = []
    for x, y, text, font, spots in marks:
        best: tuple[float, tuple[float, float, str], Box] | None = None
        for dx, dy, anchor in spots:
            box = label_box(x + dx, y + dy, text, font, anchor)
            outside = max(0.0, -box[0]) + max(0.0, box[2] - width) + max(0.0, -box[1]) + max(0.0, box[3] - height)
            cost = sum(_overlap(box, other) for other in placed) + outside * font
            if best is None or cost < best[0]:
                best = (cost, (x + dx, y + dy, anchor), box)
            if cost == 0:
                break
        assert best is not None
        placed.append(best[2])
        out.append(best[1])
    return out


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
    points_xy = [(*at(p), kind, name) for p, kind, name in shown]
    names_xy = [(*at(p), name) for p, name in names]
    new_xy = [at(p) for p, _ in new]
    marks_clear = [(x - 7, y - 7, x + 7, y + 7) for x, y, _, _ in points_xy] + [
        (x - 10, y - 10, x + 10, y + 10) for x, y in new_xy]
    spots = place_labels([(x, y, name, POINT_FONT, POINT_SPOTS) for x, y, _, name in points_xy]
                         + [(x, y, name, NAME_FONT, NAME_SPOTS) for x, y, name in names_xy], WIDTH, height, marks_clear)
    plot.points = [Mark(x, y, r=r, label=name, kind=kind, lx=lx, ly=ly, anchor=anchor)
                   for (x, y, kind, name), (lx, ly, anchor) in zip(points_xy, spots[:len(points_xy)], strict=True)]
    plot.new = [Mark(x, y, r=r, label=label, kind="new") for (x, y), (_, label) in zip(new_xy, new, strict=True)]
    plot.names = [Mark(x, y, r=0, label=name, lx=lx, ly=ly, anchor=anchor)
                  for (x, y, name), (lx, ly, anchor) in zip(names_xy, spots[len(points_xy):], strict=True)]
    length = _bar((x1 - x0))
    plot.bar_px = round(length * scale, 1)
    plot.bar_label = f"{length // 1000} 公里" if length >= 1000 and length % 1000 == 0 else f"{length} 米"
    return plot
