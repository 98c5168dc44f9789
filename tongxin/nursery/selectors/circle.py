"""The 15-minute childcare circle's figures (N-10): per community, the households with an infant under 3 that
reach an open centre or point within the walk, the places per 100 infants, and where a new point would cover most
of those who do not; per township the same summed, its plot and its best new points. Plain data; the rules are
`rules_circle`'s, the households the registry's (`people.selectors.infant_households`).

Households are children's homes: their exact positions stay inside this module's computation. What leaves it for a
page is counts, the 100 m grid cells households fall in (`rules_circle.cells`) and new points at their cell's
centre — never a household's own position."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from tongxin.orgs.models import Region
from tongxin.people import selectors as people

from .. import access_circle, circle_plot
from .. import rules as base_rules
from .. import rules_circle as rules
from ..models import Centre, CountyBounds

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


@dataclass(frozen=True)
class NewPoint:
    """A suggested new point as a page shows it: the centre of the grid cell of the home it stands at, and how many
    households still uncovered its circle would reach."""

    at: rules.Point
    count: int
    near: str = ""  # where it lies from the nearest open centre or point, e.g. "在城关镇…服务中心西南约 2.1 公里处"


def _shown(suggestions: Sequence[rules.Suggestion], points: Sequence[PointInfo]) -> list[NewPoint]:
    out = []
    for s in suggestions:
        at = rules.coarsen(s.at)
        nearest = min(points, key=lambda p: rules.distance_m(p.at, at), default=None)
        near = f"在{nearest.name}{rules.direction_label(nearest.at, at)}处" if nearest is not None else ""
        out.append(NewPoint(at=at, count=s.count, near=near))
    return out


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
    suggestions: list[NewPoint] = field(default_factory=list)

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
    def best(self) -> NewPoint | None:
        return self.suggestions[0] if self.suggestions else None


@dataclass
class TownshipCircle:
    township: Region
    on: dt.date
    walk: rules.Walk
    communities: list[Figures]
    total: Figures
    points: list[PointInfo]
    cells: list[rules.Cell] = field(default_factory=list)  # the placed households counted per 100 m cell
    names: list[tuple[rules.Point, str]] = field(default_factory=list)  # each community's name, amid its cells

    def plot(self) -> circle_plot.Plot:
        return circle_plot.draw(self.cells, [(p.at, p.kind, p.name) for p in self.points],
                                [(s.at, f"{i}") for i, s in enumerate(self.total.suggestions, start=1)],
                                self.names, self.walk.radius_m)


def _names(communities: Sequence[Figures], dots: Sequence[tuple[int, int, rules.Point, bool]],
           ) -> list[tuple[rules.Point, str]]:
    """Where each community's name goes: amid its households' cells (the mean of their centres)."""
    out = []
    for c in communities:
        mine = [cell.at for cell in rules.cells([(at, yes) for _, cid, at, yes in dots if cid == c.region_id])]
        if mine:
            out.append(((sum(a[0] for a in mine) / len(mine), sum(a[1] for a in mine) / len(mine)), c.name))
    return out


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
        f.suggestions = _shown(rules.best_points([(fid, at) for fid, c, at, yes in dots if c == cid and not yes],
                                                 radius), points)
    return figures, dots


def _total(region_id: int, name: str, parts: Sequence[Figures]) -> Figures:
    return Figures(region_id=region_id, name=name, households=sum(p.households for p in parts),
                   located=sum(p.located for p in parts), covered=sum(p.covered for p in parts),
                   infants=sum(p.infants for p in parts), places=sum(p.places for p in parts))


def area_name(township_name: str, seen: Sequence[str], in_township: int) -> str:
    """What a township's figures are named when the reader sees only some of its communities (a community's
    worker sees their own): the township and those communities, never the township alone."""
    if len(seen) >= in_township:
        return township_name
    if len(seen) <= 3:
        return f"{township_name}{'、'.join(seen)}"
    return f"{township_name}（{len(seen)} 个社区（村））"


def _in_township(township_ids: Sequence[int]) -> dict[int, int]:
    return dict(Region.objects.filter(level=Region.Level.COMMUNITY, parent_id__in=township_ids)
                .values("parent_id").annotate(n=Count("pk")).values_list("parent_id", "n"))


def township_circle(user, township: Region, *, on: dt.date, walk: rules.Walk | None = None) -> TownshipCircle:
    """A township's circle as the user reads it (only the communities of the user's area)."""
    walk = walk or rules.Walk()
    communities = list(Region.objects.filter(access_circle.communities_q(user), parent=township).order_by("path"))
    points = open_points()
    figures, dots = _figures(communities, points, on, walk)
    rows = [figures[c.pk] for c in communities]
    total = _total(township.pk, area_name(township.name, [c.name for c in communities],
                                          _in_township([township.pk]).get(township.pk, 0)), rows)
    total.suggestions = _shown(rules.best_points([(fid, at) for fid, _, at, yes in dots if not yes], walk.radius_m,
                                                 count=NEW_POINTS_PER_TOWNSHIP), points)
    return TownshipCircle(township=township, on=on, walk=walk, communities=rows, total=total, points=points,
                          cells=rules.cells([(at, yes) for _, _, at, yes in dots]), names=_names(rows, dots))


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
    sizes = _in_township([t.pk for t in townships])
    out = []
    for t in townships:
        mine = [c for c in communities if c.parent_id == t.pk]
        rows = [figures[c.pk] for c in mine]
        out.append((_total(t.pk, area_name(t.name, [c.name for c in mine], sizes.get(t.pk, 0)), rows), rows))
    total = _total(0, "合计", [t for t, _ in out]) if len(out) > 1 else None
    return Overview(on=on, walk=walk, townships=out, total=total)


# ---------------------------------------------------------------- households' positions (家庭定位)


def county_bounds(region: Region) -> rules.Bounds | None:
    """The bounding box of the county a region lies in (None until the administrator sets it)."""
    county_path = "/" + region.path.strip("/").split("/")[0] + "/"
    row = CountyBounds.objects.filter(county__path=county_path).first()
    return row.bounds if row is not None else None


def age_label(birth: dt.date, on: dt.date) -> str:
    months = base_rules.age_in_months(birth, on)
    if months < 12:
        return f"{months}个月"
    return f"{months // 12}岁" + (f"{months % 12}个月" if months % 12 else "")


@dataclass(frozen=True)
class HouseholdRow:
    family_id: int
    head_name: str
    address: str
    ages: str            # the infants' ages on the day, e.g. "1岁3个月、3个月"
    placed: bool
    latitude: Decimal | None   # for the one who sets it only
    longitude: Decimal | None


@dataclass
class PositionsPage:
    community: Region
    on: dt.date
    bounds: rules.Bounds | None
    editable: bool
    households: int            # with an infant under 3 (all of them, whoever reads)
    placed: int
    rows: list[HouseholdRow]   # those the reader's registry scope shows, the unplaced first

    @property
    def unplaced(self) -> int:
        return self.households - self.placed


def _counts(community_ids: Sequence[int], on: dt.date) -> dict[int, tuple[int, int]]:
    """Per community: households with an infant under 3, and of those the placed ones (numbers only)."""
    out: dict[int, list[int]] = {cid: [0, 0] for cid in community_ids}
    for h in people.infant_households(list(community_ids), born_after=_born_after(on), born_until=on):
        if rules.infants(h.births, on):
            out[h.community_id][0] += 1
            out[h.community_id][1] += h.latitude is not None and h.longitude is not None
    return {cid: (n, placed) for cid, (n, placed) in out.items()}


def community_positions(user, community: Region, *, on: dt.date) -> PositionsPage:
    """One community's households with an infant under 3 on `on` and whether each is placed; the positions
    themselves only for its children's worker (and the administrator), who sets them."""
    editable = access_circle.edits_positions(user, community)
    rows = []
    for h in people.household_positions(user, community.pk, born_after=_born_after(on), born_until=on):
        births = [b for b in h.births if rules.is_infant(b, on)]
        if births:
            rows.append(HouseholdRow(family_id=h.family_id, head_name=h.head_name, address=h.address,
                                     ages="、".join(age_label(b, on) for b in births), placed=h.placed,
                                     latitude=h.latitude if editable else None,
                                     longitude=h.longitude if editable else None))
    households, placed = _counts([community.pk], on)[community.pk]
    return PositionsPage(community=community, on=on, bounds=county_bounds(community), editable=editable,
                         households=households, placed=placed, rows=rows)


@dataclass(frozen=True)
class CommunityPositions:
    community: Region
    households: int
    placed: int

    @property
    def unplaced(self) -> int:
        return self.households - self.placed


def positions_overview(user, *, on: dt.date) -> list[CommunityPositions]:
    """Every community the user reads the circle of, with how many of its households with an infant are placed."""
    communities = list(Region.objects.filter(access_circle.communities_q(user)).select_related("parent")
                       .order_by("path"))
    counts = _counts([c.pk for c in communities], on)
    return [CommunityPositions(community=c, households=counts[c.pk][0], placed=counts[c.pk][1]) for c in communities]
