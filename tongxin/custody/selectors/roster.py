"""The roster: who is on duty when, gaps against the ratio, and signed duty as workload."""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from .. import rules
from ..models import Group, Programme, RosterShift
from .programmes import periods_days


@dataclass
class GroupGap:
    group: Group
    children: int
    staff: int
    needed: int

    @property
    def gap(self):
        return max(0, self.needed - self.staff)


@dataclass
class DayRoster:
    """One custody day of the roster. Only accepted shifts count (leader, ratio); the others wait."""

    date: dt.date
    leader: RosterShift | None
    shifts: list[RosterShift]
    groups: list[GroupGap] = field(default_factory=list)
    waiting: list[RosterShift] = field(default_factory=list)
    published: bool = False

    @property
    def ok(self):
        return self.leader is not None and all(g.gap == 0 for g in self.groups)

    @property
    def lacks_leader(self):
        return self.leader is None


def roster(programme: Programme) -> list[DayRoster]:
    """Every custody day with who is on duty, and gaps against the programme's staff-to-child ratio; a day
    without an accepted school leader on duty is a gap too, and cannot be published as ready."""
    accepted: dict[dt.date, list[RosterShift]] = defaultdict(list)
    waiting: dict[dt.date, list[RosterShift]] = defaultdict(list)
    for s in programme.shifts.filter(state__in=RosterShift.LIVE_STATES).select_related("staff", "group"):
        (accepted if s.accepted else waiting)[s.date].append(s)
    published = set(programme.published_days.values_list("date", flat=True))
    days = []
    periods = list(programme.periods.prefetch_related("groups"))
    custody_days = periods_days(periods)
    for period in periods:
        groups = list(period.groups.all())
        for date in custody_days[period.pk]:
            on = accepted.get(date, [])
            leader = next((s for s in on if s.duty == RosterShift.Duty.LEADER), None)
            gaps = []
            for g in groups:
                staff = sum(1 for s in on if s.group_id == g.pk and s.duty != RosterShift.Duty.LEADER)
                needed = math.ceil(g.seats_taken / programme.children_per_staff) if g.seats_taken else 0
                gaps.append(GroupGap(g, g.seats_taken, staff, needed))
            days.append(DayRoster(date, leader, on, gaps, waiting.get(date, []), date in published))
    return days


def my_shifts(user, programme: Programme | None = None) -> QuerySet:
    """A person's own shifts (every state but the ones withdrawn), newest first, for their roster page and hub."""
    qs = RosterShift.objects.filter(staff=user).select_related("programme", "group")
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("-date", "start")


def shifts_to_answer(user) -> QuerySet:
    """Shifts an organiser gave this person that wait for their acceptance (C-02)."""
    return my_shifts(user).filter(state=RosterShift.State.AWAITING_STAFF).order_by("date", "start")


def sign_ups_to_decide(programme: Programme) -> QuerySet:
    """Teachers' and volunteers' own sign-ups waiting for the organiser."""
    return programme.shifts.filter(state=RosterShift.State.AWAITING_ORGANISER).select_related("staff", "group") \
        .order_by("date", "start")


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=timezone.get_current_timezone())


def workload(programme: Programme, today: dt.date | None = None) -> list[dict]:
    """Duty per person for performance pay (C-26). Only signed duty counts: a shift signed in AND out, for
    the time actually on duty inside the rostered times (`rules.credited_hours`). Accepted shifts still to
    come (today's included, until signed out) are shown apart (`future_days`, `future_hours`), and past accepted shifts without both signatures
    as `unsigned_days` (not paid).

    Keys: staff, duties, days (signed duty days), hours (credited hours), signed_days (days signed in at
    all), future_days, future_hours, unsigned_days."""
    today = today or timezone.localdate()
    per: dict = defaultdict(lambda: {"days": 0, "hours": Decimal("0"), "signed_days": 0, "future_days": 0,
                                     "future_hours": Decimal("0"), "unsigned_days": 0, "duties": set()})
    for s in programme.shifts.filter(state=RosterShift.State.ACCEPTED).select_related("staff"):
        row = per[s.staff]
        row["duties"].add(s.get_duty_display())
        if s.signed_in_at:
            row["signed_days"] += 1
        credited = rules.credited_hours(_at(s.date, s.start), _at(s.date, s.end), s.signed_in_at, s.signed_out_at)
        if s.signed_in_at and s.signed_out_at:
            row["days"] += 1
            row["hours"] += credited
        elif s.date >= today:  # still to come, or today's not finished yet
            row["future_days"] += 1
            row["future_hours"] += s.hours
        else:
            row["unsigned_days"] += 1
    return sorted(({"staff": u, **v, "duties": "、".join(sorted(v["duties"]))} for u, v in per.items()),
                  key=lambda r: (-r["hours"], -r["future_hours"], r["staff"].pk))


