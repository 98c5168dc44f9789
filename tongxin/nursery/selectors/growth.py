"""Reads of children's growth: one child's measurements with their WHO z-scores, centiles and alerts (for the
staff of a centre that knows the child, and the child's guardians), a centre's children with their alerts, and
since when a centre has known a child (no measurement is recorded there for a day before it)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from tongxin.orgs import scope
from tongxin.orgs.models import Role, User
from tongxin.people.models import Child

from .. import access_growth, rules_growth
from ..models import Booking, Centre, Contract, Measurement, WaitlistEntry
from ..models_health import HealthCheck, VaccineDose

G = rules_growth


@dataclass(frozen=True)
class MeasurementRow:
    measured_on: dt.date
    age_months: int
    height_cm: float
    weight_kg: float
    height_centile: float | None
    weight_centile: float | None
    height_z: float | None
    weight_z: float | None
    centre: str


@dataclass(frozen=True)
class ChildGrowth:
    child_id: int
    name: str
    sex: str
    sex_label: str
    birth_date: dt.date
    rows: list[MeasurementRow]
    alerts: list[G.Alert]
    weight_points: list[tuple[float, float]] = field(default_factory=list)
    height_points: list[tuple[float, float]] = field(default_factory=list)
    recordable_centre_id: int | None = None


def _z(measure: str, sex: str, birth: dt.date, on: dt.date, value: float) -> float | None:
    return G.measure_z(measure, sex, birth, on, value)


def _rows(child, found: list[Measurement]) -> list[MeasurementRow]:
    rows = []
    for m in found:
        hz = _z(G.HEIGHT, child.gender, child.birth_date, m.measured_on, float(m.height_cm))
        wz = _z(G.WEIGHT, child.gender, child.birth_date, m.measured_on, float(m.weight_kg))
        rows.append(MeasurementRow(
            measured_on=m.measured_on, age_months=_age(child.birth_date, m.measured_on),
            height_cm=float(m.height_cm), weight_kg=float(m.weight_kg),
            height_centile=None if hz is None else round(G.centile(hz), 1),
            weight_centile=None if wz is None else round(G.centile(wz), 1),
            height_z=None if hz is None else round(hz, 2), weight_z=None if wz is None else round(wz, 2),
            centre=m.centre.site.name))
    return rows


def _age(birth: dt.date, on: dt.date) -> int:
    return (on.year - birth.year) * 12 + on.month - birth.month - (1 if on.day < birth.day else 0)


def alerts_of(rows: list[MeasurementRow], thresholds: G.GrowthThresholds = G.THRESHOLDS) -> list[G.Alert]:
    found: list[G.Alert] = []
    for measure, attr in ((G.WEIGHT, "weight_z"), (G.HEIGHT, "height_z")):
        points = [G.Point(r.measured_on, getattr(r, attr)) for r in rows if getattr(r, attr) is not None]
        found += G.alerts(measure, points, thresholds)
    return found


def _in_care_q(day: dt.date) -> Q:
    return Q(state=Contract.State.ACTIVE, starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def child_growth(user: User, child_id: int, *, today: dt.date) -> ChildGrowth:
    """A child's growth page; raises (404/403) when the user may not read it."""
    child = access_growth.access_child(user, child_id)
    found = list(Measurement.objects.filter(child_id=child_id).select_related("centre__site").order_by("measured_on"))
    rows = _rows(child, found)
    mine = access_growth.staff_centre_ids(user, child_id)
    in_care = (Contract.objects.filter(_in_care_q(today), child_id=child_id, centre_id__in=mine)
               .values_list("centre_id", flat=True).first())
    recordable = in_care if in_care is not None else min(mine, default=None)  # a temporary-care child too
    return ChildGrowth(
        child_id=child.pk, name=child.name, sex=child.gender, sex_label=child.get_gender_display(),
        birth_date=child.birth_date, rows=rows, alerts=alerts_of(rows),
        weight_points=[(G.age_months_exact(child.birth_date, r.measured_on), r.weight_kg) for r in rows],
        height_points=[(G.age_months_exact(child.birth_date, r.measured_on), r.height_cm) for r in rows],
        recordable_centre_id=recordable)


@dataclass(frozen=True)
class CentreChildRow:
    child_id: int
    name: str
    age_months: int
    last_on: dt.date | None
    height_cm: float | None
    weight_kg: float | None
    height_centile: float | None
    weight_centile: float | None
    alerts: list[G.Alert]
    days_since: int | None


def centre_children(centre: Centre, *, today: dt.date) -> list[CentreChildRow]:
    """The children in care at a centre today (under a contract, or booked for temporary care today) with their
    latest measurement and alerts: those with an alert first, then those not measured for longest."""
    contracts = (Contract.objects.filter(_in_care_q(today), centre=centre).select_related("child")
                 .order_by("child__name", "child_id"))
    children = {c.child_id: c.child for c in contracts}
    for b in (Booking.objects.filter(centre=centre, day=today, state=Booking.State.BOOKED).select_related("child")
              .order_by("child__name", "child_id")):
        children.setdefault(b.child_id, b.child)
    by_child: dict[int, list[Measurement]] = {pk: [] for pk in children}
    for m in (Measurement.objects.filter(child_id__in=list(children)).select_related("centre__site")
              .order_by("measured_on")):
        by_child[m.child_id].append(m)
    out = []
    for pk, child in children.items():
        rows = _rows(child, by_child[pk])
        last = rows[-1] if rows else None
        out.append(CentreChildRow(
            child_id=pk, name=child.name, age_months=_age(child.birth_date, today),
            last_on=last.measured_on if last else None, height_cm=last.height_cm if last else None,
            weight_kg=last.weight_kg if last else None, height_centile=last.height_centile if last else None,
            weight_centile=last.weight_centile if last else None, alerts=alerts_of(rows),
            days_since=(today - last.measured_on).days if last else None))
    return sorted(out, key=lambda r: (not r.alerts, -(r.days_since if r.days_since is not None else 10**6),
                                      r.name))


def own_children_growth(user: User) -> list[tuple[int, str]]:
    """A parent's own children who have growth records or a childcare contract."""
    own = Child.objects.filter(scope.child_q(user, roles_allowed=frozenset({Role.PARENT})))
    ids = set(Contract.objects.filter(child__in=own).values_list("child_id", flat=True))
    return list(own.filter(pk__in=ids).order_by("birth_date", "pk").values_list("pk", "name"))


def known_since(centre: Centre, child_id: int) -> dt.date | None:
    """The first day the centre had a record of the child (a contract's start or signing, a booking, a waiting-list
    entry, a health check or dose it entered), or None when it has none (`health.knows_child` is then False)."""

    def first(found, name: str) -> dt.date | None:
        value = found.order_by(name).values_list(name, flat=True).first()
        return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value

    contracts = Contract.objects.filter(centre=centre, child_id=child_id)
    days = [first(contracts, "starts_on"), first(contracts, "created_at"),
            first(Booking.objects.filter(centre=centre, child_id=child_id), "booked_at"),
            first(WaitlistEntry.objects.filter(centre=centre, child_id=child_id), "joined_at"),
            first(HealthCheck.objects.filter(centre=centre, child_id=child_id), "recorded_at"),
            first(VaccineDose.objects.filter(centre=centre, child_id=child_id), "recorded_at")]
    return min((d for d in days if d is not None), default=None)
