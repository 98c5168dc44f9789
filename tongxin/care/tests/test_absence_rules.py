"""The absence deadlines (控辍保学, P-21…P-25) with fixed dates: a week in calendar days and in school days, over
weekends, month and year ends and the National Day holiday; the reason, persuasion and written report deadlines;
the case's stages; the register's days; the publicity months. Pure functions: no database."""

import datetime as dt

import pytest

from tongxin.care import absence_rules as rules
from tongxin.care.absence_choices import Recipient, Stage

D = dt.date
F = rules.CaseFacts
# National Day 2026: 10-01…10-07 off, Saturday 10-10 a working day (调休).
NATIONAL_DAY = {**{D(2026, 10, d): False for d in range(1, 8)}, D(2026, 10, 10): True}
SCHOOL_WEEK = rules.Deadlines(week_days=5, school_days=True)


@pytest.mark.parametrize("opened, over", [
    (D(2026, 11, 30), D(2026, 12, 7)),  # Monday → the next Monday
    (D(2026, 11, 27), D(2026, 12, 4)),  # across the month's end
    (D(2026, 12, 28), D(2027, 1, 4)),  # across the year's end
    (D(2026, 12, 25), D(2027, 1, 1)),  # a Friday: a calendar week ends on a holiday all the same
    (D(2028, 2, 25), D(2028, 3, 3)),  # a leap February
])
def test_more_than_a_week_is_seven_calendar_days_later_by_default(opened, over):
    assert rules.over_week_on(opened) == over


@pytest.mark.parametrize("opened, over", [
    (D(2026, 11, 30), D(2026, 12, 7)),  # Mon-Fri are the five school days; the sixth is the next Monday
    (D(2026, 12, 4), D(2026, 12, 11)),  # from a Friday: Fri, Mon…Thu; the sixth is the next Friday
    (D(2026, 12, 30), D(2027, 1, 6)),  # across the year's end (no holiday in the exceptions given)
    (D(2026, 9, 30), D(2026, 10, 13)),  # 9-30, 10-08, 10-09, Saturday 10-10 (调休), 10-12; the sixth 10-13
])
def test_a_week_counted_in_school_days_skips_weekends_and_holidays(opened, over):
    assert rules.over_week_on(opened, SCHOOL_WEEK, NATIONAL_DAY) == over


def test_the_calendar_week_ignores_the_holiday_calendar():
    assert rules.over_week_on(D(2026, 9, 30), rules.DEFAULTS, NATIONAL_DAY) == D(2026, 10, 7)


@pytest.mark.parametrize("opened, due", [
    (D(2026, 12, 31), D(2027, 1, 1)), (D(2026, 2, 28), D(2026, 3, 1)), (D(2028, 2, 28), D(2028, 2, 29)),
    (D(2026, 12, 4), D(2026, 12, 5)),  # a Friday's absence: the reason by Saturday (a phone call)
])
def test_the_reason_is_due_the_day_after_the_first_absence(opened, due):
    assert rules.cause_due(opened) == due


def test_persuasion_is_due_three_days_after_the_week_and_the_report_three_days_after_failing():
    assert rules.persuasion_due(D(2026, 12, 28)) == D(2027, 1, 7)
    assert rules.persuasion_due(D(2026, 9, 30), SCHOOL_WEEK, NATIONAL_DAY) == D(2026, 10, 16)
    assert rules.report_due(D(2026, 12, 30)) == D(2027, 1, 2)
    assert rules.report_due(D(2026, 2, 27), rules.Deadlines(report_days=2)) == D(2026, 3, 1)


def test_a_new_case_is_absent_with_the_reason_due():
    s = rules.case_state(F(D(2026, 11, 30)), D(2026, 11, 30))
    assert (s.stage, s.days, s.overdue) == (Stage.ABSENT, 1, ())
    assert s.due == (("了解缺课原因", D(2026, 12, 1)),)  # persuasion only once the week is over
    assert (s.over_week_on, s.stage_label) == (D(2026, 12, 7), "缺课待查明")
    found = rules.case_state(F(D(2026, 11, 30), cause_on=D(2026, 11, 30)), D(2026, 11, 30))
    assert (found.stage, found.stage_label, found.due) == (Stage.ABSENT, "已了解原因，未返校", ())


def test_the_reason_not_found_by_the_day_after_is_overdue():
    assert rules.case_state(F(D(2026, 11, 30)), D(2026, 12, 1)).overdue == ()
    assert rules.case_state(F(D(2026, 11, 30)), D(2026, 12, 2)).overdue == ("应于12月1日前了解缺课原因",)
    found = F(D(2026, 11, 30), cause_on=D(2026, 12, 1))
    assert rules.case_state(found, D(2026, 12, 2)).overdue == ()


