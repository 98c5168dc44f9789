"""The care line's pure rules with fixed dates: no database."""

import dataclasses
import datetime as dt

import pytest

from tongxin.care import rules
from tongxin.care.choices import Category, Dimension, HelperRole, Level, Party, Problem, RecordKind, Window
from tongxin.care.rules import ChildFacts, ParentFacts, Record

D = dt.date
ON = D(2026, 6, 15)
CHILD_BORN = D(2016, 4, 10)  # ten on ON
AWAY_MARCH = ParentFacts(away=True, away_since=D(2026, 3, 1))  # away 3 months and a fortnight on ON
AWAY_MAY = ParentFacts(away=True, away_since=D(2026, 5, 1))  # away a month and a half on ON
HOME = ParentFacts()


def child(**kw):
    return ChildFacts(birth_date=kw.pop("birth_date", CHILD_BORN), **kw)


# ---------------------------------------------------------------------------------------------------------------
# Windows


def test_iso_week_across_the_year_end_runs_monday_to_sunday():
    for day in (D(2025, 12, 29), D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 4)):
        assert rules.window_of(Window.WEEK, day) == (D(2025, 12, 29), D(2026, 1, 4))
    assert rules.window_of(Window.WEEK, D(2026, 1, 5)) == (D(2026, 1, 5), D(2026, 1, 11))


def test_month_window_ends_on_the_months_last_day():
    assert rules.window_of(Window.MONTH, D(2026, 4, 30)) == (D(2026, 4, 1), D(2026, 4, 30))
    assert rules.window_of(Window.MONTH, D(2025, 12, 1)) == (D(2025, 12, 1), D(2025, 12, 31))


def test_month_window_in_february_of_a_leap_year_includes_the_leap_day():
    assert rules.window_of(Window.MONTH, D(2028, 2, 29)) == (D(2028, 2, 1), D(2028, 2, 29))
    assert rules.window_of(Window.MONTH, D(2027, 2, 10)) == (D(2027, 2, 1), D(2027, 2, 28))


def test_two_month_windows_are_aligned_pairs_across_the_year_end():
    assert rules.window_of(Window.TWO_MONTHS, D(2025, 11, 1)) == (D(2025, 11, 1), D(2025, 12, 31))
    assert rules.window_of(Window.TWO_MONTHS, D(2025, 12, 31)) == (D(2025, 11, 1), D(2025, 12, 31))
    assert rules.window_of(Window.TWO_MONTHS, D(2026, 1, 1)) == (D(2026, 1, 1), D(2026, 2, 28))
    assert rules.window_of(Window.TWO_MONTHS, D(2026, 2, 28)) == (D(2026, 1, 1), D(2026, 2, 28))
    assert rules.window_of(Window.TWO_MONTHS, D(2026, 4, 30)) == (D(2026, 3, 1), D(2026, 4, 30))


def test_two_month_window_jan_feb_of_a_leap_year_ends_on_the_leap_day():
    assert rules.window_of(Window.TWO_MONTHS, D(2028, 2, 29)) == (D(2028, 1, 1), D(2028, 2, 29))


def test_autumn_term_crosses_the_new_year_and_ends_the_day_before_spring():
    autumn = (D(2025, 9, 1), D(2026, 1, 31))
    for day in (D(2025, 9, 1), D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 31)):
        assert rules.window_of(Window.TERM, day) == autumn
    assert rules.window_of(Window.TERM, D(2026, 2, 1)) == (D(2026, 2, 1), D(2026, 8, 31))
    assert rules.window_of(Window.TERM, D(2026, 8, 31)) == (D(2026, 2, 1), D(2026, 8, 31))


def test_term_follows_the_given_term_starts():
    starts = ((2, 20), (9, 1))
    assert rules.window_of(Window.TERM, D(2026, 2, 10), term_starts=starts) == (D(2025, 9, 1), D(2026, 2, 19))
    assert rules.window_of(Window.TERM, D(2026, 2, 20), term_starts=starts) == (D(2026, 2, 20), D(2026, 8, 31))


def test_spring_term_of_a_leap_year_spans_the_leap_day():
    assert rules.window_of(Window.TERM, D(2028, 2, 29)) == (D(2028, 2, 1), D(2028, 8, 31))


@pytest.mark.parametrize("starts", [(), ((2, 29),), ((13, 1),), ((4, 31), (9, 1))])
def test_invalid_term_starts_are_refused_in_chinese(starts):
    with pytest.raises(ValueError, match="学期开始日期"):
        rules.window_of(Window.TERM, ON, term_starts=starts)


