"""Figures of a programme and of an area, for the summary pages and upward reports.

The figures of any number of programmes are read together in a fixed number of grouped queries
(`programme_figures`); one programme's summary adds its detail (`programme_summary`); an area's overview sums
them by township for the export (`area_overview`), or has the database sum them for the page, which shows one page
of townships and of programmes (`area_page`), from the figures the worker computed ahead (`FiguresSnapshot`) where
it has.
No personal field is read: only ids, states and counts."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Avg, Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tongxin.orgs import scope
from tongxin.orgs.models import Region, Role, School

from .. import permissions, rules
from ..models import (
    Application,
    Attendance,
    Evaluation,
    FiguresSnapshot,
    Incident,
    Period,
    Placement,
    PriorityTier,
    Programme,
)
from .fees import fee_totals
from .programmes import spans_days
from .roster import duty_totals


def _satisfaction_detail(programme: Programme) -> dict:
    qs = Evaluation.objects.filter(placement__period__programme=programme)
    by_period = list(qs.values("placement__period__name").annotate(n=Count("id"), avg=Avg("overall")).order_by("placement__period__start"))
    by_group = list(qs.values("placement__period__name", "placement__group__name").annotate(n=Count("id"), avg=Avg("overall"))
                    .order_by("placement__period__start", "placement__group__name"))
    comments = list(qs.exclude(comment="").values_list("comment", flat=True).distinct().order_by("comment")[:20])
    return {"by_period": by_period, "by_group": by_group, "comments": comments}


def satisfaction(programme: Programme) -> dict:
    overall = Evaluation.objects.filter(placement__period__programme=programme).aggregate(
        n=Count("id"), **{q: Avg(q) for q in Evaluation.QUESTIONS})
    return {"overall": overall, **_satisfaction_detail(programme)}


# How each applicant stands at the end of the chain, counted once per child (人) by their latest application.
OUTCOMES = [
    ("placed", "已安置", (Application.State.PLACED,)),
    ("waiting", "候补中", (Application.State.WAITING,)),
    ("pending", "审核中", (Application.State.SUBMITTED, Application.State.REVIEWED, Application.State.APPROVED)),
    ("rejected", "未通过", (Application.State.REJECTED,)),
    ("withdrawn", "已撤回", (Application.State.WITHDRAWN,)),
]


_OUTCOME_OF: dict[str, str] = {state: key for key, _, states in OUTCOMES for state in states}


# Short tier names for charts and narrow columns; the full label stays in tables and exports.
_TIER_SHORT = {PriorityTier.SPECIAL: "优先保障", PriorityTier.DUAL_EARNER: "双职工家庭", PriorityTier.GENERAL: "一般"}


@dataclass
class Figures:
    """A programme's figures, as the area table shows them. Applicants are counted in 人 (children), each once by
    their latest application, so applicants = placed + waiting + pending + rejected + withdrawn, in total and in
    every priority tier. `satisfaction` holds the overall averages: {"overall": {"n": …, "safety": …, …}}."""

    programme: Programme
    applicants: int
    outcomes: dict[str, int]
    by_tier: list[dict]
    attended: int
    expected: int
    absent_days: int
    upto: dt.date
    staff_hours: Decimal
    staff_people: int
    fees: dict
    incidents: dict
    satisfaction: dict

    @property
    def applications(self) -> int:
        return self.applicants

    @property
    def placed_children(self) -> int:
        return self.outcomes["placed"]

    @property
    def waiting_children(self) -> int:
        return self.outcomes["waiting"]

    @property
    def special_placed(self) -> int:
        return next(t["placed"] for t in self.by_tier if t["tier"] == PriorityTier.SPECIAL.label)

    @property
    def outcome_rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.outcomes[key]) for key, label, _ in OUTCOMES]

    @property
    def incident_count(self) -> int:
        return sum(self.incidents.values())

    @property
    def attendance_rate(self) -> float | None:
        return round(100 * self.attended / self.expected, 1) if self.expected else None


@dataclass
class Summary(Figures):
    """One programme's figures with their detail: the reasons of the priority tier; each period with its custody
    days and groups (per period, placed and waiting are children of that period; summed over periods they are
    人次); satisfaction also by period and group, with the parents' comments."""

    tier_reasons: list[tuple[str, int]] = field(default_factory=list)
    periods: list = field(default_factory=list)


