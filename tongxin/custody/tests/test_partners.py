"""S-09/S-10/C-07/S-04: partners lend venues within their seats and hours, each programme's money is ring-fenced
per fund, the cost per child-day and the statement add up, a guest session records the drill."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongxin.custody import exports_partners, partner_rules
from tongxin.custody.models import Attendance, Fund, GuestSession, Income, Partner, Programme, Spending, VenueBooking
from tongxin.custody.selectors import partners as read
from tongxin.custody.services import accounts, partners

pytestmark = pytest.mark.django_db

WINTER = "东门社区儿童之家2027年寒假托管"
SUMMER = "青溪县实验小学2026年暑期托管"


@pytest.fixture
def worker(demo_user):
    return demo_user("community")


@pytest.fixture
def winter():
    return Programme.objects.get(name=WINTER)


@pytest.fixture
def palace_room():
    return Partner.objects.get(name="青溪县青少年宫").venues.get()  # 80 children, Mon-Fri 08:30-17:00


def _book(worker, winter, venue, **kw):
    args = dict(start=dt.date(2027, 1, 18), end=dt.date(2027, 1, 29), weekdays=[1, 3, 5], day_start=dt.time(9),
                day_end=dt.time(11), children=10)
    return partners.book_partner_venue(actor=worker, programme=winter, venue=venue, **{**args, **kw})


def test_a_booking_beyond_the_seats_left_at_that_time_is_refused_with_the_room_left(worker, winter, palace_room):
    _book(worker, winter, palace_room, children=40)  # the demo's afternoon booking (30) does not overlap 09-11
    with pytest.raises(ValidationError, match="可容纳 80 人，同一时段已被预约 40 人，本次最多 40 人"):
        _book(worker, winter, palace_room, children=41)


def test_an_afternoon_booking_counts_the_demo_afternoon_booking(worker, winter, palace_room):
    with pytest.raises(ValidationError, match="已被预约 30 人，本次最多 50 人"):
        _book(worker, winter, palace_room, day_start=dt.time(15), day_end=dt.time(16), children=51)


def test_a_booking_outside_the_open_hours_or_days_is_refused(worker, winter, palace_room):
    with pytest.raises(ValidationError, match="开放时间为 08:30-17:00"):
        _book(worker, winter, palace_room, day_start=dt.time(16), day_end=dt.time(18))
    with pytest.raises(ValidationError, match="周六不开放"):
        _book(worker, winter, palace_room, weekdays=[6])
    assert VenueBooking.objects.filter(programme=winter).count() == 2  # the demo's two only


def test_a_booking_adds_the_room_to_the_programme_sites(demo_user, palace_room):
    leader = demo_user("leader")
    summer = Programme.objects.get(name=SUMMER)
    assert palace_room.site not in summer.sites.all()
    _book(leader, summer, palace_room)
    assert palace_room.site in summer.sites.all() and summer.venue_loans.get(site=palace_room.site).lender.startswith("青溪县青少年宫")


def test_only_the_organiser_books(demo_user, winter, palace_room):
    with pytest.raises(PermissionDenied):
        _book(demo_user("leader"), winter, palace_room)


def test_spending_beyond_the_fund_balance_of_the_programme_is_refused(worker, winter):
    # Donation: 2000 in, 1260.50 spent; 739.50 left. Other funds' money does not cover it.
    with pytest.raises(ValidationError, match="余额 739.50 元，不能列支 739.51 元"):
        accounts.record_spending(actor=worker, programme=winter, fund=Fund.DONATION, category=Spending.Category.MATERIALS,
                                 item="图书", amount=Decimal("739.51"), spent_on=dt.date(2026, 12, 4))
    accounts.record_spending(actor=worker, programme=winter, fund=Fund.DONATION, category=Spending.Category.MATERIALS,
                             item="图书", amount=Decimal("739.50"), spent_on=dt.date(2026, 12, 4))


def test_a_fund_with_no_income_in_this_programme_pays_nothing_though_another_programme_has_it(worker, winter):
    assert Income.objects.filter(fund=Fund.FEES).exclude(programme=winter).exists()  # the summer's fees
    with pytest.raises(ValidationError, match="专款专用"):
        accounts.record_spending(actor=worker, programme=winter, fund=Fund.FEES, category=Spending.Category.MEALS,
                                 item="午餐", amount=Decimal("1"), spent_on=dt.date(2026, 12, 4))


def test_cost_per_child_day_is_spending_over_days_checked_in():
    assert partner_rules.cost_per_child_day(Decimal("1000"), 3) == Decimal("333.33")
    assert partner_rules.cost_per_child_day(Decimal("1000"), 0) is None


def test_the_summer_cost_per_child_day_against_the_hand_count():
    summer = Programme.objects.get(name=SUMMER)
    s = read.statement(summer)
    days = Attendance.objects.filter(placement__period__programme=summer).exclude(check_in_at=None).count()
    assert s.spent == Decimal("52650.00")  # 18600 + 17800 + 2520 + 6400 + 5350 + 1980
    assert s.child_days == days > 0
    assert s.cost_per_child_day == (Decimal("52650") / days).quantize(Decimal("0.01"))


def test_the_statement_adds_up_by_fund_and_by_category():
    s = read.statement(Programme.objects.get(name=WINTER))
    assert s.received == Decimal("10000") and s.spent == Decimal("3590.50") and s.balance == Decimal("6409.50")
    assert sum(r for _, r, _, _ in s.by_fund) == s.received == sum(i.amount for i in s.incomes)
    assert sum(sp for _, _, sp, _ in s.by_fund) == s.spent == sum(v for _, v in s.by_category)
    assert ("社会捐赠", Decimal("2000"), Decimal("1260.50"), Decimal("739.50")) in s.by_fund
    assert s.cost_per_child_day is None  # the winter has not started


def test_the_statement_workbook_carries_the_totals(winter):
    ws = exports_partners.statement_book(winter)["收支汇总"]
    rows = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(4, ws.max_row + 1)}
    assert rows["收入合计"] == 10000 and rows["支出合计"] == 3590.5 and rows["结余"] == 6409.5


def test_a_guest_session_records_its_drill_and_a_half_drill_is_refused(demo_user):
    leader = demo_user("leader")
    summer = Programme.objects.get(name=SUMMER)
    drill = GuestSession.objects.get(programme=summer, drill_kind=GuestSession.DrillKind.FIRE)
    assert drill.teacher == "陈志刚" and drill.drill_minutes == 25 and drill.children_present > 0
    with pytest.raises(ValidationError, match="演练效果"):
        accounts.record_guest_session(actor=leader, programme=summer, date=drill.date, kind=GuestSession.Kind.DRILL,
                                      teacher="x", topic="地震演练", children_present=1,
                                      drill_kind=GuestSession.DrillKind.EARTHQUAKE, drill_minutes=10)
    with pytest.raises(ValidationError, match="当天入托"):
        accounts.record_guest_session(actor=leader, programme=summer, date=drill.date, kind=GuestSession.Kind.SAFETY,
                                      teacher="x", topic="讲座", children_present=100000)


def test_a_refused_spending_post_writes_nothing_and_comes_back_filled_in_and_open(login, winter):
    before = Spending.objects.count()
    page = login("community").post(f"/custody/p/{winter.pk}/accounts/", {
        "action": "spending", "fund": "fees", "category": "meals", "item": "午餐", "amount": "10",
        "spent_on": "2026-12-04"})
    assert page.status_code == 400 and "专款专用" in page.text and Spending.objects.count() == before
    assert '<details open><summary>登记支出' in page.text and 'value="午餐"' in page.text


def test_the_spending_form_offers_the_funds_with_money_first_with_their_balance_and_no_category_by_default(login,
                                                                                                         winter):
    page = login("community").get(f"/custody/p/{winter.pk}/accounts/")
    form, balances = page.context["spending_form"], page.context["s"].balances
    first, *rest = form.fields["fund"].choices
    assert balances.get(first[0], 0) > 0 and "余额" in first[1]
    assert [b for b in (balances.get(k, 0) for k, _ in rest)] == sorted((balances.get(k, 0) for k, _ in rest),
                                                                        key=lambda b: b <= 0)
    assert form["category"].value() in (None, "") and form["spent_on"].value() is not None


def test_a_post_by_someone_who_only_reads_the_account_is_refused_and_writes_nothing(login, winter):
    before = Income.objects.count()
    response = login("township").post(f"/custody/p/{winter.pk}/accounts/", {
        "action": "income", "fund": "donation", "payer": "x", "amount": "10", "received_on": "2026-12-04"})
    assert response.status_code == 403 and Income.objects.count() == before


def test_the_partner_pages_show_venues_and_the_programmes_using_them(login):
    client = login("community")
    assert "青溪县青少年宫" in client.get("/custody/partners/").text
    page = client.get(f"/custody/partners/{Partner.objects.get(name='青溪县青少年宫').pk}/").text
    assert "每时段最多 80 名儿童" in page and WINTER in page and "周一、周二、周三、周四、周五 08:30-17:00" in page


def test_a_refused_booking_post_says_why_and_writes_nothing(login, winter, palace_room):
    before = VenueBooking.objects.count()
    page = login("community").post(f"/custody/p/{winter.pk}/bookings/", {
        "venue": palace_room.pk, "start": "2027-01-18", "end": "2027-01-29", "weekdays": ["6"], "day_start": "09:00",
        "day_end": "11:00", "children": "10"}, follow=True)
    assert "周六不开放" in page.text and VenueBooking.objects.count() == before


def test_the_organiser_records_a_guest_session_with_its_drill_on_the_page(login):
    summer = Programme.objects.get(name=SUMMER)
    drill = GuestSession.objects.get(programme=summer, drill_kind=GuestSession.DrillKind.FIRE)
    page = login("leader").post(f"/custody/p/{summer.pk}/guests/", {
        "date": drill.date.isoformat(), "kind": "drill", "teacher": "县红十字会 黄医生", "topic": "心肺复苏",
        "children_present": "5", "drill_kind": "first_aid", "drill_minutes": "30", "drill_result": "每组学生完成胸外按压练习"},
        follow=True)
    assert "专题活动已登记" in page.text and "急救（心肺复苏、止血包扎），30 分钟" in page.text


def test_the_account_says_how_much_of_the_families_fees_due_is_not_yet_entered_as_income(login):
    summer = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    page = login("township").get(f"/custody/p/{summer.pk}/accounts/")
    s = page.context["s"]
    assert s.fees_due > s.fees_received > 0 and s.fees_unrecorded == s.fees_due - s.fees_received
    assert f"尚有 {s.fees_unrecorded:.0f} 元未登记入账" in page.content.decode()