def test_school_year_runs_september_first_to_august_thirty_first():
    assert rules.window_of(Window.SCHOOL_YEAR, D(2025, 9, 1)) == (D(2025, 9, 1), D(2026, 8, 31))
    assert rules.window_of(Window.SCHOOL_YEAR, D(2026, 1, 1)) == (D(2025, 9, 1), D(2026, 8, 31))
    assert rules.window_of(Window.SCHOOL_YEAR, D(2026, 8, 31)) == (D(2025, 9, 1), D(2026, 8, 31))
    assert rules.window_of(Window.SCHOOL_YEAR, D(2026, 9, 1)) == (D(2026, 9, 1), D(2027, 8, 31))


def test_window_accepts_the_stored_string_value():
    assert rules.window_of("month", D(2026, 6, 15)) == (D(2026, 6, 1), D(2026, 6, 30))


def test_unknown_window_is_refused_in_chinese():
    with pytest.raises(ValueError, match="未知的统计周期：fortnight"):
        rules.window_of("fortnight", D(2026, 6, 15))


# ---------------------------------------------------------------------------------------------------------------
# Assessment schedule (P-14)


def test_assessment_is_due_in_march_for_an_older_file():
    due = rules.assessment_due(on=D(2026, 3, 10), added=D(2025, 5, 6), assessed=[D(2025, 9, 12)])
    assert due == rules.AssessmentDue(D(2026, 3, 1), D(2026, 3, 31), "due", "3月例行评估")


def test_assessment_is_due_in_september_for_an_older_file():
    due = rules.assessment_due(on=D(2026, 9, 1), added=D(2025, 5, 6), assessed=[D(2026, 3, 12)])
    assert due == rules.AssessmentDue(D(2026, 9, 1), D(2026, 9, 30), "due", "9月例行评估")


def test_assessment_in_the_round_month_is_done():
    due = rules.assessment_due(on=D(2026, 3, 31), added=D(2025, 5, 6), assessed=[D(2026, 3, 31)])
    assert due.state == "done"
    assert due.state_label == "已评估"


def test_assessment_turns_overdue_the_day_after_the_round_month_and_stays_so_until_september():
    kw = dict(added=D(2025, 5, 6), assessed=[D(2025, 9, 12)])
    assert rules.assessment_due(on=D(2026, 3, 31), **kw).state == "due"
    late = rules.assessment_due(on=D(2026, 4, 1), **kw)
    assert (late.state, late.window_start, late.deadline) == ("overdue", D(2026, 3, 1), D(2026, 3, 31))
    assert rules.assessment_due(on=D(2026, 8, 31), **kw).state == "overdue"
    assert rules.assessment_due(on=D(2026, 9, 1), **kw).state == "due"


def test_late_assessment_clears_overdue():
    due = rules.assessment_due(on=D(2026, 5, 20), added=D(2025, 5, 6), assessed=[D(2026, 5, 8)])
    assert (due.window_start, due.state) == (D(2026, 3, 1), "done")


def test_assessment_dated_after_the_query_day_does_not_count():
    due = rules.assessment_due(on=D(2026, 3, 10), added=D(2025, 5, 6), assessed=[D(2026, 3, 20)])
    assert due.state == "due"


def test_assessment_before_the_window_does_not_count():
    due = rules.assessment_due(on=D(2026, 3, 10), added=D(2025, 5, 6), assessed=[D(2026, 2, 28)])
    assert due.state == "due"


def test_file_added_mid_month_is_due_that_month():
    due = rules.assessment_due(on=D(2026, 5, 20), added=D(2026, 5, 18), assessed=[])
    assert due == rules.AssessmentDue(D(2026, 5, 1), D(2026, 5, 31), "due", "新增对象当月评估")


def test_file_added_mid_month_is_overdue_the_next_month_then_done_when_assessed():
    assert rules.assessment_due(on=D(2026, 6, 1), added=D(2026, 5, 18), assessed=[]).state == "overdue"
    assert rules.assessment_due(on=D(2026, 6, 3), added=D(2026, 5, 18), assessed=[D(2026, 6, 2)]).state == "done"


def test_added_files_assessment_counts_from_the_first_of_its_month():
    due = rules.assessment_due(on=D(2026, 5, 20), added=D(2026, 5, 18), assessed=[D(2026, 5, 2)])
    assert due.state == "done"


def test_window_moves_from_the_added_month_into_the_next_round_month():
    kw = dict(added=D(2026, 8, 10), assessed=[D(2026, 8, 12)])
    assert rules.assessment_due(on=D(2026, 8, 31), **kw).state == "done"
    september = rules.assessment_due(on=D(2026, 9, 1), **kw)
    assert september == rules.AssessmentDue(D(2026, 9, 1), D(2026, 9, 30), "due", "9月例行评估")


def test_file_added_in_a_round_month_owes_the_routine_assessment():
    due = rules.assessment_due(on=D(2026, 3, 20), added=D(2026, 3, 18), assessed=[])
    assert (due.window_start, due.reason) == (D(2026, 3, 1), "3月例行评估")