def _latest_applications(programme_ids: list[int]) -> QuerySet:
    """Each child's latest application (by time, then id) to each of the programmes: numbered in one pass (a
    window function), not looked up again for every application."""
    latest = Application.objects.filter(programme__in=programme_ids).annotate(rank=Window(
        RowNumber(), partition_by=[F("programme"), F("child")], order_by=[F("created_at").desc(), F("pk").desc()]))
    return Application.objects.filter(pk__in=latest.filter(rank=1).values("pk")).order_by()


def _read(programmes: Sequence[Programme], upto: dt.date, periods: Sequence[Period] | None
          ) -> tuple[list[Figures], dict[int, list[dt.date]], dict[tuple[int, str], int]]:
    """The figures, each period's custody days, and placements by (period, state): nine queries."""
    ids = [p.pk for p in programmes]
    tally: dict[int, dict[tuple[int, str], int]] = defaultdict(dict)
    for pid, tier, state, n in _latest_applications(ids).values_list("programme", "tier", "state").annotate(n=Count("id")):
        tally[pid][(tier, state)] = n
    # Placements by period, state and lunch; the periods' dates come along (those without any placement count
    # for nothing here), unless the caller has loaded the periods.
    spans = {p.pk: (p.programme_id, p.start, p.end) for p in periods or ()}
    placements: dict[tuple[int, str], int] = defaultdict(int)
    placed_by_lunch: dict[tuple[int, int, bool], int] = {}
    for period, pid, start, end, state, lunch, n in (
            Placement.objects.filter(period__programme__in=ids).order_by()
            .values_list("period", "period__programme", "period__start", "period__end", "state", "application__lunch")
            .annotate(n=Count("id"))):
        spans[period] = (pid, start, end)
        placements[(period, state)] += n
        if state == Placement.State.PLACED:
            placed_by_lunch[(pid, period, lunch)] = n
    days = spans_days({pk: (start, end) for pk, (_, start, end) in spans.items()})
    expected: dict[int, int] = defaultdict(int)
    for (pid, period, _), n in placed_by_lunch.items():
        expected[pid] += sum(1 for d in days[period] if d <= upto) * n
    fees = fee_totals(programmes, {pk: len(d) for pk, d in days.items()}, placed_by_lunch)
    attendance = {pid: (attended, absent) for pid, attended, absent in (
        Attendance.objects.filter(placement__period__programme__in=ids, placement__state=Placement.State.PLACED,
                                  date__lte=upto).order_by()
        .values_list("placement__period__programme")
        .annotate(attended=Count("id", filter=Q(check_in_at__isnull=False)),
                  absent=Count("id", filter=Q(check_in_at__isnull=True) & ~Q(absence_reason=""))))}
    duty = duty_totals(ids)
    kinds = {kind: i for i, kind in enumerate(Incident.Kind.values)}
    incidents: dict[int, dict[str, int]] = defaultdict(dict)
    for pid, kind, n in sorted(Incident.objects.filter(placement__period__programme__in=ids).order_by()
                               .values_list("placement__period__programme", "kind").annotate(n=Count("id")),
                               key=lambda r: kinds.get(r[1], len(kinds))):
        incidents[pid][kind] = n
    rated = {pid: {"n": n, **dict(zip(Evaluation.QUESTIONS, averages, strict=True))} for pid, n, *averages in (
        Evaluation.objects.filter(placement__period__programme__in=ids).order_by()
        .values_list("placement__period__programme").annotate(n=Count("id"), **{q: Avg(q) for q in Evaluation.QUESTIONS}))}
    figures = []
    for p in programmes:
        counts = tally[p.pk]
        outcomes: Counter[str] = Counter()
        tiers = []
        for tier in PriorityTier:
            of_tier = {key: sum(counts.get((tier.value, s), 0) for s in states) for key, _, states in OUTCOMES}
            outcomes.update(of_tier)
            tiers.append({"tier": tier.label, "short": _TIER_SHORT[tier], "applied": sum(of_tier.values()), **of_tier})
        attended, absent = attendance.get(p.pk, (0, 0))
        people, hours = duty[p.pk]
        figures.append(Figures(
            programme=p, applicants=sum(outcomes.values()), outcomes={key: outcomes[key] for key, _, _ in OUTCOMES},
            by_tier=tiers, attended=attended, expected=expected[p.pk], absent_days=absent, upto=upto,
            staff_hours=hours, staff_people=people, fees=fees[p.pk], incidents=incidents[p.pk],
            satisfaction={"overall": rated.get(p.pk) or {"n": 0, **dict.fromkeys(Evaluation.QUESTIONS)}},
        ))
    return figures, days, placements


