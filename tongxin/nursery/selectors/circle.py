"""The 15-minute childcare circle's figures (N-10): per community, the households with an infant under 3 that
reach an open centre or point within the walk, the places per 100 infants, and where a new point would cover most
of those who do not; per township the same summed, its plot and its best new points. Plain data; the rules are
`rules_circle`'s, the households the registry's (`people.selectors.infant_households`)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from tongxin.orgs.models import Region
from tongxin.people import selectors as people

from .. import access_circle, circle_plot
from .. import rules_circle as rules
from ..models import Centre

NEW_POINTS_PER_TOWNSHIP = 3


@dataclass(frozen=True)
class PointInfo:
    centre_id: int
    name: str
    kind: str        # Centre.Kind value
    kind_label: str
    community_id: int
    at: rules.Point
    places: int


@dataclass
class Figures:
    """One community's figures (or a township's, summed)."""

    region_id: int
    name: str
    households: int = 0   # with at least one infant under 3
    located: int = 0      # of those, whose position is known
    covered: int = 0      # of those, within the walk of a centre or point
    infants: int = 0
    places: int = 0
    suggestions: list[rules.Suggestion] = field(default_factory=list)

    @property
    def uncovered(self) -> int:
        return self.located - self.covered

    @property
    def unplaced(self) -> int:
        return self.households - self.located

    @property
    def share(self) -> Decimal | None:
        return rules.coverage_share(self.covered, self.located)

    @property
    def per_100(self) -> Decimal | None:
        return rules.places_per_100(self.places, self.infants)

    @property
    def best(self) -> rules.Suggestion | None:
        return self.suggestions[0] if self.suggestions else None


@dataclass
class TownshipCircle:
    township: Region
    on: dt.date
    walk: rules.Walk
    communities: list[Figures]
    total: Figures
    points: list[PointInfo]
    # (family id, community id, position, covered) of the placed households with an infant
    dots: list[tuple[int, int, rules.Point, bool]] = field(default_factory=list)

    def plot(self) -> circle_plot.Plot:
        names = []
        for c in self.communities:
            mine = [at for _, cid, at, _ in self.dots if cid == c.region_id]
            if mine:
                names.append(((sum(a[0] for a in mine) / len(mine), sum(a[1] for a in mine) / len(mine)), c.name))
        return circle_plot.draw(
            [(at, covered) for _, _, at, covered in self.dots],
            [(p.at, p.kind, p.name) for p in self.points],
            [(s.at, f"{i}") for i, s in enumerate(self.total.suggestions, start=1)],
            names, self.walk.radius_m)


def open_points() -> list[PointInfo]:
    """Every open centre and point with the licensed places of its open classes."""
    rows = (Centre.objects.filter(active=True).select_related("site")
            .annotate(open_places=Sum("rooms__places", filter=Q(rooms__active=True))).order_by("pk"))
    return [PointInfo(centre_id=c.pk, name=c.site.name, kind=c.kind, kind_label=c.get_kind_display(),
                      community_id=c.site.region_id, at=(float(c.latitude), float(c.longitude)),
                      places=c.open_places or 0) for c in rows]


def _born_after(on: dt.date) -> dt.date:
    """A day before every infant's birth (the rule decides exactly who is under 3)."""
    return on - dt.timedelta(days=3 * 366 + 1)


def _figures(communities: Sequence[Region], points: list[PointInfo], on: dt.date, walk: rules.Walk,
             ) -> tuple[dict[int, Figures], list[tuple[int, int, rules.Point, bool]]]:
    radius = walk.radius_m
    figures = {c.pk: Figures(region_id=c.pk, name=c.name) for c in communities}
    for p in points:
        if p.community_id in figures:
            figures[p.community_id].places += p.places
    located: list[tuple[int, int, rules.Point]] = []
    for h in people.infant_households(list(figures), born_after=_born_after(on), born_until=on):
        n = rules.infants(h.births, on)
        if not n:
            continue
        f = figures[h.community_id]
        f.households += 1
        f.infants += n
        if h.latitude is not None and h.longitude is not None:
            f.located += 1
            located.append((h.family_id, h.community_id, (float(h.latitude), float(h.longitude))))
    covered = rules.covered_keys([(fid, at) for fid, _, at in located], [p.at for p in points], radius)
    dots = [(fid, cid, at, fid in covered) for fid, cid, at in located]
    for fid, cid, at, yes in dots:
        figures[cid].covered += yes
    for cid, f in figures.items():
        f.suggestions = rules.best_points([(fid, at) for fid, c, at, yes in dots if c == cid and not yes], radius)
    return figures, dots


def _total(region_id: int, name: str, parts: Sequence[Figures]) -> Figures:
    return Figures(region_id=region_id, name=name, households=sum(p.households for p in parts),
                   located=sum(p.located for p in parts), covered=sum(p.covered for p in parts),
                   infants=sum(p.infants for p in parts), places=sum(p.places for p in parts))


def township_circle(user, township: Region, *, on: dt.date, walk: rules.Walk | None = None) -> TownshipCircle:
    """A township's circle as the user reads it (only the communities of the user's area)."""
    walk = walk or rules.Walk()
    communities = list(Region.objects.filter(access_circle.communities_q(user), parent=township).order_by("path"))
    points = open_points()
    figures, dots = _figures(communities, points, on, walk)
    rows = [figures[c.pk] for c in communities]
    total = _total(township.pk, township.name, rows)
    total.suggestions = rules.best_points([(fid, at) for fid, _, at, yes in dots if not yes], walk.radius_m,
                                          count=NEW_POINTS_PER_TOWNSHIP)
    return TownshipCircle(township=township, on=on, walk=walk, communities=rows, total=total, points=points,
                          dots=dots)


@dataclass
class Overview:
    on: dt.date
    walk: rules.Walk
    townships: list[tuple[Figures, list[Figures]]]
    total: Figures | None

    @property
    def township_rows(self) -> list[Figures]:
        return [t for t, _ in self.townships]


def circle_overview(user, *, on: dt.date, walk: rules.Walk | None = None) -> Overview:
    """Every township the user reads, with its communities' figures and their sums (one read of the households)."""
    walk = walk or rules.Walk()
    townships = access_circle.visible_townships(user)
    communities = list(Region.objects.filter(access_circle.communities_q(user), parent__in=townships)
                       .order_by("path"))
    figures, _ = _figures(communities, open_points(), on, walk)
    out = []
    for t in townships:
        rows = [figures[c.pk] for c in communities if c.parent_id == t.pk]
        out.append((_total(t.pk, t.name, rows), rows))
    total = _total(0, "合计", [t for t, _ in out]) if len(out) > 1 else None
    return Overview(on=on, walk=walk, townships=out, total=total)