def test_round_window_of_january_is_last_septembers():
    due = rules.assessment_due(on=D(2026, 1, 15), added=D(2025, 5, 6), assessed=[D(2025, 9, 3)])
    assert (due.window_start, due.state) == (D(2025, 9, 1), "done")


def test_query_before_the_file_was_added_is_refused():
    with pytest.raises(ValueError, match="早于建档日期"):
        rules.assessment_due(on=D(2026, 5, 1), added=D(2026, 5, 2), assessed=[])


def test_assessment_follows_other_round_months():
    due = rules.assessment_due(on=D(2026, 7, 4), added=D(2025, 1, 6), assessed=[], months=(1, 7))
    assert (due.window_start, due.reason) == (D(2026, 7, 1), "7月例行评估")


def test_next_round_is_the_first_of_the_next_round_month():
    assert rules.next_round(D(2026, 2, 28)) == D(2026, 3, 1)
    assert rules.next_round(D(2026, 3, 1)) == D(2026, 9, 1)
    assert rules.next_round(D(2026, 3, 31)) == D(2026, 9, 1)
    assert rules.next_round(D(2026, 9, 30)) == D(2027, 3, 1)
    assert rules.next_round(D(2026, 12, 31)) == D(2027, 3, 1)


@pytest.mark.parametrize("months", [(), (0,), (3, 13)])
def test_invalid_round_months_are_refused(months):
    with pytest.raises(ValueError, match="评估月份"):
        rules.next_round(ON, months)


# ---------------------------------------------------------------------------------------------------------------
# Classification (P-01, P-02)


def test_both_parents_away_three_months_make_a_left_behind_child():
    c = rules.classify(child(father=AWAY_MARCH, mother=ParentFacts(away=True, away_since=D(2026, 3, 15))), ON)
    assert c.category == Category.LEFT_BEHIND
    assert c.applies == {Category.LEFT_BEHIND}
    assert c.reasons == ("父母双方外出务工满3个月（父亲自2026年3月，母亲自2026年3月）",)


def test_one_parent_away_and_the_other_incapable_is_left_behind():
    c = rules.classify(child(father=AWAY_MARCH, mother=ParentFacts(capable=False)), ON)
    assert c.category == Category.LEFT_BEHIND
    assert c.reasons == ("父亲外出务工满3个月（自2026年3月），母亲无监护能力",)


def test_one_parent_away_and_the_other_deceased_is_left_behind():
    c = rules.classify(child(father=ParentFacts(deceased=True), mother=AWAY_MARCH), ON)
    assert c.category == Category.LEFT_BEHIND
    assert c.reasons == ("母亲外出务工满3个月（自2026年3月），父亲已故",)


def test_one_parent_away_and_the_other_missing_is_left_behind():
    c = rules.classify(child(father=AWAY_MARCH, mother=ParentFacts(missing=True)), ON)
    assert c.applies == {Category.LEFT_BEHIND}
    assert c.reasons == ("父亲外出务工满3个月（自2026年3月），母亲下落不明",)


def test_one_parent_away_and_the_other_at_home_is_not_left_behind():
    c = rules.classify(child(father=AWAY_MARCH, mother=HOME), ON)
    assert (c.category, c.applies, c.reasons) == (Category.NONE, frozenset(), ())


def test_one_parent_away_and_the_other_unrecorded_is_not_left_behind():
    assert rules.classify(child(father=AWAY_MARCH), ON).category == Category.NONE


def test_parents_away_under_three_months_are_not_yet_left_behind_and_noted():
    c = rules.classify(child(father=AWAY_MARCH, mother=AWAY_MAY), ON)
    assert c.category == Category.NONE
    assert c.notes == ("母亲外出务工未满3个月（自2026年5月）",)


def test_three_calendar_months_count_from_the_day_away():
    facts = child(father=AWAY_MAY, mother=AWAY_MAY)
    assert rules.classify(facts, D(2026, 7, 31)).category == Category.NONE
    assert rules.classify(facts, D(2026, 8, 1)).category == Category.LEFT_BEHIND


def test_three_months_from_a_months_end_end_on_the_shorter_months_last_day():
    away = ParentFacts(away=True, away_since=D(2025, 11, 30))
    facts = child(father=away, mother=away)
    assert rules.classify(facts, D(2026, 2, 27)).category == Category.NONE
    assert rules.classify(facts, D(2026, 2, 28)).category == Category.LEFT_BEHIND


def test_the_months_away_threshold_can_be_set():
    c = rules.classify(child(father=AWAY_MAY, mother=AWAY_MAY), ON, months_away=1)
    assert c.reasons == ("父母双方外出务工满1个月（父亲自2026年5月，母亲自2026年5月）",)


def test_parent_away_with_no_start_date_counts_as_long_enough_and_says_so():
    c = rules.classify(child(father=ParentFacts(away=True), mother=AWAY_MARCH), ON)
    assert c.category == Category.LEFT_BEHIND
    assert c.reasons == ("父母双方外出务工满3个月（父亲外出时间未登记，母亲自2026年3月）",)