def _upto(upto: dt.date | None, now: dt.datetime | None = None) -> dt.date:
    """Attendance counts custody days up to this day: by default yesterday (of `now`), since today's roll is
    still open."""
    return upto or timezone.localdate(now) - dt.timedelta(days=1)


def programme_figures(programmes: Sequence[Programme], upto: dt.date | None = None) -> list[Figures]:
    """The figures of many programmes, in their order, in nine grouped queries whatever their number and size;
    attendance counts custody days up to `upto` (default: yesterday)."""
    return _read(programmes, _upto(upto), None)[0] if programmes else []


# ---------------------------------------------------------------- figures computed ahead (the worker's snapshots)

_FIGURE_FIELDS = ("applicants", "outcomes", "by_tier", "attended", "expected", "absent_days", "staff_hours",
                  "staff_people", "fees", "incidents", "satisfaction")


def figures_data(f: Figures) -> dict:
    """What a snapshot keeps of a programme's figures (JSON: decimals become strings)."""
    return {name: getattr(f, name) for name in _FIGURE_FIELDS}


def _figures_from(programme: Programme, upto: dt.date, data: dict) -> Figures:
    fees = {key: Decimal(v) if isinstance(v, str) else v for key, v in data["fees"].items()}
    return Figures(programme=programme, upto=upto, **{**data, "fees": fees, "staff_hours": Decimal(data["staff_hours"])})


def figures_as_of(programmes: Sequence[Programme], upto: dt.date | None = None
                  ) -> tuple[list[Figures], dt.datetime | None]:
    """The figures of these programmes from the worker's snapshots up to `upto`, the missing ones computed now;
    and when the oldest snapshot used was computed (None when all were computed now). One query, plus the
    nine of `programme_figures` when some are missing."""
    upto = _upto(upto)
    ids = [p.pk for p in programmes]
    snapshots = {pid: (data, at) for pid, data, at in FiguresSnapshot.objects.filter(programme__in=ids, upto=upto)
                 .values_list("programme", "data", "computed_at")} if ids else {}
    live = {f.programme.pk: f for f in programme_figures([p for p in programmes if p.pk not in snapshots], upto)}
    figures = [live[p.pk] if p.pk in live else _figures_from(p, upto, snapshots[p.pk][0]) for p in programmes]
    used = [at for _, at in snapshots.values()]
    return figures, min(used) if used else None


def figures_due(now: dt.datetime, every_minutes: int) -> bool:
    """Whether the worker should recompute the figures: none yet up to yesterday (of `now`), or the latest
    computed more than `every_minutes` ago."""
    latest = (FiguresSnapshot.objects.filter(upto=_upto(None, now)).order_by("-computed_at")
              .values_list("computed_at", flat=True).first())
    return latest is None or now - latest >= dt.timedelta(minutes=every_minutes)


