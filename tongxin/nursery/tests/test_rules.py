"""The nursery's pure rules with fixed values: ages and class types, every class type's size and ratio at its limit
and one past it, the offices' limits (tighten only), the moments of a day (opening at 07:30, closing at 18:00, an
extended hour), hours and prices, and a month's bill computed by hand."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from tongxin.nursery import rules
from tongxin.nursery.choices import AgeBand, CareType, ClassType, PriceItem

D, T = dt.date, dt.time
S = rules.Span
HOURS = rules.Hours(extended_until=T(19, 0))


def span(text: str) -> rules.Span:
    a, b = text.split("–")
    return S(T(*map(int, a.split(":"))), T(*map(int, b.split(":"))))


# ---------------------------------------------------------------- ages and class types

@pytest.mark.parametrize("birth, on, months", [
    (D(2026, 3, 15), D(2026, 4, 14), 0), (D(2026, 3, 15), D(2026, 4, 15), 1), (D(2025, 1, 31), D(2026, 1, 30), 11),
    (D(2025, 1, 31), D(2026, 1, 31), 12), (D(2024, 2, 29), D(2027, 2, 28), 35), (D(2024, 2, 29), D(2027, 3, 1), 36),
])
def test_age_is_counted_in_completed_months(birth, on, months):
    assert rules.age_in_months(birth, on) == months


@pytest.mark.parametrize("class_type, fits, does_not", [
    (ClassType.INFANT, [6, 11], [5, 12]),
    (ClassType.TODDLER, [12, 23], [11, 24]),
    (ClassType.OLDER, [24, 35], [23, 36]),
    (ClassType.MIXED, [18, 35], [17, 36]),
])
def test_each_class_type_takes_its_ages(class_type, fits, does_not):
    assert all(rules.class_fits(m, class_type) for m in fits)
    assert not any(rules.class_fits(m, class_type) for m in does_not)


def test_age_refusals_say_why_in_chinese():
    assert rules.age_problem(4, ClassType.INFANT) == "幼儿未满 6 个月（现 4 个月），托育机构暂不能收托"
    assert rules.age_problem(36, ClassType.OLDER) == "幼儿已满 3 周岁（36 个月），应入幼儿园"
    assert rules.age_problem(14, ClassType.OLDER) == "托大班收 24–36 个月的幼儿，该幼儿 14 个月"
    assert rules.age_problem(14, ClassType.TODDLER) is None


# ---------------------------------------------------------------- size and ratio, every class type

@pytest.mark.parametrize("class_type, size", [(ClassType.INFANT, 10), (ClassType.TODDLER, 15), (ClassType.OLDER, 20),
                                              (ClassType.MIXED, 18)])
def test_each_class_type_holds_its_national_size_and_not_one_more(class_type, size):
    assert rules.size_ok(size, class_type)
    assert not rules.size_ok(size + 1, class_type)


def test_licensed_places_below_the_size_are_the_limit():
    assert rules.size_ok(12, ClassType.TODDLER, places=12)
    assert not rules.size_ok(13, ClassType.TODDLER, places=12)
    assert rules.class_size(rules.national(ClassType.INFANT), 12) == 10  # places never beyond the type's size


@pytest.mark.parametrize("class_type, per_carer", [(ClassType.INFANT, 3), (ClassType.TODDLER, 5),
                                                   (ClassType.OLDER, 7), (ClassType.MIXED, 5)])
def test_each_class_type_has_its_ratio(class_type, per_carer):
    for carers in (1, 2, 3):
        assert rules.ratio_ok(carers * per_carer, carers, class_type)
        assert not rules.ratio_ok(carers * per_carer + 1, carers, class_type)
    assert rules.ratio_ok(0, 0, class_type) and not rules.ratio_ok(1, 0, class_type)
    assert rules.carers_needed(per_carer + 1, class_type) == 2


def test_the_strictest_limit_applies_and_an_unset_value_follows_the_others():
    assert rules.effective_limit(ClassType.TODDLER) == rules.Limit(15, 5)
    assert rules.effective_limit(ClassType.TODDLER, (12, None), (None, 4)) == rules.Limit(12, 4)
    assert rules.effective_limit(ClassType.TODDLER, (12, None), (14, None)) == rules.Limit(12, 5)


def test_an_office_may_tighten_but_not_loosen_the_national_limits():
    assert rules.limit_problem(ClassType.TODDLER, 12, 4) is None
    assert rules.limit_problem(ClassType.TODDLER, 16, None) == "托小班每班幼儿人数应为 1 到 15 人（国家标准最多 15 人）"
    assert rules.limit_problem(ClassType.INFANT, None, 4) == "乳儿班每名保育人员照护的幼儿应为 1 到 3 名（国家标准 1:3）"
    assert rules.limit_problem(ClassType.MIXED, 0, None) is not None


# ---------------------------------------------------------------- the moments of a day

def test_the_refusal_names_the_hours_the_carers_and_the_children():
    children = [span("14:00–16:00")] * 10
    carers = [span("07:30–18:00"), span("07:30–18:00"), span("07:30–14:00")]
    problems = rules.admission_problems(label="托小班", limit=rules.national(ClassType.TODDLER), places=15,
                                        children=children, carers=carers, new=span("13:00–17:00"))
    assert problems == ["14:00–16:00 托小班在岗保育人员 2 人，最多照护 10 名幼儿，已有 10 名"]


def test_a_full_class_is_refused_for_its_size_whatever_the_carers():
    children = [span("08:00–17:00")] * 15
    carers = [span("07:30–18:00")] * 4
    problems = rules.admission_problems(label="托小班", limit=rules.national(ClassType.TODDLER), places=15,
                                        children=children, carers=carers, new=span("09:00–10:00"))
    assert problems == ["09:00–10:00 托小班已满：最多 15 名幼儿，已有 15 名"]


def test_opening_at_0730_needs_a_carer_at_0730():
    limit = rules.national(ClassType.INFANT)
    late_start = [span("08:00–17:00")]
    assert rules.admission_problems(label="乳儿班", limit=limit, places=10, children=[], carers=late_start,
                                    new=span("07:30–09:00")) == ["07:30–08:00 乳儿班在岗保育人员 0 人，最多照护 0 名幼儿，已有 0 名"]
    assert rules.admission_problems(label="乳儿班", limit=limit, places=10, children=[], carers=[span("07:30–17:00")],
                                    new=span("07:30–09:00")) == []


def test_spans_are_half_open_at_1800_and_the_extended_hour_needs_its_own_carer():
    limit = rules.national(ClassType.OLDER)
    day = [span("07:30–18:00")]
    assert rules.admission_problems(label="托大班", limit=limit, places=20, children=[], carers=day,
                                    new=span("17:00–18:00")) == []
    assert rules.admission_problems(label="托大班", limit=limit, places=20, children=[], carers=day,
                                    new=span("17:00–19:00")) == ["18:00–19:00 托大班在岗保育人员 0 人，最多照护 0 名幼儿，已有 0 名"]
    extended = day + [span("18:00–19:00")]
    assert rules.admission_problems(label="托大班", limit=limit, places=20, children=[span("18:00–19:00")] * 6,
                                    carers=extended, new=span("17:00–19:00")) == []
    assert rules.admission_problems(label="托大班", limit=limit, places=20, children=[span("18:00–19:00")] * 7,
                                    carers=extended, new=span("17:00–19:00")) == [
        "18:00–19:00 托大班在岗保育人员 1 人，最多照护 7 名幼儿，已有 7 名"]


def test_without_a_ratio_check_only_the_size_counts():
    assert rules.admission_problems(label="托小班", limit=rules.national(ClassType.TODDLER), places=15, children=[],
                                    carers=[], new=span("08:00–17:00"), ratio=False) == []


def test_the_ratio_board_runs_hour_by_hour_from_opening_to_the_end_of_extended_hours():
    slots = [s.label for s in rules.hour_slots(HOURS)]
    assert slots[0] == "07:30–08:30" and slots[-2:] == ["17:30–18:00", "18:00–19:00"] and len(slots) == 12
    board = rules.ratio_board(limit=rules.national(ClassType.TODDLER), places=15,
                              children=[span("08:00–17:00")] * 6 + [span("18:00–19:00")],
                              carers=[span("07:30–16:30"), span("09:00–18:00")], hours=HOURS)
    first, second, last = board[0], board[1], board[-1]
    assert (first.children, first.carers, first.capacity, first.ok) == (6, 1, 5, False)  # 08:00–08:30: 6 for 1
    assert (second.children, second.carers, second.capacity, second.ok) == (6, 1, 5, False)  # 08:30–09:00 still 1
    assert board[2].ok and board[2].carers == 2
    assert (last.children, last.carers, last.needed, last.ok) == (1, 0, 1, False)


def test_an_hour_on_the_board_is_shown_at_its_tightest_moment():
    """08:30–09:30 in a 乳儿班: five children for two carers until 09:00 (room for six), seven for three after it
    (room for nine): the hour shows its tighter half, not seven children against two carers."""
    children = [span("08:00–17:00")] * 5 + [span("09:00–17:00")] * 2
    carers = [span("07:30–16:30"), span("08:30–17:30"), span("09:00–18:00")]
    board = rules.ratio_board(limit=rules.national(ClassType.INFANT), places=10, children=children, carers=carers,
                              hours=HOURS)
    hour = next(s for s in board if s.label == "08:30–09:30")
    assert (hour.children, hour.carers, hour.capacity, hour.ok) == (5, 2, 6, True)


def test_a_full_day_place_is_free_only_where_the_carers_on_duty_have_room_all_day():
    """A 托大班 of 20 with two carers all day (room for 14) and 14 children at 10:00: no full-day place is free
    though six places of the class are unused. A third carer from 08:30 to 16:30 frees six in the middle of the day
    but only two at the ends, where two carers look after twelve: two full-day places. No carer, no place."""
    children = [span("08:00–17:00")] * 12 + [span("10:00–11:00")] * 2
    two = [span("07:30–18:00"), span("07:30–18:00")]
    limit, day = rules.national(ClassType.OLDER), rules.default_span(CareType.FULL_DAY, HOURS)
    board = rules.ratio_board(limit=limit, places=20, children=children, carers=two, hours=HOURS)
    assert rules.free_places(board, day) == 0
    three = rules.ratio_board(limit=limit, places=20, children=children, carers=[*two, span("08:30–16:30")],
                              hours=HOURS)
    assert rules.free_places(three, day) == 2
    nobody = rules.ratio_board(limit=limit, places=20, children=[], carers=[], hours=HOURS)
    assert rules.free_places(nobody, day) == 0


def test_the_peak_is_the_most_children_at_one_moment():
    assert rules.peak([span("07:30–12:00"), span("12:00–18:00"), span("11:00–13:00")]) == 2
    assert rules.peak([]) == 0


# ---------------------------------------------------------------- hours

def test_contract_hours_keep_to_their_care_type_and_extended_hours():
    assert rules.default_span(CareType.HALF_AM, HOURS) == span("07:30–12:00")
    assert rules.default_span(CareType.HALF_PM, HOURS) == span("12:00–18:00")
    assert rules.default_span(CareType.FULL_DAY, HOURS) == span("07:30–18:00")
    assert rules.contract_hours_problem(CareType.FULL_DAY, span("08:00–19:00"), HOURS) is None
    assert rules.contract_hours_problem(CareType.FULL_DAY, span("08:00–19:30"), HOURS) == "全日托的时间应在 07:30–19:00 之内"
    assert rules.contract_hours_problem(CareType.HALF_AM, span("08:00–13:00"), HOURS) == "半日托（上午）的时间应在 07:30–12:00 之内"
    assert rules.contract_hours_problem(CareType.FULL_DAY, span("08:15–17:00"), HOURS) == "入园、离园时间应为整点或半点"
    assert rules.contract_hours_problem(CareType.FULL_DAY, span("17:00–08:00"), HOURS) == "离园时间应晚于入园时间"
    no_extension = rules.Hours()
    assert rules.contract_hours_problem(CareType.FULL_DAY, span("08:00–18:30"), no_extension) == \
        "全日托的时间应在 07:30–18:00 之内"


def test_a_booking_is_at_least_an_hour_within_opening_and_extended_hours():
    assert rules.booking_problem(span("07:30–08:30"), HOURS) is None
    assert rules.booking_problem(span("18:00–19:00"), HOURS) is None
    assert rules.booking_problem(span("07:00–08:30"), HOURS) == "预约时间应在开放时间 07:30–18:00（延时至 19:00） 之内"
    assert rules.booking_problem(span("09:00–09:30"), HOURS) == "临时托每次至少 1 小时"
    assert rules.booking_problem(span("10:00–09:00"), HOURS) == "结束时间应晚于开始时间"
    assert rules.extended_minutes(span("16:00–19:00"), T(18, 0)) == 60
    assert rules.extended_minutes(span("18:30–19:00"), T(18, 0)) == 30


def test_a_centres_day_is_in_order():
    assert rules.hours_problem(rules.Hours()) is None
    assert rules.hours_problem(rules.Hours(extended_until=T(18, 0))) == "延时服务的结束时间应晚于闭园时间"
    assert rules.hours_problem(rules.Hours(opens=T(12, 30))) is not None
    assert rules.hours_problem(rules.Hours(closes=T(17, 45))) == "时间应为整点或半点"


def test_a_carer_is_on_duty_once_at_a_time():
    assert rules.shift_problem(span("07:30–16:30"), HOURS, []) is None
    assert rules.shift_problem(span("12:00–19:00"), HOURS, [span("07:30–12:00")]) is None
    assert rules.shift_problem(span("11:00–19:00"), HOURS, [span("07:30–12:00")]) == "该保育人员当天 07:30–12:00 已有值班"
    assert rules.shift_problem(span("07:00–12:00"), HOURS, []) == "值班时间应在开放时间 07:30–18:00（延时至 19:00） 之内"


# ---------------------------------------------------------------- money

def _march_2027() -> list[dt.date]:
    return [D(2027, 3, d) for d in range(1, 32) if D(2027, 3, d).weekday() < 5]


def test_a_contract_starting_mid_month_owes_its_share_of_the_working_days():
    days = _march_2027()
    assert len(days) == 23
    assert rules.month_share(days, D(2027, 3, 17), None) == Fraction(11, 23)  # 17–19, 22–26, 29–31
    assert rules.month_share(days, D(2027, 2, 1), None) == 1
    assert rules.month_share(days, D(2027, 2, 1), D(2027, 3, 5)) == Fraction(5, 23)
    assert rules.month_share(days, D(2027, 4, 1), None) == 0


def test_a_price_is_the_one_in_force_on_the_day():
    rows = [rules.PriceRow(PriceItem.FULL_DAY, AgeBand.ONE_TO_THREE, Decimal("1300"), D(2027, 1, 1)),
            rules.PriceRow(PriceItem.FULL_DAY, AgeBand.ONE_TO_THREE, Decimal("1350"), D(2027, 3, 10))]
    assert rules.price_on(rows, PriceItem.FULL_DAY, AgeBand.ONE_TO_THREE, D(2026, 12, 31)) is None
    assert rules.price_on(rows, PriceItem.FULL_DAY, AgeBand.ONE_TO_THREE, D(2027, 3, 9)) == Decimal("1300")
    assert rules.price_on(rows, PriceItem.FULL_DAY, AgeBand.ONE_TO_THREE, D(2027, 3, 10)) == Decimal("1350")
    county = [rules.PriceRow(PriceItem.TEMPORARY, AgeBand.ONE_TO_THREE, Decimal("25"), D(2027, 1, 1))]
    assert rules.price_for(rows, county, PriceItem.TEMPORARY, AgeBand.ONE_TO_THREE, D(2027, 3, 1)) == Decimal("25")
    assert rules.price_problem(Decimal("1400"), Decimal("1300"), affordable=True, item_label="全日托") == \
        "普惠性托育机构的全日托不能高于县定普惠价 1300 元"
    assert rules.price_problem(Decimal("1400"), Decimal("1300"), affordable=False, item_label="全日托") is None


PRICES = [rules.PriceRow(item, AgeBand.ONE_TO_THREE, Decimal(amount), D(2027, 1, 1)) for item, amount in (
    (PriceItem.FULL_DAY, "1380"), (PriceItem.EXTENDED_MONTH, "230"), (PriceItem.TEMPORARY, "28"),
    (PriceItem.EXTENDED_HOUR, "20"), (PriceItem.HALF_DAY, "800"))]


def test_a_month_computed_by_hand():
    """A toddler (20 months) at a 普惠 centre in March 2027 (23 working days): booked 8 March 16:00–19:00 (2 hours
    at 28 and one extended hour at 20), then full-day from Wednesday 17 March (11 of 23 working days) picked up at
    18:30 (the monthly extended add-on, 230). A 低保 family: the county's 300 a month per child (in the same share)
    and 40 % off the rest.

        full day   1380 × 11/23 = 660.00        subsidy  300 × 11/23 = 143.48
        extended    230 × 11/23 = 110.00        fees − subsidy = 702.52, 40 % = 281.01
        temporary     2 h × 28  =  56.00
        extended      1 h × 20  =  20.00        due = 846.00 − 143.48 − 281.01 = 421.51
        fees                      846.00
    """
    draft = rules.bill_for_month(
        month_days=_march_2027(), birth=D(2025, 6, 21),
        contracts=[rules.ContractTerm(CareType.FULL_DAY, D(2027, 3, 17), None, True, "托小班")],
        bookings=[rules.BookingTerm(D(2027, 3, 8), span("16:00–19:00"), T(18, 0))],
        prices=PRICES, affordable=True, per_child=Decimal("300"), hardship_percent=40, hardship=True)
    assert [line.amount for line in draft.lines] == [Decimal(x) for x in (
        "660.00", "110.00", "56.00", "20.00", "-143.48", "-281.01")]
    assert (draft.fees, draft.subsidy, draft.reduction, draft.due) == (
        Decimal("846.00"), Decimal("143.48"), Decimal("281.01"), Decimal("421.51"))
    assert draft.lines[0].label == "全日托（托小班）：11/23 个工作日" and not draft.missing


def test_no_subsidy_at_a_centre_that_is_not_affordable_and_no_reduction_for_other_families():
    draft = rules.bill_for_month(
        month_days=_march_2027(), birth=D(2025, 6, 21),
        contracts=[rules.ContractTerm(CareType.HALF_AM, D(2027, 2, 1), None, False)], bookings=[], prices=PRICES,
        affordable=False, per_child=Decimal("300"), hardship_percent=40, hardship=False)
    assert (draft.fees, draft.subsidy, draft.reduction, draft.due) == (Decimal("800.00"), 0, 0, Decimal("800.00"))


def test_the_subsidy_never_exceeds_the_monthly_fees_and_a_missing_price_is_named():
    cheap = [rules.PriceRow(PriceItem.HALF_DAY, AgeBand.ONE_TO_THREE, Decimal("100"), D(2027, 1, 1))]
    draft = rules.bill_for_month(
        month_days=_march_2027(), birth=D(2025, 6, 21),
        contracts=[rules.ContractTerm(CareType.HALF_PM, D(2027, 2, 1), None, False)],
        bookings=[rules.BookingTerm(D(2027, 3, 8), span("09:00–10:00"), T(18, 0))], prices=cheap,
        affordable=True, per_child=Decimal("300"), hardship_percent=None, hardship=False)
    assert draft.subsidy == Decimal("100.00")
    assert draft.missing == ["临时托（每小时）（1–3岁）"]


def test_the_age_band_is_the_childs_on_the_day_charged():
    assert rules.age_band(11) == AgeBand.UNDER_ONE and rules.age_band(12) == AgeBand.ONE_TO_THREE
    prices = [rules.PriceRow(PriceItem.TEMPORARY, AgeBand.UNDER_ONE, Decimal("30"), D(2027, 1, 1)),
              rules.PriceRow(PriceItem.TEMPORARY, AgeBand.ONE_TO_THREE, Decimal("25"), D(2027, 1, 1))]
    draft = rules.bill_for_month(  # one year old on 10 March
        month_days=_march_2027(), birth=D(2026, 3, 10), contracts=[],
        bookings=[rules.BookingTerm(D(2027, 3, 9), span("09:00–10:00"), T(18, 0)),
                  rules.BookingTerm(D(2027, 3, 10), span("09:00–10:00"), T(18, 0))],
        prices=prices, affordable=True, per_child=None, hardship_percent=None, hardship=False)
    assert [line.unit_price for line in draft.lines] == [Decimal("30"), Decimal("25")]