def test_child_is_left_behind_the_day_before_the_sixteenth_birthday_and_not_on_it():
    facts = child(birth_date=D(2010, 6, 15), father=AWAY_MARCH, mother=AWAY_MARCH)
    assert rules.classify(facts, D(2026, 6, 14)).category == Category.LEFT_BEHIND
    on_birthday = rules.classify(facts, D(2026, 6, 15))
    assert on_birthday.category == Category.NONE
    assert on_birthday.notes[0].startswith("已满16周岁，不再按留守儿童统计")


def test_child_born_on_a_leap_day_turns_sixteen_on_the_first_of_march():
    facts = child(birth_date=D(2012, 2, 29), father=AWAY_MARCH, mother=AWAY_MARCH)
    assert rules.classify(facts, D(2028, 2, 28)).category == Category.LEFT_BEHIND
    assert rules.classify(facts, D(2028, 2, 29)).category == Category.NONE
    assert rules.age_on(D(2012, 2, 29), D(2027, 2, 28)) == 14
    assert rules.age_on(D(2012, 2, 29), D(2027, 3, 1)) == 15


def test_deceased_or_missing_parent_is_not_counted_as_away():
    unable = ParentFacts(capable=False)
    for gone in (
        ParentFacts(away=True, away_since=D(2025, 1, 1), deceased=True),
        ParentFacts(away=True, away_since=D(2025, 1, 1), missing=True),
    ):
        c = rules.classify(child(father=gone, mother=unable), ON)
        assert (c.category, c.applies) == (Category.VULNERABLE, {Category.VULNERABLE})


def test_orphan_is_vulnerable():
    c = rules.classify(child(father=ParentFacts(deceased=True), mother=ParentFacts(deceased=True)), ON)
    assert c.category == Category.VULNERABLE
    assert c.reasons == ("孤儿（父母双方均已故）",)


def test_de_facto_unsupported_child_is_vulnerable_and_not_also_called_orphan():
    c = rules.classify(child(father=ParentFacts(deceased=True), mother=ParentFacts(missing=True)), ON)
    assert c.category == Category.VULNERABLE
    assert c.reasons == ("事实无人抚养（父亲已故，母亲下落不明）",)


def test_both_parents_incapable_is_de_facto_unsupported():
    unable = ParentFacts(capable=False)
    c = rules.classify(child(father=unable, mother=unable), ON)
    assert c.reasons == ("事实无人抚养（父亲无监护能力，母亲无监护能力）",)


@pytest.mark.parametrize(
    "flag, reason",
    [
        ("seriously_ill", "患重病"),
        ("disabled", "残疾"),
        ("low_income", "低保家庭"),
        ("extreme_poverty", "特困家庭"),
        ("single_parent", "单亲家庭"),
    ],
)
def test_each_hardship_makes_a_vulnerable_child(flag, reason):
    c = rules.classify(child(**{flag: True}), ON)
    assert (c.category, c.applies, c.reasons) == (Category.VULNERABLE, {Category.VULNERABLE}, (reason,))


def test_migrant_child_lacking_care_is_migrant():
    c = rules.classify(child(migrant=True, migrant_lacks_care=True), ON)
    assert (c.category, c.reasons) == (Category.MIGRANT, ("随父母进城务工、缺乏照料",))


def test_migrant_child_with_care_is_not_covered():
    assert rules.classify(child(migrant=True), ON).category == Category.NONE


def test_several_categories_at_once_keep_every_reason_in_order_and_left_behind_first():
    facts = child(
        father=AWAY_MARCH,
        mother=ParentFacts(capable=False),
        single_parent=True,
        disabled=True,
        low_income=True,
        migrant=True,
        migrant_lacks_care=True,
    )
    c = rules.classify(facts, ON)
    assert c.category == Category.LEFT_BEHIND
    assert c.applies == {Category.LEFT_BEHIND, Category.VULNERABLE, Category.MIGRANT}
    assert c.reasons == (
        "父亲外出务工满3个月（自2026年3月），母亲无监护能力",
        "残疾",
        "低保家庭",
        "单亲家庭",
        "随父母进城务工、缺乏照料",
    )


def test_vulnerable_comes_before_migrant():
    c = rules.classify(child(extreme_poverty=True, migrant=True, migrant_lacks_care=True), ON)
    assert c.category == Category.VULNERABLE
    assert c.applies == {Category.VULNERABLE, Category.MIGRANT}


def test_child_with_nothing_recorded_is_not_covered():
    c = rules.classify(child(father=HOME, mother=HOME), ON)
    assert c == rules.Classification(Category.NONE, frozenset(), (), ())


# ---------------------------------------------------------------------------------------------------------------
# Risk level (P-15)


def scores(**kw):
    return {d: kw.get(d.name.lower(), 0) for d in Dimension}