def programme_summary(programme: Programme, upto: dt.date | None = None) -> Summary:
    """The programme's figures with their detail, in fifteen queries whatever its size; attendance counts
    custody days up to `upto` (default: yesterday, since today's roll is still open)."""
    periods = list(programme.periods.prefetch_related("groups"))
    (figures,), days, placements = _read([programme], _upto(upto), periods)
    rows = [{
        "period": period, "days": len(days[period.pk]),
        "groups": [{"name": g.name, "capacity": g.capacity, "placed": g.seats_taken} for g in period.groups.all()],
        "placed": placements.get((period.pk, Placement.State.PLACED), 0),
        "waiting": placements.get((period.pk, Placement.State.WAITING), 0),
    } for period in periods]
    reasons: Counter[str] = Counter()
    for tier_reasons, n in (_latest_applications([programme.pk]).filter(tier=PriorityTier.SPECIAL)
                            .values_list("tier_reasons").annotate(n=Count("id"))):
        for reason in tier_reasons:
            reasons[reason] += n
    return Summary(**{**vars(figures), "satisfaction": {**figures.satisfaction, **_satisfaction_detail(programme)}},
                   tier_reasons=sorted(reasons.items(), key=lambda r: (-r[1], r[0])), periods=rows)


@dataclass
class Totals:
    """Sums of many programmes' figures (an area, a township). Children are counted once per programme, so a
    child in two programmes counts twice (人次); the rates are recomputed from the sums."""

    label: str
    county: str = ""  # the county (区) of a township, shown when the user oversees several
    programmes: int = 0
    applicants: int = 0
    placed: int = 0
    waiting: int = 0
    special_placed: int = 0
    attended: int = 0
    expected: int = 0
    staff_hours: Decimal = Decimal("0")
    fee_total: Decimal = Decimal("0")
    exemption: Decimal = Decimal("0")
    incidents: int = 0
    evaluations: int = 0
    rating_sum: float = 0.0  # overall rating × evaluations, summed

    def add(self, f: Figures, *, counted: bool = False) -> None:
        """Add a programme's figures; `counted`: the programme is counted already (only its figures are added)."""
        self.programmes += 0 if counted else 1
        self.applicants += f.applicants
        self.placed += f.placed_children
        self.waiting += f.waiting_children
        self.special_placed += f.special_placed
        self.attended += f.attended
        self.expected += f.expected
        self.staff_hours += f.staff_hours
        self.fee_total += f.fees["total"]
        self.exemption += f.fees["exemption"]
        self.incidents += f.incident_count
        overall = f.satisfaction["overall"]
        if overall["n"]:
            self.evaluations += overall["n"]
            self.rating_sum += overall["overall"] * overall["n"]

    def merge(self, other: "Totals") -> None:
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def attendance_rate(self) -> float | None:
        return round(100 * self.attended / self.expected, 1) if self.expected else None

    @property
    def satisfaction(self) -> float | None:
        return self.rating_sum / self.evaluations if self.evaluations else None


_SUMMED = ("programmes", "applicants", "placed", "waiting", "special_placed", "attended", "expected", "staff_hours",
           "fee_total", "exemption", "incidents", "evaluations", "rating_sum")

OUTSIDE_TOWNSHIPS = "县直属"


@dataclass
class AreaOverview:
    """An overview office's programmes: the area's totals, each township's, and every programme's row as
    (township, figures), by township and then newest first."""

    total: Totals
    townships: list[Totals]
    rows: list[tuple[str, Figures]]
    upto: dt.date | None = None  # attendance counted up to this day
    as_of: dt.datetime | None = None  # when the oldest figures shown were computed; None: all computed just now


