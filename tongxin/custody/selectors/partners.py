"""Reads of partners, bookings, a programme's account and its guest sessions. Plain data for pages and Excel."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .. import partner_rules, permissions
from ..models import Attendance, DrillSetting, Fund, GuestSession, Income, Partner, Programme, Spending, VenueBooking
from .fees import fees_due


def visible_partners(user):
    """The registry's partners in force (withdrawn ones are left out: their pages keep them)."""
    return (Partner.objects.filter(permissions.partner_read_q(user), withdrawn_at__isnull=True).select_related("region")
            .annotate(n_venues=Count("venues", filter=Q(venues__withdrawn_at__isnull=True), distinct=True),
                      n_bookings=Count("venues__bookings", distinct=True))
            .order_by("region__path", "name"))


def withdrawn_partners(user) -> list[Partner]:
    return list(Partner.objects.filter(permissions.partner_read_q(user), withdrawn_at__isnull=False)
                .order_by("-withdrawn_at")[:50])


def partner_venues(partner: Partner) -> list[dict]:
    """The partner's venues, each with the bookings of the programmes using it."""
    rows = []
    for venue in partner.venues.select_related("site", "withdrawn_by").order_by("withdrawn_at", "site__name"):
        bookings = list(VenueBooking.objects.filter(venue=venue).select_related("programme").order_by("start"))
        rows.append({"venue": venue, "bookings": bookings})
    return rows


def programme_bookings(programme: Programme) -> list[VenueBooking]:
    return list(VenueBooking.objects.filter(programme=programme).select_related("venue__partner", "venue__site"))


def child_days(programme: Programme) -> int:
    """Days a child checked in, over all the programme's periods."""
    return Attendance.objects.filter(placement__period__programme=programme, check_in_at__isnull=False).count()


@dataclass
class Statement:
    programme: Programme
    incomes: list[Income]
    spendings: list[Spending]
    by_fund: list[tuple[str, Decimal, Decimal, Decimal]]
    by_category: list[tuple[str, Decimal]]
    received: Decimal
    spent: Decimal
    child_days: int
    cost_per_child_day: Decimal | None
    sessions: list[GuestSession] = field(default_factory=list)
    withdrawn_incomes: list[Income] = field(default_factory=list)
    withdrawn_spendings: list[Spending] = field(default_factory=list)
    balances: dict[str, Decimal] = field(default_factory=dict)  # fund -> what is left to spend
    fees_due: Decimal = Decimal(0)       # what the families owe by the 收费 page
    fees_received: Decimal = Decimal(0)  # what is entered here as 家长缴费 income

    @property
    def fees_unrecorded(self) -> Decimal:
        """Families' fees due that are not (yet) entered as income."""
        return max(self.fees_due - self.fees_received, Decimal(0))

    @property
    def balance(self) -> Decimal:
        return self.received - self.spent


def statement(programme: Programme) -> Statement:
    """The programme's account for the street office and donors: income by fund, spending by category, each
    fund's balance, and the cost per child-day (spending ÷ child-days attended). Withdrawn entries are left out
    (listed apart on the page, with who withdrew them and why)."""
    live_incomes = Income.objects.filter(programme=programme, withdrawn_at__isnull=True)
    live_spendings = Spending.objects.filter(programme=programme, withdrawn_at__isnull=True)
    incomes = list(live_incomes.order_by("received_on", "id"))
    spendings = list(live_spendings.order_by("spent_on", "id"))
    received_by = {r["fund"]: r["s"] for r in live_incomes.values("fund").annotate(s=Sum("amount"))}
    spent_by = {r["fund"]: r["s"] for r in live_spendings.values("fund").annotate(s=Sum("amount"))}
    by_cat = {r["category"]: r["s"] for r in live_spendings.values("category").annotate(s=Sum("amount"))}
    received = sum(received_by.values(), Decimal(0))
    spent = sum(spent_by.values(), Decimal(0))
    days = child_days(programme)
    return Statement(
        programme=programme, incomes=incomes, spendings=spendings,
        by_fund=partner_rules.fund_balances(received_by, spent_by, Fund.choices),
        balances={f: received_by.get(f, Decimal(0)) - spent_by.get(f, Decimal(0)) for f in {*received_by, *spent_by}},
        fees_due=fees_due(programme), fees_received=received_by.get(Fund.FEES, Decimal(0)),
        by_category=[(label, by_cat[key]) for key, label in Spending.Category.choices if key in by_cat],
        received=received, spent=spent, child_days=days,
        cost_per_child_day=partner_rules.cost_per_child_day(spent, days),
        sessions=list(GuestSession.objects.filter(programme=programme).select_related("partner")),
        withdrawn_incomes=list(Income.objects.filter(programme=programme, withdrawn_at__isnull=False)
                               .select_related("withdrawn_by").order_by("withdrawn_at")),
        withdrawn_spendings=list(Spending.objects.filter(programme=programme, withdrawn_at__isnull=False)
                                 .select_related("withdrawn_by").order_by("withdrawn_at")))


def drill_every_weeks(programme: Programme) -> int:
    """The office's own frequency, or the seed default (S-04)."""
    office = {"school_id": programme.school_id} if programme.school_id else {"community_id": programme.community_id}
    setting = DrillSetting.objects.filter(**office).values_list("every_weeks", flat=True).first()
    return setting or partner_rules.DEFAULT_DRILL_EVERY_WEEKS


def drill_board(programme: Programme, today: dt.date) -> partner_rules.DrillBoard:
    """「安全演练：已 x 次 / 应 y 次」 and what is overdue, period by period: a drill is a guest session where a
    drill was held."""
    periods = [(p.name, p.start, p.end) for p in programme.periods.order_by("start")]
    drills = (GuestSession.objects.filter(programme=programme).exclude(drill_kind="")
              .values_list("date", flat=True))
    return partner_rules.drill_board(periods, drills, drill_every_weeks(programme), today)