def test_all_zero_scores_are_low_risk():
    assert rules.risk_level(scores()) == (Level.LOW, ("各项均低于中度，总分低于3分",))


def test_total_of_two_with_no_single_moderate_score_is_low():
    level, reasons = rules.risk_level(scores(study=1, living=1))
    assert level == Level.LOW
    assert reasons[:2] == ("生活：轻度（1分）", "学习：轻度（1分）")


def test_one_moderate_score_is_medium():
    assert rules.risk_level(scores(safety=2)) == (Level.MEDIUM, ("安全：中度（2分）", "单项达到中度"))


def test_total_of_three_is_medium():
    level, reasons = rules.risk_level(scores(guardianship=1, living=1, health=1))
    assert level == Level.MEDIUM
    assert reasons[-1] == "总分3分及以上"


def test_one_severe_score_is_high():
    assert rules.risk_level(scores(guardianship=3)) == (Level.HIGH, ("监护：重度（3分）", "单项达到重度"))


def test_total_of_seven_without_a_severe_score_is_high():
    level, reasons = rules.risk_level(scores(guardianship=2, living=2, study=2, safety=1))
    assert level == Level.HIGH
    assert reasons[-1] == "总分7分及以上"


def test_total_of_six_with_moderate_scores_is_medium():
    level, reasons = rules.risk_level(scores(guardianship=2, living=2, study=2))
    assert level == Level.MEDIUM
    assert reasons[-2:] == ("单项达到中度", "总分3分及以上")


def test_both_high_rules_are_named_when_both_hold():
    level, reasons = rules.risk_level(scores(guardianship=3, living=3, study=1))
    assert level == Level.HIGH
    assert reasons[-2:] == ("单项达到重度", "总分7分及以上")


def test_problems_are_listed_after_the_scores_in_a_stable_order():
    level, reasons = rules.risk_level(scores(health=2), [Problem.BEHAVIOUR, Problem.MIND, Problem.MIND])
    assert reasons == ("身心健康：中度（2分）", "心理失衡", "行为失范", "单项达到中度")


def test_scale_thresholds_can_be_set():
    scale = rules.RiskScale(high_if_any=3, high_total=5, medium_if_any=3, medium_total=5)
    assert rules.risk_level(scores(safety=2), scale=scale)[0] == Level.LOW
    assert rules.risk_level(scores(safety=2, study=2, living=1), scale=scale)[0] == Level.HIGH


def test_scores_keyed_by_the_stored_string_values_are_accepted():
    assert rules.risk_level({d.value: 0 for d in Dimension})[0] == Level.LOW


def test_missing_dimension_is_refused_in_chinese():
    partial = scores()
    del partial[Dimension.STUDY]
    del partial[Dimension.HEALTH]
    with pytest.raises(ValueError, match="以下维度未评分：学习、身心健康"):
        rules.risk_level(partial)


@pytest.mark.parametrize("bad", [-1, 4, 1.5, "2", True, None])
def test_score_outside_zero_to_three_is_refused_in_chinese(bad):
    with pytest.raises(ValueError, match="安全的评分须为0至3的整数"):
        rules.risk_level({**scores(), Dimension.SAFETY: bad})


def test_unknown_dimension_is_refused():
    with pytest.raises(ValueError, match="未知的评估维度：mood"):
        rules.risk_level({**scores(), "mood": 1})


def test_unknown_problem_is_refused():
    with pytest.raises(ValueError, match="未知的问题类型：lonely"):
        rules.risk_level(scores(), ["lonely"])


# ---------------------------------------------------------------------------------------------------------------
# Contact rules (P-31, P-33, P-34, P-37, P-43)

RULES = {rule.key: rule for rule in rules.DEFAULT_RULES}
WEEKLY_TWO = RULES["p31_week"]  # two contacts with the child a week
MONTHLY_PARENTS = RULES["p31_month"]  # two contacts a month with parents, subject teachers or carer


def test_default_rule_keys_are_unique():
    assert len(RULES) == len(rules.DEFAULT_RULES)


def test_default_rules_name_their_sources():
    sources = {key: rule.source for key, rule in RULES.items()}
    assert sources == {
        "p31_week": "P-31",
        "p31_month": "P-31",
        "p31_visits": "P-31",
        "p43_talk": "P-43",
        "p44_talk": "P-44",
        "p33_school": "P-33",
        "p33_call": "P-33、P-34",
        "p33_weekend": "P-33",
        "p33_supplies": "P-33",
        "p33_skill": "P-33",
        "p37_week": "P-37（种子未规定频次，平台默认）",
        "p37_visit": "P-37（种子未规定频次，平台默认）",
    }