def area_overview(user, upto: dt.date | None = None) -> AreaOverview:
    """The figures of every programme the user oversees, summed by township and in total, in a fixed number
    of queries however many programmes, schools and townships there are; in the order of the overview page
    (`area_page`): by the organiser's region in the region tree, then newest first. For the export, which lists
    every programme."""
    programmes = list(permissions.overseen_programmes(user).select_related(*_ORGANISER_REGIONS)
                      .order_by("-created_at", "-pk"))
    programmes.sort(key=lambda p: p.organiser_region.path)  # stable: newest first within a region
    upto = _upto(upto)
    figures, as_of = figures_as_of(programmes, upto)
    total = Totals("合计")
    townships: dict[int, Totals] = {}
    paths: dict[int, str] = {}
    rows: list[tuple[str, Figures]] = []
    for f in figures:
        gid, path, label, county = _group_of(_region_of(f.programme))
        townships.setdefault(gid, Totals(label, county=county or "")).add(f)
        paths[gid] = path
        total.add(f)
        rows.append((label, f))
    return AreaOverview(total=total, townships=[townships[g] for g in sorted(townships, key=paths.__getitem__)],
                        rows=rows, upto=upto, as_of=as_of)


# ---------------------------------------------------------------- the overview page: summed by the database, paged

TOWNSHIP_PAGE = 20  # townships per page of the overview's township table
PROGRAMME_PAGE = 20  # programmes per page of its programme table; the totals above both cover every row


_TENTH = Decimal("0.1")  # duty hours are credited in tenths (rules.credited_hours), fees in cents
_SPECIAL = list(PriorityTier).index(PriorityTier.SPECIAL)  # by_tier lists the tiers in PriorityTier's order


def _figure(vendor: str, path: str, cast: str) -> str:
    """SQL for a value of a snapshot's figures (`outcomes.placed`: data["outcomes"]["placed"]) cast to a type."""
    keys = path.split(".")
    if vendor == "postgresql":
        value = "(s.data #>> '{%s}')" % ",".join(keys)
    else:  # SQLite's JSON1
        value = "json_extract(s.data, '$%s')" % "".join(f"[{k}]" if k.isdigit() else f".{k}" for k in keys)
    return f"CAST({value} AS {cast})"


def _sums_sql(vendor: str) -> str:
    """The snapshots' figures summed as `Totals.add` sums a programme's, in the order of _SUMMED after
    `programmes` (an incident kind no longer offered is not counted here)."""
    def n(path: str) -> str:
        return f"COALESCE(SUM({_figure(vendor, path, 'INTEGER')}), 0)"

    def d(path: str) -> str:
        return f"COALESCE(SUM({_figure(vendor, path, 'NUMERIC')}), 0)"

    incidents = " + ".join(f"COALESCE({_figure(vendor, f'incidents.{kind}', 'INTEGER')}, 0)" for kind in Incident.Kind.values)
    rating = (f"COALESCE(SUM({_figure(vendor, 'satisfaction.overall.overall', 'DOUBLE PRECISION')}"
              f" * {_figure(vendor, 'satisfaction.overall.n', 'DOUBLE PRECISION')}), 0)")
    return ", ".join([n("applicants"), n("outcomes.placed"), n("outcomes.waiting"), n(f"by_tier.{_SPECIAL}.placed"),
                      n("attended"), n("expected"), d("staff_hours"), d("fees.total"), d("fees.exemption"),
                      f"COALESCE(SUM({incidents}), 0)", n("satisfaction.overall.n"), rating])


