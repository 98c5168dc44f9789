import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tongxin.custody import rules
from tongxin.custody.models import PriorityTier


def test_fee_cap_is_enforced_lunch_apart(settings):
    rules.check_fee(Decimal("24.00"))
    with pytest.raises(ValidationError, match="超过上限 24.00 元"):
        rules.check_fee(Decimal("24.01"))
    settings.CUSTODY_FEE_CAP = "30"
    rules.check_fee(Decimal("28"))
    with pytest.raises(ValidationError, match="负数"):
        rules.check_fee(Decimal("-1"))


@pytest.mark.parametrize("text", ["数学新课预习", "语文补课", "英语单元测验", "期末模拟考", "奥数培优", "上新课：分数"])
def test_lessons_make_up_classes_and_tests_are_forbidden(text):
    assert "不得组织" in rules.forbidden_activity_reason(text)


@pytest.mark.parametrize("text", ["暑假作业辅导", "绘本共读", "防溺水安全教育", "篮球", "科学小实验", ""])
def test_allowed_activities(text):
    assert rules.forbidden_activity_reason(text) is None


def facts(**kw):
    base = dict(disabled=False, left_behind=False, vulnerable=False, low_income=False, extreme_poverty=False,
                military=False, migrant_worker=False, dual_earner=False)
    return rules.PriorityFacts(**{**base, **kw})


def test_priority_tiers():
    assert rules.priority(facts()) == (PriorityTier.GENERAL, [])
    assert rules.priority(facts(dual_earner=True)) == (PriorityTier.DUAL_EARNER, ["双职工家庭"])
    for flag, label in [("disabled", "残疾儿童"), ("left_behind", "留守儿童"), ("low_income", "低保家庭"),
                        ("extreme_poverty", "特困家庭"), ("military", "军人家庭"), ("migrant_worker", "进城务工人员家庭")]:
        assert rules.priority(facts(**{flag: True}, dual_earner=True)) == (PriorityTier.SPECIAL, [label])


def test_lottery_is_reproducible_from_the_seed_and_respects_tiers():
    units = [rules.Unit(f"family:{i}", tier=1 + i % 3, members=(i,)) for i in range(30)]
    a = rules.draw_order(units, "seed-1")
    assert a == rules.draw_order(list(reversed(units)), "seed-1")
    assert [u.tier for u in a] == sorted(u.tier for u in a)
    assert [u.key for u in a] != [u.key for u in rules.draw_order(units, "seed-2")]


def test_assign_seats_keeps_siblings_together_and_never_overfills():
    units = [rules.Unit("a", 1, (1, 2, 3)), rules.Unit("b", 1, (4,)), rules.Unit("c", 2, (5, 6)), rules.Unit("d", 3, (7,))]
    placed, waiting = rules.assign_seats(units, {10: 2, 11: 3})
    assert placed == {"a": 11, "b": 10, "d": 10}
    assert [u.key for u in waiting] == ["c"]


def test_bill_with_partial_exemption_on_care_fee_only():
    b = rules.bill(10, Decimal("20"), 10, Decimal("12"), exemption_percent=50)
    assert (b.care_fee, b.lunch_fee, b.exemption, b.total) == (Decimal("200.00"), Decimal("120.00"), Decimal("100.00"), Decimal("220.00"))
    assert rules.bill(10, Decimal("20"), 0, Decimal("12"), 100).total == Decimal("0.00")


def test_late_pickup_and_missing_times():
    tz = dt.timezone(dt.timedelta(hours=8))
    assert not rules.is_late_pickup(dt.datetime(2027, 1, 18, 17, 45, tzinfo=tz), dt.time(17, 30), 15)
    assert rules.is_late_pickup(dt.datetime(2027, 1, 18, 17, 46, tzinfo=tz), dt.time(17, 30), 15)
    assert not rules.is_missing(dt.datetime(2027, 1, 18, 9, 0, tzinfo=tz), dt.time(8, 30))
    assert rules.is_missing(dt.datetime(2027, 1, 18, 9, 1, tzinfo=tz), dt.time(8, 30))