def test_three_twos_are_the_seeds_frequencies():
    visits = RULES["p31_visits"]
    assert (WEEKLY_TWO.count, WEEKLY_TWO.window, WEEKLY_TWO.parties) == (2, Window.WEEK, {Party.CHILD})
    assert WEEKLY_TWO.kinds == {RecordKind.TALK, RecordKind.CONTACT, RecordKind.HOMEWORK}
    assert (MONTHLY_PARENTS.count, MONTHLY_PARENTS.window) == (2, Window.MONTH)
    assert MONTHLY_PARENTS.parties == {Party.PARENT, Party.CARER, Party.SUBJECT_TEACHER}
    assert (visits.count, visits.window, visits.kinds) == (2, Window.TWO_MONTHS, {RecordKind.HOME_VISIT})
    assert all(RULES[k].name.startswith("三个二：") for k in ("p31_week", "p31_month", "p31_visits"))


def test_volunteers_five_ones_cover_month_term_and_school_year():
    windows = {k: (RULES[k].window, RULES[k].kinds) for k in RULES if k.startswith("p33_")}
    assert windows == {
        "p33_school": (Window.MONTH, {RecordKind.SCHOOL_CHECK}),
        "p33_call": (Window.MONTH, {RecordKind.TALK, RecordKind.CONTACT, RecordKind.LETTER}),
        "p33_weekend": (Window.TERM, {RecordKind.ACTIVITY}),
        "p33_supplies": (Window.TERM, {RecordKind.SUPPLIES}),
        "p33_skill": (Window.SCHOOL_YEAR, {RecordKind.SKILL}),
    }
    assert "至少每月联系一次" in RULES["p33_call"].name


def picked(helper, level, categories):
    return [r.key for r in rules.DEFAULT_RULES if rules.applies(r, helper=helper, level=level, categories=categories)]


LEFT = frozenset({Category.LEFT_BEHIND})
VULN = frozenset({Category.VULNERABLE})


def test_proxy_parent_of_a_left_behind_child_owes_the_three_twos():
    assert picked(HelperRole.PROXY_PARENT, Level.LOW, LEFT) == ["p31_week", "p31_month", "p31_visits"]
    assert picked(HelperRole.PROXY_PARENT, None, LEFT | VULN) == ["p31_week", "p31_month", "p31_visits"]


def test_proxy_parent_of_a_child_not_left_behind_owes_no_default_rule():
    assert picked(HelperRole.PROXY_PARENT, Level.HIGH, VULN) == []


def test_class_teacher_owes_the_monthly_talk_to_left_behind_pupils_only():
    assert picked(HelperRole.CLASS_TEACHER, Level.MEDIUM, LEFT) == ["p43_talk"]
    assert picked(HelperRole.CLASS_TEACHER, Level.MEDIUM, frozenset()) == []


def test_subject_teacher_owes_the_monthly_talk_to_left_behind_pupils_only():
    assert picked(HelperRole.SUBJECT_TEACHER, None, LEFT) == ["p44_talk"]
    assert picked(HelperRole.SUBJECT_TEACHER, Level.HIGH, LEFT | VULN) == ["p44_talk"]
    assert picked(HelperRole.SUBJECT_TEACHER, Level.HIGH, VULN) == []
    talk = RULES["p44_talk"]
    assert (talk.count, talk.window, talk.kinds, talk.parties) == (1, Window.MONTH, {RecordKind.TALK}, {Party.CHILD})


def test_volunteer_owes_the_five_ones_whatever_the_category_or_level():
    five = ["p33_school", "p33_call", "p33_weekend", "p33_supplies", "p33_skill"]
    assert picked(HelperRole.VOLUNTEER, None, frozenset()) == five
    assert picked(HelperRole.VOLUNTEER, Level.HIGH, VULN) == five


def test_key_case_rules_bind_only_for_high_risk():
    assert picked(HelperRole.KEY_CASE, Level.HIGH, VULN) == ["p37_week", "p37_visit"]
    assert picked(HelperRole.KEY_CASE, Level.MEDIUM, LEFT) == []
    assert picked(HelperRole.KEY_CASE, None, LEFT) == []


def talks(*days, party=Party.CHILD, kind=RecordKind.TALK):
    return [Record(day, kind, party) for day in days]


def test_rule_status_counts_this_weeks_records_and_the_last_weeks_shortfall():
    records = talks(D(2026, 6, 9), D(2026, 6, 15), D(2026, 6, 16))
    status = rules.rule_status(WEEKLY_TWO, records, D(2026, 6, 17))
    assert (status.start, status.end) == (D(2026, 6, 15), D(2026, 6, 21))
    assert (status.done, status.needed, status.state, status.short) == (2, 2, "done", 0)
    assert (status.last_start, status.last_end, status.last_done, status.missed_last) == (
        D(2026, 6, 8),
        D(2026, 6, 14),
        1,
        1,
    )
    assert status.binding


