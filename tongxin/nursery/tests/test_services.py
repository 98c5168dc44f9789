"""The nursery's services on the test centre (see conftest): places refused with the reason at the size and at the
ratio of each hour (07:30, 18:00 and an extended hour included), bookings and their clashes, the waiting list in
order, offices' limits and prices, bills for a month computed by hand, and bad input refused with nothing stored."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongxin.audit.models import AuditEntry
from tongxin.nursery import rules
from tongxin.nursery.choices import AgeBand, CareType, ClassType, PriceItem, SubsidyKind
from tongxin.nursery.models import Bill, Booking, ClassLimit, Contract, DutyShift, Price, WaitlistEntry
from tongxin.nursery.selectors import network
from tongxin.nursery.selectors.occupancy import limits_for
from tongxin.nursery.services import bills as bill_svc
from tongxin.nursery.services import bookings as booking_svc
from tongxin.nursery.services import contracts as contract_svc
from tongxin.nursery.services import roster
from tongxin.nursery.services import settings as settings_svc
from tongxin.nursery.services import waitlist as waitlist_svc

from .conftest import TODAY, at, t

pytestmark = pytest.mark.django_db
MON = TODAY                       # Monday 1 March 2027
TUE = TODAY + dt.timedelta(days=1)


def sign(net, child, room="托小班", care=CareType.FULL_DAY, start=MON, drop="08:00", pick="17:00"):
    return contract_svc.contract_create(net.manager, room_id=net.rooms[room].pk, child_id=child.pk, care_type=care,
                                        starts_on=start, drop_off=t(drop), pick_up=t(pick), today=TODAY,
                                        now=at(TODAY))


def book(net, child, day=TUE, start="09:00", end="12:00", actor=None):
    return booking_svc.booking_create(actor or net.manager, centre_id=net.centre.pk, child_id=child.pk, day=day,
                                      start=t(start), end=t(end), today=TODAY, now=at(TODAY))


def refusal(exc) -> str:
    return "；".join(exc.value.messages)


# ---------------------------------------------------------------- size

def test_a_contract_past_the_classs_places_is_refused_and_nothing_is_stored(net):
    for _ in range(15):
        sign(net, net.infant(18))
    before = (Contract.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        sign(net, net.infant(18), drop="09:00", pick="10:00")
    assert refusal(exc) == "3月1日 09:00–10:00 托小班已满：最多 15 名幼儿，已有 15 名"
    assert (Contract.objects.count(), AuditEntry.objects.count()) == before


def test_two_half_days_share_one_place(net):
    net.rooms["乳儿班"].places = 1
    net.rooms["乳儿班"].save()
    sign(net, net.infant(8), room="乳儿班", care=CareType.HALF_AM, drop="07:30", pick="12:00")
    sign(net, net.infant(8), room="乳儿班", care=CareType.HALF_PM, drop="12:00", pick="18:00")
    with pytest.raises(ValidationError) as exc:
        sign(net, net.infant(8), room="乳儿班", care=CareType.HALF_PM, drop="12:00", pick="16:00")
    assert refusal(exc) == "3月1日 12:00–16:00 乳儿班已满：最多 1 名幼儿，已有 1 名"


def test_a_county_limit_tightens_the_class_and_cannot_loosen_it(net, demo_user):
    health = demo_user("county_health")
    settings_svc.limit_set(health, class_type=ClassType.TODDLER, max_size=12, per_carer=None)
    assert limits_for(net.centre)[ClassType.TODDLER].max_size == 12
    for _ in range(12):
        sign(net, net.infant(18))
    with pytest.raises(ValidationError) as exc:
        sign(net, net.infant(18))
    assert "托小班已满：最多 12 名幼儿，已有 12 名" in refusal(exc)
    with pytest.raises(ValidationError) as exc:
        settings_svc.limit_set(health, class_type=ClassType.TODDLER, max_size=16, per_carer=None)
    assert refusal(exc) == "托小班每班幼儿人数应为 1 到 15 人（国家标准最多 15 人）"
    with pytest.raises(PermissionDenied):
        settings_svc.limit_set(net.carers[0], class_type=ClassType.TODDLER, max_size=10, per_carer=None,
                               centre_id=net.centre.pk)
    settings_svc.limit_set(net.manager, class_type=ClassType.TODDLER, max_size=None, per_carer=4,
                           centre_id=net.centre.pk)
    assert limits_for(net.centre)[ClassType.TODDLER] == rules.Limit(12, 4)
    assert ClassLimit.objects.filter(centre=net.centre).count() == 1


# ---------------------------------------------------------------- ratio, hour by hour

def test_a_booking_past_the_ratio_names_the_hours_the_carers_and_the_children(net):
    net.shift("托小班", TUE, 0, "07:30", "18:00")
    net.shift("托小班", TUE, 1, "07:30", "18:00")
    net.shift("托小班", TUE, 2, "07:30", "14:00")
    for _ in range(10):
        book(net, net.infant(18), start="14:00", end="16:00")
    before = (Booking.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        book(net, net.infant(18), start="13:00", end="17:00")
    assert refusal(exc) == "14:00–16:00 托小班在岗保育人员 2 人，最多照护 10 名幼儿，已有 10 名"
    assert (Booking.objects.count(), AuditEntry.objects.count()) == before
    book(net, net.infant(18), start="16:00", end="17:00")  # after 16:00 there is room again


def test_opening_at_0730_is_booked_only_with_a_carer_on_duty_at_0730(net):
    net.shift("乳儿班", TUE, 0, "08:00", "17:00")
    with pytest.raises(ValidationError) as exc:
        book(net, net.infant(8), start="07:30", end="09:00")
    assert refusal(exc) == "07:30–08:00 乳儿班在岗保育人员 0 人，最多照护 0 名幼儿，已有 0 名"
    net.shift("乳儿班", TUE, 1, "07:30", "12:00")
    book(net, net.infant(8), start="07:30", end="09:00")


def test_the_extended_hour_after_1800_needs_a_carer_until_1900(net):
    net.shift("托大班", TUE, 0, "07:30", "18:00")
    child = net.infant(30)
    book(net, child, start="16:00", end="18:00")  # 18:00 itself: the span ends there
    with pytest.raises(ValidationError) as exc:
        book(net, net.infant(30), start="17:00", end="19:00")
    assert refusal(exc) == "18:00–19:00 托大班在岗保育人员 0 人，最多照护 0 名幼儿，已有 0 名"
    net.shift("托大班", TUE, 1, "12:00", "19:00")
    booking = book(net, net.infant(30), start="17:00", end="19:00")
    assert booking.room == net.rooms["托大班"]


def test_a_contract_is_checked_against_the_ratio_on_the_days_already_rostered(net):
    net.shift("乳儿班", TUE, 0, "07:30", "18:00")
    for _ in range(3):
        sign(net, net.infant(8), room="乳儿班", start=MON, drop="08:00", pick="17:00")
    with pytest.raises(ValidationError) as exc:
        sign(net, net.infant(8), room="乳儿班", start=MON, drop="09:00", pick="11:00")
    assert refusal(exc) == "3月2日 09:00–11:00 乳儿班在岗保育人员 1 人，最多照护 3 名幼儿，已有 3 名"
    sign(net, net.infant(8), room="乳儿班", start=TUE + dt.timedelta(days=1))  # 3月3日 is not rostered yet ...
    # ... and the roster made for it later counts all four: the board shows the gap.
    net.shift("乳儿班", TUE + dt.timedelta(days=1), 0, "07:30", "18:00")
    board = network.room_rows(net.centre, on=TUE + dt.timedelta(days=1))
    infant_room = next(r for r in board if r.name == "乳儿班")
    assert infant_room.short and infant_room.peak == 4


def test_a_booking_on_a_day_not_rostered_is_refused(net):
    with pytest.raises(ValidationError) as exc:
        book(net, net.infant(18))
    assert refusal(exc) == "3月2日托小班尚未排班，暂不能预约"


# ---------------------------------------------------------------- bookings

def test_a_booking_goes_to_a_class_of_the_childs_age_and_clashes_are_refused(net):
    net.shift("托小班", TUE, 0, "07:30", "18:00")
    child = net.infant(14)
    first = book(net, child, start="09:00", end="11:00")
    assert first.room == net.rooms["托小班"]
    with pytest.raises(ValidationError) as exc:
        book(net, child, start="10:00", end="12:00")
    assert refusal(exc) == "该幼儿当天 09:00–11:00 已在文苑测试托育中心预约了临时托"
    with pytest.raises(ValidationError) as exc:
        book(net, net.infant(3))
    assert refusal(exc) == "幼儿未满 6 个月（现 3 个月），托育机构暂不能收托"


@pytest.mark.parametrize("day, start, end, problem", [
    (MON - dt.timedelta(days=1), "09:00", "12:00", "只能预约尚未开始的时段"),
    (MON, "07:30", "09:00", "只能预约尚未开始的时段"),  # it is 08:00 on Monday
    (MON + dt.timedelta(days=31), "09:00", "12:00", "最多可预约 30 天以内的临时托"),
    (MON + dt.timedelta(days=5), "09:00", "12:00", "3月6日不是工作日，托育机构不开放"),
    (TUE, "09:00", "09:30", "临时托每次至少 1 小时"),
    (TUE, "18:30", "19:30", "预约时间应在开放时间 07:30–18:00（延时至 19:00） 之内"),
])
def test_a_booking_outside_its_window_is_refused(net, day, start, end, problem):
    with pytest.raises(ValidationError) as exc:
        book(net, net.infant(14), day=day, start=start, end=end)
    assert refusal(exc) == problem


def test_a_parent_books_only_their_own_child_and_cancels_before_it_begins(net, demo_user):
    net.shift("托小班", TUE, 0, "07:30", "18:00")
    own = net.infant(14)
    booking = book(net, own, actor=net.parent)
    net.parent = None
    other = net.infant(14)
    with pytest.raises(PermissionDenied):
        book(net, other, actor=booking.booked_by)
    with pytest.raises(PermissionDenied):
        book(net, other, actor=demo_user("carer"))
    with pytest.raises(ValidationError) as exc:
        booking_svc.booking_cancel(booking.booked_by, booking_id=booking.pk, now=at(TUE, 9, 30))
    assert refusal(exc) == "已开始的预约不能取消"
    booking_svc.booking_cancel(booking.booked_by, booking_id=booking.pk, now=at(MON, 20))
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED


def test_a_contracted_child_books_only_hours_outside_the_contract(net):
    net.shift("托小班", TUE, 0, "07:30", "18:00")
    net.shift("托小班", TUE, 1, "12:00", "19:00")
    child = net.infant(18)
    sign(net, child, drop="08:00", pick="17:00")
    with pytest.raises(ValidationError) as exc:
        book(net, child, start="16:00", end="18:00")
    assert refusal(exc) == "该幼儿按托育协议当天 08:00–17:00 已在文苑测试托育中心，无需预约"
    book(net, child, start="17:00", end="19:00")


# ---------------------------------------------------------------- contracts

def test_one_contract_at_a_time_and_the_age_and_hours_are_checked(net):
    child = net.infant(18)
    sign(net, child)
    with pytest.raises(ValidationError) as exc:
        sign(net, child, start=MON + dt.timedelta(days=30))
    assert refusal(exc) == "该幼儿在文苑测试托育中心已有3月1日起的托育协议，同一时期只能签一份"
    with pytest.raises(ValidationError) as exc:
        sign(net, net.infant(18), room="托大班")
    assert refusal(exc) == "托大班收 24–36 个月的幼儿，该幼儿 18 个月"
    with pytest.raises(ValidationError) as exc:
        sign(net, net.infant(18), care=CareType.HALF_AM, drop="08:00", pick="14:00")
    assert refusal(exc) == "半日托（上午）的时间应在 07:30–12:00 之内"
    with pytest.raises(ValidationError) as exc:
        sign(net, net.infant(18), start=dt.date(2027, 2, 26))
    assert refusal(exc) == "入托日期不能早于本月1日"


def test_only_the_centres_manager_signs_contracts(net, demo_user):
    for who in (net.carers[0], demo_user("nursery"), demo_user("county_health"), net.parent):
        with pytest.raises(PermissionDenied):
            contract_svc.contract_create(who, room_id=net.rooms["托小班"].pk, child_id=net.infant(18).pk,
                                         care_type=CareType.FULL_DAY, starts_on=MON, today=TODAY, now=at(TODAY))
    assert not Contract.objects.filter(centre=net.centre).exists()


@pytest.mark.parametrize("reason, problem", [("a\x00b", "退托原因含有无效字符"), ("长" * 65, "退托原因最多 64 个字")])
def test_a_bad_reason_to_end_a_contract_is_refused_and_nothing_changes(net, reason, problem):
    contract = sign(net, net.infant(18))
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        contract_svc.contract_end(net.manager, contract_id=contract.pk, last_day=MON + dt.timedelta(days=10),
                                  reason=reason, today=TODAY, now=at(TODAY))
    assert refusal(exc) == problem
    contract.refresh_from_db()
    assert contract.ends_on is None and AuditEntry.objects.count() == before


def test_ending_before_the_start_cancels_and_the_place_counts_nowhere(net):
    net.rooms["乳儿班"].places = 1
    net.rooms["乳儿班"].save()
    future = sign(net, net.infant(8), room="乳儿班", start=MON + dt.timedelta(days=14))
    contract_svc.contract_end(net.manager, contract_id=future.pk, last_day=MON, reason="家长改变主意", today=TODAY,
                              now=at(TODAY))
    future.refresh_from_db()
    assert future.state == Contract.State.CANCELLED
    sign(net, net.infant(8), room="乳儿班")


# ---------------------------------------------------------------- the waiting list

def join(net, child, minutes: int, care=CareType.FULL_DAY):
    return waitlist_svc.waitlist_join(net.manager, centre_id=net.centre.pk, child_id=child.pk, care_type=care,
                                      wanted_from=TUE, today=TODAY, now=at(TODAY, 9, minutes))


def test_the_waiting_list_offers_a_freed_place_in_order_of_joining_and_holds_it(net):
    net.rooms["托大班"].places = 1
    net.rooms["托大班"].save()
    holder = sign(net, net.infant(30), room="托大班")
    first, second, third = (join(net, net.infant(30), m) for m in (1, 2, 3))
    assert {e.state for e in (first, second, third)} == {WaitlistEntry.State.WAITING}
    contract_svc.contract_end(net.manager, contract_id=holder.pk, last_day=MON + dt.timedelta(days=6),
                              reason="搬家", today=TODAY, now=at(TODAY, 10))
    for e in (first, second, third):
        e.refresh_from_db()
    assert (first.state, second.state, third.state) == ("offered", "waiting", "waiting")
    monday = dt.date(2027, 3, 8)  # the day after the leaving child's last day
    assert first.offered_room == net.rooms["托大班"] and first.offered_from == monday
    # the offered place is held: nobody else takes it meanwhile ...
    with pytest.raises(ValidationError):
        sign(net, net.infant(30), room="托大班", start=MON + dt.timedelta(days=10))
    # ... the first declines: it goes to the second, who accepts and is signed in on the offered terms
    waitlist_svc.waitlist_answer(net.manager, entry_id=first.pk, accept=False, today=TODAY, now=at(TODAY, 11))
    second.refresh_from_db()
    assert second.state == "offered"
    waitlist_svc.waitlist_answer(net.manager, entry_id=second.pk, accept=True, today=TODAY, now=at(TODAY, 12))
    second.refresh_from_db()
    assert second.state == "accepted" and second.contract.starts_on == monday
    assert second.contract.room == net.rooms["托大班"] and second.contract.span.label == "07:30–18:00"
    third.refresh_from_db()
    assert third.state == "waiting"


def test_an_offer_not_answered_in_the_centres_days_lapses_and_the_place_goes_to_the_next(net):
    net.centre.offer_reply_days = 3
    net.centre.save()
    net.rooms["托大班"].places = 1
    net.rooms["托大班"].save()
    first, second = (join(net, net.infant(30), m) for m in (1, 2))
    assert (first.state, first.reply_by) == ("offered", TODAY + dt.timedelta(days=3))
    last_day = TODAY + dt.timedelta(days=3)
    assert waitlist_svc.waitlist_expire(today=last_day, now=at(last_day, 20)) == 0  # the last day is still in time
    after = last_day + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        waitlist_svc.waitlist_answer(net.manager, entry_id=first.pk, accept=True, today=after, now=at(after, 8))
    assert "答复期限（3月4日）已过" in refusal(exc)
    assert waitlist_svc.waitlist_expire(today=after, now=at(after, 9)) == 1
    assert waitlist_svc.waitlist_expire(today=after, now=at(after, 10)) == 0  # once
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("expired", "offered")
    assert second.reply_by == after + dt.timedelta(days=3)
    assert AuditEntry.objects.filter(target_id=str(first.pk), reason__startswith="入托通知逾期未答复").exists()


def test_joining_when_a_place_is_free_offers_it_at_once_and_twice_is_refused(net):
    child = net.infant(14)
    entry = join(net, child, 1)
    assert entry.state == "offered" and entry.offered_room == net.rooms["托小班"]
    with pytest.raises(ValidationError) as exc:
        join(net, child, 2)
    assert refusal(exc) == "该幼儿已在文苑测试托育中心排队"
    waitlist_svc.waitlist_withdraw(net.manager, entry_id=entry.pk, now=at(TODAY, 10), today=TODAY)
    entry.refresh_from_db()
    assert entry.state == "withdrawn"


def test_the_waiting_list_is_by_age_group(net):
    net.rooms["托小班"].places = 1
    net.rooms["托小班"].save()
    sign(net, net.infant(14))
    older = join(net, net.infant(30), 1)
    younger = join(net, net.infant(14), 2)
    assert (older.class_type, older.state) == (ClassType.OLDER, "offered")  # the 托大班 has room
    assert (younger.class_type, younger.state) == (ClassType.TODDLER, "waiting")


# ---------------------------------------------------------------- roster

def test_a_carer_is_rostered_only_at_their_centre_and_once_at_a_time(net, demo_user):
    net.shift("托小班", TUE, 0, "07:30", "12:00")
    with pytest.raises(ValidationError) as exc:
        net.shift("乳儿班", TUE, 0, "11:00", "16:00")
    assert refusal(exc) == "该保育人员当天 07:30–12:00 已有值班"
    with pytest.raises(ValidationError) as exc:
        roster.shift_add(net.manager, room_id=net.rooms["托小班"].pk, day=TUE, carer_id=demo_user("carer").pk,
                         start=t("08:00"), end=t("12:00"), today=TODAY)
    assert refusal(exc) == "只能安排在本机构工作的保育人员值班"


def test_a_days_roster_is_copied_to_the_working_days_without_one(net):
    net.shift("托小班", MON, 0, "07:30", "16:30")
    net.shift("托小班", MON, 1, "09:00", "18:00")
    net.shift("托小班", MON + dt.timedelta(days=3), 2, "07:30", "18:00")  # Thursday already has its own
    added = roster.roster_repeat(net.manager, room_id=net.rooms["托小班"].pk, day=MON,
                                 until=MON + dt.timedelta(days=6), today=TODAY)
    assert added == 6  # Tuesday, Wednesday, Friday; not Thursday, not the weekend
    days = sorted(set(DutyShift.objects.filter(room=net.rooms["托小班"]).values_list("day", flat=True)))
    assert [d.day for d in days] == [1, 2, 3, 4, 5]


# ---------------------------------------------------------------- prices and bills

def test_an_affordable_centre_may_not_charge_above_the_countys_price(net, demo_user):
    health = demo_user("county_health")
    settings_svc.price_set(health, item=PriceItem.FULL_DAY, band=AgeBand.ONE_TO_THREE, amount=Decimal("1300"),
                           effective_from=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        settings_svc.price_set(net.manager, item=PriceItem.FULL_DAY, band=AgeBand.ONE_TO_THREE,
                               amount=Decimal("1400"), effective_from=TODAY, today=TODAY, centre_id=net.centre.pk)
    assert refusal(exc) == "普惠性托育机构的全日托（每月）（1–3岁）不能高于县定普惠价 1300.00 元"
    assert not Price.objects.filter(centre=net.centre).exists()
    with pytest.raises(ValidationError) as exc:
        settings_svc.price_set(net.manager, item=PriceItem.FULL_DAY, band=AgeBand.ONE_TO_THREE,
                               amount=Decimal("1200"), effective_from=dt.date(2027, 2, 1), today=TODAY,
                               centre_id=net.centre.pk)
    assert refusal(exc) == "起始日期不能早于本月1日（已开具的账单不再变动）"


def _prices(net):
    for item, amount in ((PriceItem.FULL_DAY, "1280"), (PriceItem.EXTENDED_MONTH, "230"),
                         (PriceItem.TEMPORARY, "24"), (PriceItem.EXTENDED_HOUR, "20")):
        settings_svc.price_set(net.manager, item=item, band=AgeBand.ONE_TO_THREE, amount=Decimal(amount),
                               effective_from=TODAY, today=TODAY, centre_id=net.centre.pk)
    settings_svc.subsidy_set(net.manager, kind=SubsidyKind.PER_CHILD, amount=Decimal("300"), effective_from=TODAY,
                             today=TODAY, centre_id=net.centre.pk)
    settings_svc.subsidy_set(net.manager, kind=SubsidyKind.HARDSHIP, amount=Decimal("40"), effective_from=TODAY,
                             today=TODAY, centre_id=net.centre.pk)


def test_a_months_bill_computed_by_hand_is_issued_and_paid(net):
    """March 2027 has 23 working days. A toddler of a 低保 family is booked on Monday 8 March 16:00–19:00 (2 hours
    at 24, an extended hour at 20), then signed in full-day from Wednesday 17 March, picked up at 18:30 (11 of 23
    working days; the monthly extended add-on at 230). The centre's prices are below the demo county's 普惠 ones
    (1300, 25, 20, 300); the centre gives 300 a month per child and 40 % off for 低保 families.

        full day 1280 × 11/23 = 612.17   extended 230 × 11/23 = 110.00   hours 48.00 + 20.00   fees 790.17
        subsidy   300 × 11/23 = 143.48   reduction 40 % of 646.69 = 258.68   due 790.17 − 143.48 − 258.68 = 388.01
    """
    _prices(net)
    monday = dt.date(2027, 3, 8)
    for carer, (start, end) in enumerate((("07:30", "16:30"), ("09:00", "18:00"), ("10:00", "19:00"))):
        net.shift("托小班", monday, carer, start, end)
    child = net.infant(20, low_income=True)
    book(net, child, day=monday, start="16:00", end="19:00")
    sign(net, child, start=dt.date(2027, 3, 17), drop="08:00", pick="18:30")
    assert bill_svc.bills_issue(net.manager, centre_id=net.centre.pk, month=TODAY, today=dt.date(2027, 3, 31),
                                now=at(dt.date(2027, 3, 31))) == 1
    bill = Bill.objects.get(centre=net.centre, child=child)
    assert (bill.fees, bill.subsidy, bill.reduction, bill.due) == (
        Decimal("790.17"), Decimal("143.48"), Decimal("258.68"), Decimal("388.01"))
    assert [line["amount"] for line in bill.lines] == ["612.17", "110.00", "48.00", "20.00", "-143.48", "-258.68"]
    bill_svc.bill_mark_paid(net.manager, bill_id=bill.pk, now=at(dt.date(2027, 4, 2)))
    with pytest.raises(ValidationError):
        bill_svc.bill_mark_paid(net.manager, bill_id=bill.pk, now=at(dt.date(2027, 4, 2)))
    # issued again, a paid bill stays as it was paid
    Price.objects.filter(centre=net.centre, item=PriceItem.TEMPORARY).update(amount=Decimal("99"))
    assert bill_svc.bills_issue(net.manager, centre_id=net.centre.pk, month=TODAY, today=dt.date(2027, 3, 31),
                                now=at(dt.date(2027, 3, 31))) == 0
    bill.refresh_from_db()
    assert bill.due == Decimal("388.01") and bill.state == Bill.State.PAID


def test_bills_are_not_issued_while_a_charge_has_no_price_nor_for_a_later_month(net):
    net.shift("乳儿班", TUE, 0, "07:30", "18:00")
    book(net, net.infant(8))  # 0–1 temporary hours, with the county's price of them taken away
    Price.objects.filter(item=PriceItem.TEMPORARY, band=AgeBand.UNDER_ONE).delete()
    with pytest.raises(ValidationError) as exc:
        bill_svc.bills_issue(net.manager, centre_id=net.centre.pk, month=TODAY, today=TODAY, now=at(TODAY))
    assert refusal(exc) == "以下收费项目尚未定价，请先在“收费标准”中设置：临时托（每小时）（0–1岁）"
    with pytest.raises(ValidationError) as exc:
        bill_svc.bills_issue(net.manager, centre_id=net.centre.pk, month=dt.date(2027, 4, 1), today=TODAY,
                             now=at(TODAY))
    assert refusal(exc) == "不能开具以后月份的账单"
    assert not Bill.objects.filter(centre=net.centre).exists()


def test_a_family_offered_a_place_is_told_once_in_their_inbox(net):
    from tongxin.notifications.models import Notice

    entry = join(net, net.infant(14), 1)
    assert entry.state == "offered"
    notice = Notice.objects.get(user=net.parent, kind="nursery.offer")
    assert "排到托位了" in notice.title and notice.link == "/nursery/mine/" and not notice.urgent


def test_a_morning_and_an_afternoon_child_share_one_place_in_the_centres_figures(net):
    """Two half-day mornings, one afternoon and one full day: four children signed, three places in use."""
    for care, drop, pick in ((CareType.HALF_AM, "08:00", "12:00"), (CareType.HALF_AM, "08:00", "12:00"),
                             (CareType.HALF_PM, "13:00", "17:00"), (CareType.FULL_DAY, "08:00", "17:00")):
        sign(net, net.infant(18), care=care, drop=drop, pick=pick)
    (row,) = network.centre_rows([net.centre], on=MON)
    assert (row.taken, row.half, row.used, row.total, row.free) == (4, 3, 3, 45, 42)


def test_offering_the_places_says_why_the_first_waiting_child_of_a_group_got_none(net):
    net.rooms["托大班"].places = 1
    net.rooms["托大班"].save()
    sign(net, net.infant(30), room="托大班")
    waiting = join(net, net.infant(30), 1)
    result = waitlist_svc.waitlist_offer(net.manager, centre_id=net.centre.pk, today=TODAY, now=at(TODAY, 10))
    assert result.entries == [] and len(result.held_back) == 1
    assert result.held_back[0].startswith(f"托大班排第 1 位的{waiting.child.name}（3月2日起）：")
    assert "托大班" in result.held_back[0].split("：", 1)[1]