def duty_totals(programme_ids: Iterable[int]) -> dict[int, tuple[int, Decimal]]:
    """Per programme: the people with accepted duty and their credited hours, in one query: the same as
    `len(workload(p))` and the sum of its `hours`, for many programmes at once."""
    ids = list(programme_ids)
    people: dict[int, set[int]] = defaultdict(set)
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for pid, staff_id, date, start, end, signed_in, signed_out in (
            RosterShift.objects.filter(programme_id__in=ids, state=RosterShift.State.ACCEPTED).order_by()
            .values_list("programme_id", "staff_id", "date", "start", "end", "signed_in_at", "signed_out_at")):
        people[pid].add(staff_id)
        if signed_in and signed_out:
            hours[pid] += rules.credited_hours(_at(date, start), _at(date, end), signed_in, signed_out)
    return {pid: (len(people[pid]), hours[pid]) for pid in ids}


def leader_on_duty(programme: Programme, date: dt.date):
    """The accepted 值班领导 of the day, or None."""
    shift = (programme.shifts.filter(date=date, duty=RosterShift.Duty.LEADER, state=RosterShift.State.ACCEPTED)
             .select_related("staff").order_by("pk").first())
    return shift.staff if shift else None


def month_window(dates: list[dt.date], wanted: str, today: dt.date) -> tuple[str, list[tuple[str, str]]]:
    """Which month of a long roster to show ("YYYY-MM") and the months it spans as (value, label): the wanted
    month if the roster has it, else today's, else the first. A term's roster is a month at a time."""
    months = sorted({d.strftime("%Y-%m") for d in dates})
    labels = [(m, f"{int(m[5:])}月" if m[:4] == str(today.year) else f"{m[:4]}年{int(m[5:])}月") for m in months]
    for choice in (wanted, today.strftime("%Y-%m")):
        if choice in months:
            return choice, labels
    return (months[0] if months else ""), labels


@dataclass(frozen=True)
class SignedDuty:
    """One duty signed in and out, for the volunteer pool's hours: who, when, the credited hours, where."""

    user_id: int
    date: dt.date
    hours: Decimal
    programme: str
    organiser: str


def signed_duties(user_ids: Iterable[int] | None = None, *, since: dt.date | None = None,
                  until: dt.date | None = None) -> list[SignedDuty]:
    """Every duty signed in and out (of everyone when `user_ids` is None), with its credited hours
    (`rules.credited_hours`), oldest first."""
    qs = RosterShift.objects.filter(state=RosterShift.State.ACCEPTED, signed_in_at__isnull=False,
                                    signed_out_at__isnull=False)
    if user_ids is not None:
        qs = qs.filter(staff_id__in=list(user_ids))
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    return [SignedDuty(s.staff_id, s.date,
                       rules.credited_hours(_at(s.date, s.start), _at(s.date, s.end), s.signed_in_at, s.signed_out_at),
                       s.programme.name, str(s.programme.organiser))
            for s in qs.select_related("programme__school", "programme__community").order_by("date", "pk")]


def upcoming_counts(user_ids: Iterable[int], *, since: dt.date) -> dict[int, int]:
    """How many live shifts (accepted or awaiting) each of these logins has from `since` on (their load)."""
    from django.db.models import Count

    return dict(RosterShift.objects.filter(staff_id__in=list(user_ids), date__gte=since,
                                           state__in=RosterShift.LIVE_STATES).values("staff_id")
                .annotate(n=Count("pk")).values_list("staff_id", "n"))