def test_over_a_week_persuasion_is_due_then_overdue_unless_recorded():
    found = F(D(2026, 11, 30), cause_on=D(2026, 11, 30))
    assert rules.case_state(found, D(2026, 12, 6)).stage == Stage.ABSENT
    s = rules.case_state(found, D(2026, 12, 7))
    assert (s.stage, s.days, s.overdue, s.due) == (Stage.PERSUADE, 8, (), (("组织劝返", D(2026, 12, 10)),))
    assert rules.case_state(found, D(2026, 12, 10)).overdue == ()
    assert rules.case_state(found, D(2026, 12, 11)).overdue == ("缺课已超过一周，应于12月10日前组织劝返",)
    persuaded = F(D(2026, 11, 30), cause_on=D(2026, 11, 30), persuasions=(D(2026, 12, 8),))
    assert rules.case_state(persuaded, D(2026, 12, 11)).overdue == ()
    # A persuasion dated after the day asked about has not happened yet on that day.
    later = F(D(2026, 11, 30), cause_on=D(2026, 11, 30), persuasions=(D(2026, 12, 12),))
    assert rules.case_state(later, D(2026, 12, 11)).overdue == ("缺课已超过一周，应于12月10日前组织劝返",)


def test_both_overdue_across_the_years_end():
    s = rules.case_state(F(D(2026, 12, 28)), D(2027, 1, 8))
    assert s.overdue == ("应于12月29日前了解缺课原因", "缺课已超过一周，应于1月7日前组织劝返")
    assert s.days == 12


def test_failed_persuasion_waits_for_the_written_report_at_both_recipients():
    base = dict(opened_on=D(2026, 11, 2), cause_on=D(2026, 11, 3), persuasions=(D(2026, 11, 9),),
                failed_on=D(2026, 11, 30))
    s = rules.case_state(F(**base), D(2026, 12, 3))
    assert (s.stage, s.overdue) == (Stage.FAILED, ())
    assert s.due == (("书面报告送达乡镇教育管理中心和乡镇人民政府", D(2026, 12, 3)),)
    s = rules.case_state(F(**base, delivered=frozenset({Recipient.EDU_CENTRE})), D(2026, 12, 4))
    assert s.overdue == ("书面报告应于12月3日前送达乡镇人民政府",)
    s = rules.case_state(F(**base, delivered=frozenset(Recipient.values)), D(2026, 12, 4))
    assert (s.stage, s.overdue, s.due) == (Stage.REPORTED, (), ())


def test_a_closed_case_counts_its_days_to_the_closing_and_has_nothing_due():
    s = rules.case_state(F(D(2026, 11, 30), closed_on=D(2026, 12, 2)), D(2026, 12, 20))
    assert (s.stage, s.days, s.overdue, s.due, s.open) == (Stage.CLOSED, 3, (), (), False)
    # Closed after the day asked about: still open on it.
    assert rules.case_state(F(D(2026, 11, 30), closed_on=D(2026, 12, 2)), D(2026, 12, 1)).open


def test_a_countys_own_deadlines_change_the_answers():
    d = rules.Deadlines(cause_days=0, week_days=10, persuade_days=1)
    s = rules.case_state(F(D(2026, 11, 30)), D(2026, 12, 1), d)
    assert s.overdue == ("应于11月30日前了解缺课原因",)
    assert rules.over_week_on(D(2026, 11, 30), d) == D(2026, 12, 10)
    assert rules.persuasion_due(D(2026, 11, 30), d) == D(2026, 12, 11)


@pytest.mark.parametrize("day, today, problem", [
    (D(2026, 12, 4), D(2026, 12, 4), ""),
    (D(2026, 12, 7), D(2026, 12, 4), "不能为以后的日期点名"),
    (D(2026, 11, 26), D(2026, 12, 4), "只能补登或更正 7 天内的点名"),
    (D(2026, 11, 27), D(2026, 12, 4), ""),
    (D(2026, 12, 5), D(2026, 12, 7), "12月5日不是上课日（周末或节假日），不用点名"),
    (D(2026, 10, 5), D(2026, 10, 9), "10月5日不是上课日（周末或节假日），不用点名"),
    (D(2026, 10, 10), D(2026, 10, 12), ""),  # a Saturday made a working day
    (D(2026, 12, 31), D(2027, 1, 4), ""),
])
def test_a_register_is_for_a_school_day_within_the_last_week(day, today, problem):
    assert rules.register_day_problem(day, today, rules.DEFAULTS, NATIONAL_DAY) == problem


@pytest.mark.parametrize("month, publicity", [(1, False), (2, True), (3, False), (7, False), (8, True), (9, False)])
def test_february_and_august_are_the_publicity_months(month, publicity):
    assert rules.is_publicity_month(D(2027, month, 15)) is publicity
    assert rules.is_publicity_month(D(2027, month, 15), rules.Deadlines(publicity_months=(3,))) is (month == 3)


def test_a_registers_tally():
    assert rules.tally(40, ["sick", "unexplained", "sick"]) == {
        "roster": 40, "present": 37, "absent": 3, "sick": 2, "personal": 0, "unexplained": 1, "other": 0}