def _by_township(user, upto: dt.date) -> list[tuple]:
    """The overseen programmes counted and their snapshots' figures summed by township (a community's programmes
    under its township; a county-level organiser's under the county itself), in one query whose text does not
    depend on the data: (township id, level, name, path, county id, county name, programmes, snapshots, oldest
    snapshot's time, *sums in the order of _SUMMED after `programmes`), in the order of the region tree.
    Written in SQL: the ORM spends more time building this query than the database running it."""
    overseen, params = permissions.overseen_programmes(user).order_by().values("pk").query.sql_with_params()
    q = connection.ops.quote_name
    level = Region.Level
    sql = f"""
        SELECT g.id, g.level, g.name, g.path, c.id, c.name, COUNT(p.id), COUNT(s.id), MIN(s.computed_at),
               {_sums_sql(connection.vendor)}
        FROM {q(Programme._meta.db_table)} p
        LEFT JOIN {q(School._meta.db_table)} sc ON sc.id = p.school_id
        LEFT JOIN {q(Region._meta.db_table)} r ON r.id = COALESCE(sc.region_id, p.community_id)
        LEFT JOIN {q(Region._meta.db_table)} g ON g.id = CASE WHEN r.level = {int(level.COMMUNITY)} THEN r.parent_id ELSE r.id END
        LEFT JOIN {q(Region._meta.db_table)} c ON c.id = CASE WHEN g.level = {int(level.COUNTY)} THEN g.id ELSE g.parent_id END
        LEFT JOIN {q(FiguresSnapshot._meta.db_table)} s ON s.programme_id = p.id AND s.upto = %s
        WHERE p.id IN ({overseen})
        GROUP BY g.id, g.level, g.name, g.path, c.id, c.name
        ORDER BY g.path"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(upto), *params])
        return cursor.fetchall()


@dataclass
class AreaPage:
    """One page of an overview office's programmes: the area's totals and each township's (`townships`, a page of
    Totals in the order of the region tree: a county's own programmes (县直属) before its townships), and one page
    of programme rows (township, figures) in the same order, by the organiser's region and then newest first.
    The totals are those of every programme, whatever the pages shown."""

    total: Totals
    townships: Page
    rows: Page
    counties: int  # how many counties the programmes lie in (the township table names them when several)
    upto: dt.date
    as_of: dt.datetime | None  # when the oldest figures summed were computed; None: all computed just now


def _page_number(value: object) -> int:
    try:
        return max(int(str(value)), 1)
    except ValueError:
        return 1


def _group_of(region: dict) -> tuple[int, str, str, str]:
    """(township id, path, label, county name) of an organiser region given as _REGION_FIELDS: the township of a
    community, a township itself, or a county itself (its own programmes, 县直属)."""
    if region["level"] == Region.Level.COMMUNITY:
        return region["parent_id"], region["parent__path"], region["parent__name"], region["parent__parent__name"]
    if region["level"] == Region.Level.TOWNSHIP:
        return region["id"], region["path"], region["name"], region["parent__name"]
    return region["id"], region["path"], OUTSIDE_TOWNSHIPS, region["name"]


# What `_group_of` reads of an organiser region.
_REGION_FIELDS = ("id", "level", "name", "path", "parent_id", "parent__name", "parent__path", "parent__parent__name")
_ORGANISER_REGIONS = ("school__region__parent__parent", "community__parent__parent")  # to select_related


def _region_of(programme: Programme) -> dict:
    """The programme's organiser region as _REGION_FIELDS (its parents loaded along, see _ORGANISER_REGIONS)."""
    r = programme.organiser_region
    parent = r.parent
    grandparent = parent.parent if parent is not None else None
    return {"id": r.pk, "level": r.level, "name": r.name, "path": r.path, "parent_id": r.parent_id,
            "parent__name": parent and parent.name, "parent__path": parent and parent.path,
            "parent__parent__name": grandparent and grandparent.name}