def test_short_window_still_open_is_due():
    status = rules.rule_status(WEEKLY_TWO, talks(D(2026, 6, 15)), D(2026, 6, 17))
    assert (status.done, status.state, status.short, status.state_label) == (1, "due", 1, "未完成")


def test_records_after_the_query_day_are_not_counted():
    status = rules.rule_status(WEEKLY_TWO, talks(D(2026, 6, 15), D(2026, 6, 18)), D(2026, 6, 17))
    assert (status.done, status.state) == (1, "due")


def test_records_of_other_kinds_are_not_counted():
    records = talks(D(2026, 6, 15), D(2026, 6, 16), kind=RecordKind.HOME_VISIT)
    assert rules.rule_status(WEEKLY_TWO, records, D(2026, 6, 17)).done == 0


def test_parties_filter_which_contacts_count():
    records = (
        talks(D(2026, 6, 2), party=Party.PARENT)
        + talks(D(2026, 6, 3), party=Party.CHILD)
        + talks(D(2026, 6, 4), party=Party.SUBJECT_TEACHER, kind=RecordKind.CONTACT)
    )
    assert rules.rule_status(MONTHLY_PARENTS, records, D(2026, 6, 30)).done == 2
    assert rules.rule_status(WEEKLY_TWO, records, D(2026, 6, 5)).done == 1


def test_rule_without_parties_counts_any_party():
    visits = RULES["p31_visits"]
    records = talks(D(2026, 5, 3), party=Party.CARER, kind=RecordKind.HOME_VISIT) + talks(
        D(2026, 6, 3), party=Party.PARENT, kind=RecordKind.HOME_VISIT
    )
    status = rules.rule_status(visits, records, D(2026, 6, 10))
    assert (status.start, status.end, status.done, status.state) == (D(2026, 5, 1), D(2026, 6, 30), 2, "done")


def test_window_already_running_when_the_duty_began_is_not_binding_nor_is_the_one_before():
    status = rules.rule_status(WEEKLY_TWO, [], D(2026, 6, 19), since=D(2026, 6, 17))
    assert (status.binding, status.state, status.done) == (False, "due", 0)
    assert (status.missed_last, status.last_start, status.last_end) == (0, None, None)


def test_window_starting_on_the_duty_day_is_binding():
    status = rules.rule_status(WEEKLY_TWO, [], D(2026, 6, 15), since=D(2026, 6, 15))
    assert status.binding
    assert status.missed_last == 0 and status.last_start is None


def test_first_full_window_after_the_duty_began_counts_as_missed_once_over():
    status = rules.rule_status(WEEKLY_TWO, talks(D(2026, 6, 16)), D(2026, 6, 23), since=D(2026, 6, 15))
    assert (status.start, status.binding, status.done) == (D(2026, 6, 22), True, 0)
    assert (status.last_start, status.last_end, status.last_done, status.missed_last) == (
        D(2026, 6, 15),
        D(2026, 6, 21),
        1,
        1,
    )


def test_missed_last_across_the_year_end_week():
    status = rules.rule_status(WEEKLY_TWO, talks(D(2025, 12, 29)), D(2026, 1, 5))
    assert (status.last_start, status.last_end, status.missed_last) == (D(2025, 12, 29), D(2026, 1, 4), 1)


def test_missed_last_two_months_from_january_looks_at_november_and_december():
    status = rules.rule_status(RULES["p31_visits"], talks(D(2025, 11, 20), kind=RecordKind.HOME_VISIT), D(2026, 1, 2))
    assert (status.last_start, status.last_end, status.missed_last) == (D(2025, 11, 1), D(2025, 12, 31), 1)


def test_term_rule_in_january_counts_the_autumn_term_since_september():
    status = rules.rule_status(RULES["p33_supplies"], talks(D(2025, 10, 8), kind=RecordKind.SUPPLIES), D(2026, 1, 20))
    assert (status.start, status.end, status.done, status.state) == (D(2025, 9, 1), D(2026, 1, 31), 1, "done")
    assert (status.last_start, status.last_end, status.missed_last) == (D(2025, 2, 1), D(2025, 8, 31), 1)


def test_compliance_reports_every_rule_in_order_over_the_same_records():
    five = [r for r in rules.DEFAULT_RULES if r.helper == HelperRole.VOLUNTEER]
    records = iter(
        [
            Record(D(2026, 6, 3), RecordKind.LETTER),
            Record(D(2026, 6, 4), RecordKind.SCHOOL_CHECK, Party.SUBJECT_TEACHER),
            Record(D(2026, 3, 8), RecordKind.ACTIVITY),
        ]
    )
    statuses = rules.compliance(five, records, D(2026, 6, 10), since=D(2026, 2, 1))
    assert [(s.rule.key, s.done, s.state) for s in statuses] == [
        ("p33_school", 1, "done"),
        ("p33_call", 1, "done"),
        ("p33_weekend", 1, "done"),
        ("p33_supplies", 0, "due"),
        ("p33_skill", 0, "due"),
    ]
    assert [s.binding for s in statuses] == [True, True, True, True, False]
    assert statuses[0].missed_last == 1  # no school check in May


