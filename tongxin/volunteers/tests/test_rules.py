import datetime as dt

from tongxin.volunteers import rules
from tongxin.volunteers.rules import CheckRow

ON = dt.date(2027, 1, 18)


def _inquiry(checked_on, valid_until, result="clear", kind="inquiry"):
    return CheckRow(kind, result, checked_on, valid_until)


def test_no_inquiry_is_a_refusal():
    assert rules.check_problem([], ON) == "没有入职查询记录"


def test_a_current_clear_inquiry_passes():
    assert rules.check_problem([_inquiry(dt.date(2026, 6, 1), dt.date(2029, 5, 31))], ON) is None


def test_an_expired_inquiry_names_the_day_it_ran_out():
    assert rules.check_problem([_inquiry(dt.date(2023, 6, 1), dt.date(2026, 5, 31))], ON) == "入职查询已于 2026-05-31 过期"


def test_an_inquiry_with_a_record_refuses_even_while_valid():
    problem = rules.check_problem([_inquiry(dt.date(2026, 6, 1), dt.date(2029, 5, 31), result="found")], ON)
    assert problem is not None and "不合格" in problem


def test_the_latest_inquiry_replaces_an_earlier_one():
    rows = [_inquiry(dt.date(2023, 6, 1), dt.date(2029, 5, 31)), _inquiry(dt.date(2026, 6, 1), dt.date(2029, 5, 31),
                                                                          result="found")]
    assert rules.check_problem(rows, ON) is not None


def test_an_inquiry_made_after_the_day_does_not_count_for_it():
    assert rules.check_problem([_inquiry(dt.date(2027, 2, 1), dt.date(2030, 1, 31))], ON) == "没有入职查询记录"


def test_health_is_asked_only_where_the_service_needs_it():
    rows = [_inquiry(dt.date(2026, 6, 1), dt.date(2029, 5, 31))]
    assert rules.check_problem(rows, ON) is None
    assert rules.check_problem(rows, ON, needs_health=True) == "没有健康检查记录"


def test_add_months_keeps_the_day_or_the_months_last():
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2026, 6, 1), 36) == dt.date(2029, 6, 1)


def test_an_in_service_teacher_must_name_the_school():
    assert rules.registration_problem(source="teacher", school_id=None, area_count=1) == "在职教师请选择任职学校"