def _when(value: object) -> dt.datetime | None:
    """A time read by raw SQL: SQLite gives text (UTC), PostgreSQL a datetime."""
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value))
    assert parsed is not None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def area_page(user, *, page: object = None, township_page: object = None, upto: dt.date | None = None) -> AreaPage:
    """The overview of every programme the user oversees, one page of townships and one of programmes at a time:
    the database counts the programmes and sums the worker's snapshots by township (`_by_township`); one more
    query reads the page's programmes with their snapshots. Programmes without a snapshot are read in that query
    too (whatever their page), computed now in the nine queries of `programme_figures` and added to the sums.
    Nothing is read or decoded per programme but the page's. A page number past the end shows the last page;
    one that is not a number, the first."""
    upto = _upto(upto)
    groups: dict[int | None, Totals] = {}
    counties: set[int | None] = set()
    oldest: list[dt.datetime] = []
    snapshots = 0
    for gid, level, name, _, county_id, county, programmes, snapped, as_of, *sums in _by_township(user, upto):
        t = groups[gid] = Totals(OUTSIDE_TOWNSHIPS if level == Region.Level.COUNTY or gid is None else name,
                                 county=county or "", **dict(zip(_SUMMED, [programmes, *sums], strict=True)))
        t.staff_hours = Decimal(str(t.staff_hours)).quantize(_TENTH)
        t.fee_total, t.exemption = (Decimal(str(v)).quantize(rules.CENT) for v in (t.fee_total, t.exemption))
        t.rating_sum = float(t.rating_sum)
        counties.add(county_id)
        snapshots += snapped
        if as_of is not None:
            oldest.append(_when(as_of))  # type: ignore[arg-type]
    total = Totals("合计")
    for t in groups.values():
        total.merge(t)
    this: Page = Paginator(range(total.programmes), PROGRAMME_PAGE).get_page(_page_number(page))
    snapshot = FiguresSnapshot.objects.filter(programme=OuterRef("pk"), upto=upto).values("data")[:1]
    ordered = (Programme.objects.filter(pk__in=permissions.overseen_programmes(user).values("pk"))
               .select_related(*_ORGANISER_REGIONS).annotate(snapshot=Subquery(snapshot))
               .order_by(Coalesce("school__region__path", "community__path"), "-created_at", "-pk"))
    first, last = max(this.start_index() - 1, 0), this.end_index()
    if snapshots == total.programmes:
        on_page = list(ordered[first:last])
        live: dict[int, Figures] = {}
    else:  # the page and every programme without a snapshot, in one query
        ids = ordered.values("pk")[first:last]
        loaded = list(ordered.filter(Q(pk__in=ids) | Q(snapshot__isnull=True))
                      .annotate(on_page=Case(When(pk__in=ids, then=Value(True)), default=Value(False))))
        on_page = [p for p in loaded if getattr(p, "on_page")]
        live = {f.programme.pk: f for f in programme_figures([p for p in loaded if getattr(p, "snapshot") is None], upto)}
        for f in live.values():
            groups[_group_of(_region_of(f.programme))[0]].add(f, counted=True)
            total.add(f, counted=True)
    this.object_list = [(groups[_group_of(_region_of(p))[0]].label,
                         live.get(p.pk) or _figures_from(p, upto, getattr(p, "snapshot"))) for p in on_page]
    towns = Paginator(list(groups.values()), TOWNSHIP_PAGE)
    return AreaPage(total=total, townships=towns.get_page(_page_number(township_page)), rows=this,
                    counties=len(counties), upto=upto, as_of=min(oldest) if oldest else None)


def overview_unit(user) -> tuple[str, str]:
    """Who reports and for which area, from the overview role held: (reporting unit, area). A township officer
    reports for the township, the county bureaus for the county."""
    for a in scope.assignments(user):
        if a.role == Role.TOWNSHIP_OFFICER:
            return f"{a.area.name}人民政府", a.area.name
    for a in scope.assignments(user):
        if a.role == Role.COUNTY_EDU:
            return f"{a.area.name}教育局", a.area.name
        if a.role == Role.COUNTY_CIVIL:
            return f"{a.area.name}民政局", a.area.name
    return "系统管理员", "全部区域"
