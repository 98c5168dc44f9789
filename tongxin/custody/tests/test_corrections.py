"""Corrections of partners, venues and money entries: edited and withdrawn by those who may record them; a
withdrawn entry keeps its row (who, why) and leaves the statement; a venue a programme still uses stays; every
change audited; every input checked (NUL, over-long text, bad amounts) with nothing half stored."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tongxin.audit.models import AuditEntry
from tongxin.custody.models import Fund, Income, Partner, Programme, Spending
from tongxin.custody.selectors import partners as read
from tongxin.custody.services import accounts, partners

pytestmark = pytest.mark.django_db

WINTER = "东门社区儿童之家2027年寒假托管"  # community's: street budget 5000 (1850 spent), donation 2000 (1260.50 spent)
BEFORE_WINTER = dt.date(2026, 12, 5)
AFTER_WINTER = dt.date(2027, 2, 1)  # the demo's bookings of the palace and the library end on 2027-01-29


@pytest.fixture
def worker(demo_user):
    return demo_user("community")


@pytest.fixture
def winter():
    return Programme.objects.get(name=WINTER)


def _income(winter, fund):
    return Income.objects.get(programme=winter, fund=fund)


def _spending(winter, fund):
    return Spending.objects.get(programme=winter, fund=fund)


def _audits(obj) -> int:
    return AuditEntry.objects.filter(target_type=obj._meta.label, target_id=str(obj.pk)).count()


# ---------------------------------------------------------------- money

def test_an_income_is_corrected_and_the_change_audited(worker, winter):
    income = _income(winter, Fund.STREET_BUDGET)
    before = _audits(income)
    accounts.edit_income(actor=worker, income=income, fund=Fund.STREET_BUDGET, payer="城关镇人民政府",
                         amount=Decimal("5200"), received_on=income.received_on, note="补拨 200 元")
    income.refresh_from_db()
    assert income.amount == Decimal("5200.00") and _audits(income) == before + 1
    assert read.statement(winter).received == Decimal("10200.00")


def test_an_income_lowered_below_what_its_fund_spent_is_refused(worker, winter):
    income = _income(winter, Fund.STREET_BUDGET)
    with pytest.raises(ValidationError, match="已支出 1850.00 元，更正后收入仅 1849.99 元"):
        accounts.edit_income(actor=worker, income=income, fund=Fund.STREET_BUDGET, payer=income.payer,
                             amount=Decimal("1849.99"), received_on=income.received_on)
    income.refresh_from_db()
    assert income.amount == Decimal("5000.00")


def test_an_income_moved_to_another_fund_must_leave_its_old_fund_covered(worker, winter):
    income = _income(winter, Fund.DONATION)
    with pytest.raises(ValidationError, match="社会捐赠已支出 1260.50 元"):
        accounts.edit_income(actor=worker, income=income, fund=Fund.FEES, payer=income.payer, amount=income.amount,
                             received_on=income.received_on)


def test_a_withdrawn_spending_keeps_its_row_and_leaves_the_statement(worker, winter):
    spending = _spending(winter, Fund.DONATION)
    accounts.withdraw_spending(actor=worker, spending=spending, reason="重复登记")
    spending.refresh_from_db()
    assert (spending.withdrawn_by, spending.withdraw_reason) == (worker, "重复登记") and spending.withdrawn_at
    s = read.statement(winter)
    assert s.spent == Decimal("2330.00") and spending not in s.spendings and s.withdrawn_spendings == [spending]
    assert ("社会捐赠", Decimal("2000.00"), Decimal("0"), Decimal("2000.00")) in s.by_fund


def test_a_withdrawn_spending_leaves_the_cost_per_child_day(demo_user):
    leader = demo_user("leader")
    summer = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    before = read.statement(summer)
    spending = Spending.objects.get(programme=summer, item="教室空调电费")  # 6400
    accounts.withdraw_spending(actor=leader, spending=spending, reason="应由学校公用经费支付")
    after = read.statement(summer)
    assert after.spent == before.spent - Decimal("6400")
    assert after.cost_per_child_day == (after.spent / after.child_days).quantize(Decimal("0.01"))
    assert after.cost_per_child_day < before.cost_per_child_day


def test_an_income_its_fund_still_needs_cannot_be_withdrawn_until_the_spending_is(worker, winter):
    income = _income(winter, Fund.DONATION)
    with pytest.raises(ValidationError, match="请先更正或撤销相应支出"):
        accounts.withdraw_income(actor=worker, income=income, reason="捐赠退回")
    accounts.withdraw_spending(actor=worker, spending=_spending(winter, Fund.DONATION), reason="改由街道经费列支")
    accounts.withdraw_income(actor=worker, income=income, reason="捐赠退回")
    assert read.statement(winter).received == Decimal("8000.00")


def test_a_spending_freed_by_a_withdrawal_can_be_spent_again(worker, winter):
    accounts.withdraw_spending(actor=worker, spending=_spending(winter, Fund.DONATION), reason="录错")
    accounts.record_spending(actor=worker, programme=winter, fund=Fund.DONATION, category=Spending.Category.MATERIALS,
                             item="绘本", amount=Decimal("2000"), spent_on=dt.date(2026, 12, 4))


def test_a_spending_edit_checks_the_fund_without_its_old_amount(worker, winter):
    spending = _spending(winter, Fund.DONATION)  # 1260.50 of 2000
    accounts.edit_spending(actor=worker, spending=spending, fund=Fund.DONATION, category=spending.category,
                           item=spending.item, amount=Decimal("2000"), spent_on=spending.spent_on)
    with pytest.raises(ValidationError, match="已支出 0.00 元，余额 2000.00 元，不能列支 2000.01 元"):
        accounts.edit_spending(actor=worker, spending=spending, fund=Fund.DONATION, category=spending.category,
                               item=spending.item, amount=Decimal("2000.01"), spent_on=spending.spent_on)


def test_a_withdrawal_needs_a_reason_and_happens_once(worker, winter):
    spending = _spending(winter, Fund.DONATION)
    with pytest.raises(ValidationError, match="请填写撤销原因"):
        accounts.withdraw_spending(actor=worker, spending=spending, reason="  ")
    accounts.withdraw_spending(actor=worker, spending=spending, reason="录错")
    with pytest.raises(ValidationError, match="已撤销"):
        accounts.withdraw_spending(actor=worker, spending=spending, reason="再撤一次")
    with pytest.raises(ValidationError, match="已撤销，不能修改"):
        accounts.edit_spending(actor=worker, spending=spending, fund=Fund.DONATION, category=spending.category,
                               item="改", amount=Decimal("1"), spent_on=spending.spent_on)


def test_only_the_organiser_corrects_the_money(demo_user, winter):
    with pytest.raises(PermissionDenied):
        accounts.withdraw_spending(actor=demo_user("township"), spending=_spending(winter, Fund.DONATION), reason="x")
    with pytest.raises(PermissionDenied):
        accounts.edit_income(actor=demo_user("leader"), income=_income(winter, Fund.DONATION), fund=Fund.DONATION,
                             payer="x", amount=Decimal("1"), received_on=BEFORE_WINTER)


@pytest.mark.parametrize("payer, note, message", [
    ("城关镇\x00人民政府", "", "拨付单位或捐赠人含有无效字符"),
    ("城" * 65, "", "拨付单位或捐赠人最多 64 个字"),
    ("城关镇人民政府", "说" * 129, "说明最多 128 个字"),
])
def test_a_bad_income_text_is_refused_by_the_service_and_nothing_changes(worker, winter, payer, note, message):
    income = _income(winter, Fund.STREET_BUDGET)
    with pytest.raises(ValidationError, match=message):
        accounts.edit_income(actor=worker, income=income, fund=Fund.STREET_BUDGET, payer=payer, amount=Decimal("1"),
                             received_on=income.received_on, note=note)
    income.refresh_from_db()
    assert (income.payer, income.amount) == ("城关镇人民政府", Decimal("5000.00"))


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), Decimal("100000000")])
def test_a_bad_amount_is_refused_by_the_service(worker, winter, amount):
    spending = _spending(winter, Fund.DONATION)
    with pytest.raises(ValidationError, match="金额须大于 0"):
        accounts.edit_spending(actor=worker, spending=spending, fund=Fund.DONATION, category=spending.category,
                               item=spending.item, amount=amount, spent_on=spending.spent_on)


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "100000000", "1.234"])
def test_the_correction_page_refuses_a_bad_amount_in_chinese_and_stores_nothing(login, winter, amount):
    spending = _spending(winter, Fund.DONATION)
    url = reverse("custody:spending_edit", args=[spending.pk])
    response = login("community").post(url, {"action": "edit", "fund": "donation", "category": spending.category,
                                             "item": spending.item, "amount": amount, "spent_on": "2026-12-02"},
                                       follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "金额" in text and "messages" in text
    spending.refresh_from_db()
    assert spending.amount == Decimal("1260.50")


@pytest.mark.parametrize("item", ["图书\x00文具", "书" * 65])
def test_the_correction_page_refuses_bad_text_and_stores_nothing(login, winter, item):
    spending = _spending(winter, Fund.DONATION)
    url = reverse("custody:spending_edit", args=[spending.pk])
    response = login("community").post(url, {"action": "edit", "fund": "donation", "category": spending.category,
                                             "item": item, "amount": "10", "spent_on": "2026-12-02"}, follow=True)
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    spending.refresh_from_db()
    assert spending.item == "绘本、文具、手工材料"


def test_withdrawing_on_the_page_goes_back_to_the_account_showing_who_and_why(login, winter):
    spending = _spending(winter, Fund.DONATION)
    response = login("community").post(reverse("custody:spending_edit", args=[spending.pk]),
                                       {"action": "withdraw", "reason": "发票重复报销"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("custody:accounts", args=[winter.pk])
    text = response.content.decode()
    assert "已撤销的收支" in text and "发票重复报销" in text and "支出已撤销" in text


# ---------------------------------------------------------------- partners and venues

def test_a_venue_a_programme_still_uses_cannot_be_withdrawn_and_says_which(worker):
    room = Partner.objects.get(name="青溪县青少年宫").venues.get()
    with pytest.raises(ValidationError, match="东门社区儿童之家2027年寒假托管已预约青溪县青少年宫"):
        partners.withdraw_partner_venue(actor=worker, venue=room, reason="场馆维修", today=BEFORE_WINTER)
    room.refresh_from_db()
    assert room.withdrawn_at is None


def test_a_venue_whose_bookings_are_over_can_be_withdrawn_and_is_no_longer_bookable(worker, winter):
    room = Partner.objects.get(name="青溪县青少年宫").venues.get()
    partners.withdraw_partner_venue(actor=worker, venue=room, reason="场馆维修", today=AFTER_WINTER)
    room.refresh_from_db()
    assert room.withdrawn_by == worker and room.withdraw_reason == "场馆维修"
    assert not partners.bookable_venues(winter).filter(pk=room.pk).exists()


def test_a_partner_with_a_venue_in_use_cannot_be_withdrawn(worker):
    palace = Partner.objects.get(name="青溪县青少年宫")
    with pytest.raises(ValidationError, match="青溪县青少年宫不能撤销"):
        partners.withdraw_partner(actor=worker, partner=palace, reason="不再合作", today=BEFORE_WINTER)


def test_a_withdrawn_partner_leaves_the_registry_with_its_venues_and_its_name_is_free_again(worker):
    palace = Partner.objects.get(name="青溪县青少年宫")
    partners.withdraw_partner(actor=worker, partner=palace, reason="不再合作", today=AFTER_WINTER)
    assert palace not in read.visible_partners(worker) and read.withdrawn_partners(worker) == [palace]
    assert palace.venues.get().withdrawn_at is not None
    again = partners.register_partner(actor=worker, name="青溪县青少年宫", kind=Partner.Kind.YOUTH_PALACE,
                                      contact="李晓红", phone="0793-5201108", region=palace.region)
    assert again.pk != palace.pk


def test_a_venue_edit_that_would_strand_a_booking_is_refused(worker):
    room = Partner.objects.get(name="青溪县青少年宫").venues.get()  # the winter programme books 30 children 14:00-16:30
    with pytest.raises(ValidationError, match="东门社区儿童之家2027年寒假托管的预约.*可容纳 20 人"):
        partners.edit_partner_venue(actor=worker, venue=room, capacity=20, weekdays=[1, 2, 3, 4, 5],
                                    opens=room.opens, closes=room.closes, today=BEFORE_WINTER)
    with pytest.raises(ValidationError, match="开放时间为 08:30-16:00"):
        partners.edit_partner_venue(actor=worker, venue=room, capacity=80, weekdays=[1, 2, 3, 4, 5],
                                    opens=room.opens, closes=dt.time(16), today=BEFORE_WINTER)
    partners.edit_partner_venue(actor=worker, venue=room, capacity=60, weekdays=[1, 2, 3, 4, 5], opens=room.opens,
                                closes=room.closes, note="二楼活动室", today=BEFORE_WINTER)
    room.refresh_from_db()
    assert room.capacity == 60 and _audits(room) == 2  # added, corrected


def test_a_partner_is_corrected_by_the_township_organisers_only(demo_user):
    palace = Partner.objects.get(name="青溪县青少年宫")
    partners.edit_partner(actor=demo_user("leader"), partner=palace, name="青溪县青少年宫", kind=palace.kind,
                          contact="王丽", phone="0793-5201109", activities=palace.activities)
    palace.refresh_from_db()
    assert palace.contact == "王丽"
    with pytest.raises(PermissionDenied):
        partners.edit_partner(actor=demo_user("township"), partner=palace, name="x", kind=palace.kind, contact="x",
                              phone="", activities="")


@pytest.mark.parametrize("field, value, message", [
    ("name", "青溪县\x00青少年宫", "单位名称含有无效字符"),
    ("contact", "李" * 33, "联系人最多 32 个字"),
    ("activities", "书" * 129, "可开展的活动最多 128 个字"),
])
def test_a_bad_partner_text_is_refused_and_nothing_changes(worker, field, value, message):
    palace = Partner.objects.get(name="青溪县青少年宫")
    fields = dict(name=palace.name, kind=palace.kind, contact=palace.contact, phone=palace.phone,
                  activities=palace.activities)
    with pytest.raises(ValidationError, match=message):
        partners.edit_partner(actor=worker, partner=palace, **{**fields, field: value})
    palace.refresh_from_db()
    assert (palace.name, palace.contact) == ("青溪县青少年宫", "李晓红")


def test_the_correction_page_shows_the_stored_date_in_its_date_picker(login, winter):
    spending = _spending(winter, Fund.DONATION)
    page = login("community").get(reverse("custody:spending_edit", args=[spending.pk])).content.decode()
    assert f'name="spent_on" value="{spending.spent_on:%Y-%m-%d}"' in page  # never 2026/12/01: a blank picker