def test_a_default_rule_keeps_its_name_and_a_changed_one_names_its_own_count_and_period():
    for rule in rules.DEFAULT_RULES:
        assert rule.title == rule.name
        assert rule.key in rules.RULE_SUBJECTS
        changed = dataclasses.replace(rule, count=rule.count + 1)
        assert changed.title == f"{rules.RULE_SUBJECTS[rule.key]}（{rule.window.label}{rule.count + 1}次）"
    own = rules.ContactRule(key="x", name="每周家访", helper=HelperRole.VOLUNTEER, kinds=frozenset({RecordKind.HOME_VISIT}),
                            count=1, window=Window.WEEK)
    assert own.title == "每周家访（每周1次）"


# ---------------------------------------------------------------------------------------------------------------
# The subject teacher's monthly talk (P-44) at month ends and the year end

SUBJECT_TALK = RULES["p44_talk"]


def test_a_talk_on_the_months_last_day_meets_that_month_and_not_the_next():
    on_31 = rules.rule_status(SUBJECT_TALK, talks(D(2027, 1, 31)), D(2027, 1, 31))
    assert (on_31.start, on_31.end, on_31.done, on_31.state) == (D(2027, 1, 1), D(2027, 1, 31), 1, "done")
    next_day = rules.rule_status(SUBJECT_TALK, talks(D(2027, 1, 31)), D(2027, 2, 1))
    assert (next_day.start, next_day.end, next_day.done, next_day.state) == (D(2027, 2, 1), D(2027, 2, 28), 0, "due")
    assert (next_day.last_start, next_day.last_end, next_day.last_done, next_day.missed_last) == (
        D(2027, 1, 1), D(2027, 1, 31), 1, 0)


def test_a_talk_on_the_leap_day_counts_for_february_and_march_looks_back_on_it():
    status = rules.rule_status(SUBJECT_TALK, talks(D(2028, 2, 29)), D(2028, 3, 1))
    assert (status.last_start, status.last_end, status.missed_last) == (D(2028, 2, 1), D(2028, 2, 29), 0)
    assert rules.rule_status(SUBJECT_TALK, talks(D(2028, 2, 28)), D(2028, 2, 29)).state == "done"


def test_decembers_talk_is_missed_in_january_unless_held_by_new_years_eve():
    missed = rules.rule_status(SUBJECT_TALK, talks(D(2026, 11, 30), D(2027, 1, 1)), D(2027, 1, 4))
    assert (missed.start, missed.done, missed.state) == (D(2027, 1, 1), 1, "done")
    assert (missed.last_start, missed.last_end, missed.last_done, missed.missed_last) == (
        D(2026, 12, 1), D(2026, 12, 31), 0, 1)
    held = rules.rule_status(SUBJECT_TALK, talks(D(2026, 12, 31)), D(2027, 1, 4))
    assert (held.done, held.state, held.missed_last) == (0, "due", 0)


def test_only_a_talk_with_the_pupil_counts_and_a_second_talk_adds_nothing_owed():
    records = (talks(D(2026, 12, 2), kind=RecordKind.CONTACT) + talks(D(2026, 12, 3), party=Party.PARENT)
               + talks(D(2026, 12, 4), kind=RecordKind.HOMEWORK))
    assert rules.rule_status(SUBJECT_TALK, records, D(2026, 12, 31)).done == 0
    two = rules.rule_status(SUBJECT_TALK, talks(D(2026, 12, 2), D(2026, 12, 20)), D(2026, 12, 31))
    assert (two.done, two.short, two.state) == (2, 0, "done")


def test_a_pupil_assigned_mid_month_owes_the_first_talk_in_the_next_full_month():
    since = D(2026, 11, 15)
    december = rules.rule_status(SUBJECT_TALK, [], D(2026, 12, 3), since=since)
    assert december.binding and (december.missed_last, december.last_start) == (0, None)  # November was already running
    november = rules.rule_status(SUBJECT_TALK, [], D(2026, 11, 30), since=since)
    assert not november.binding and november.state == "due"
    january = rules.rule_status(SUBJECT_TALK, [], D(2027, 1, 2), since=since)
    assert (january.last_start, january.missed_last) == (D(2026, 12, 1), 1)


def test_compliance_counts_the_subject_teachers_talk_as_rule_status_does():
    records = talks(D(2026, 10, 9), D(2026, 12, 1))
    on = D(2026, 12, 1)
    [status] = rules.compliance([SUBJECT_TALK], iter(records), on, since=D(2026, 9, 1))
    assert status == rules.rule_status(SUBJECT_TALK, records, on, since=D(2026, 9, 1))
    assert (status.done, status.state, status.missed_last) == (1, "done", 1)  # nothing in November
