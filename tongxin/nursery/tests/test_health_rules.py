"""The health rules as pure functions: the vaccination schedule's overdue doses, the admission refusal (entry check,
vaccinations, three months away), the certificates' year."""

import datetime as dt
from decimal import Decimal

from tongxin.nursery import rules_health as rh

BIRTH = dt.date(2026, 1, 15)


def _all_given(until_months: int) -> list[tuple[str, int, dt.date]]:
    return [(d.vaccine, d.number, rh.add_months(BIRTH, d.months)) for d in rh.SCHEDULE if d.months <= until_months]


def test_the_schedule_has_the_national_programmes_doses_to_three():
    counts = {v: sum(1 for d in rh.SCHEDULE if d.vaccine == v) for v in rh.VACCINES}
    assert (counts["hepb"], counts["bcg"], counts["dtap"], counts["mmr"], counts["je"], counts["mena"]) == (
        3, 1, 4, 2, 2, 2)
    assert [d.months for d in rh.SCHEDULE if d.vaccine == "hepb"] == [0, 1, 6]


def test_a_dose_becomes_overdue_only_after_its_month_of_grace():
    given = _all_given(5)  # everything to 5 months; hepb 3 and mena 1 fall due at 6 months
    six = rh.add_months(BIRTH, 6)
    assert rh.vaccination_gaps(rh.SCHEDULE, given, six + dt.timedelta(days=20), birth=BIRTH) == []
    gaps = rh.vaccination_gaps(rh.SCHEDULE, given, rh.add_months(BIRTH, 7), birth=BIRTH)
    assert [g.label for g in gaps] == ["乙肝疫苗第3剂", "A群流脑多糖疫苗第1剂"]


def test_a_dose_given_after_the_day_asked_about_does_not_count():
    given = _all_given(6)
    on = rh.add_months(BIRTH, 7)
    late = [(v, n, on + dt.timedelta(days=1)) if (v, n) == ("hepb", 3) else (v, n, d) for v, n, d in given]
    assert [g.label for g in rh.vaccination_gaps(rh.SCHEDULE, late, on, birth=BIRTH)] == ["乙肝疫苗第3剂"]


def test_without_a_passed_entry_check_a_child_is_refused():
    on = dt.date(2027, 3, 1)
    assert "入托体检" in rh.health_refusal(checks=[], gaps=[], last_present=None, on=on)
    assert "入托体检" in rh.health_refusal(checks=[(dt.date(2027, 2, 1), False)], gaps=[], last_present=None, on=on)
    assert rh.health_refusal(checks=[(dt.date(2027, 2, 1), True)], gaps=[], last_present=None, on=on) is None


def test_a_check_dated_after_the_day_does_not_count():
    assert rh.health_refusal(checks=[(dt.date(2027, 3, 2), True)], gaps=[], last_present=None,
                             on=dt.date(2027, 3, 1)) is not None


def test_an_overdue_dose_refuses_admission_with_its_name():
    gaps = rh.vaccination_gaps(rh.SCHEDULE, [], rh.add_months(BIRTH, 2), birth=BIRTH)
    refusal = rh.health_refusal(checks=[(BIRTH, True)], gaps=gaps, last_present=None, on=rh.add_months(BIRTH, 2))
    assert refusal == "该幼儿有逾期未接种的疫苗（乙肝疫苗第1剂、卡介苗、乙肝疫苗第2剂），请补种并登记后再入托"


def test_with_no_dose_recorded_the_family_is_asked_for_the_certificate():
    gaps = rh.vaccination_gaps(rh.SCHEDULE, [], rh.add_months(BIRTH, 2), birth=BIRTH)
    refusal = rh.health_refusal(checks=[(BIRTH, True)], gaps=gaps, last_present=None, on=rh.add_months(BIRTH, 2),
                                doses_recorded=False)
    assert refusal == "尚未登记该幼儿的预防接种证，请携带接种证到园登记后再入托"


def test_three_months_away_needs_a_recheck_after_the_last_day_in_care():
    last = dt.date(2026, 11, 30)
    checks = [(dt.date(2026, 6, 1), True)]
    # two months and 30 days away: still returns
    assert rh.health_refusal(checks=checks, gaps=[], last_present=last, on=dt.date(2027, 2, 28)) is None
    refusal = rh.health_refusal(checks=checks, gaps=[], last_present=last, on=dt.date(2027, 3, 1))
    assert refusal is not None and "须重新体检" in refusal and "11月30日" in refusal
    rechecked = checks + [(dt.date(2027, 2, 20), True)]
    assert rh.health_refusal(checks=rechecked, gaps=[], last_present=last, on=dt.date(2027, 3, 1)) is None


def test_the_away_months_are_data():
    last, on = dt.date(2026, 12, 31), dt.date(2027, 2, 28)
    checks = [(dt.date(2026, 6, 1), True)]
    assert rh.health_refusal(checks=checks, gaps=[], last_present=last, on=on) is None
    assert rh.health_refusal(checks=checks, gaps=[], last_present=last, on=on, away_months=1) is not None


def test_a_certificate_is_valid_a_year_to_the_day_before():
    issued = dt.date(2026, 3, 1)
    assert rh.certificate_valid_until(issued) == dt.date(2027, 2, 28)
    assert rh.certificate_current([issued], dt.date(2027, 2, 28)) == dt.date(2027, 2, 28)
    assert rh.certificate_current([issued], dt.date(2027, 3, 1)) is None
    assert rh.certificate_current([issued], dt.date(2026, 2, 28)) is None


def test_a_temperature_is_abnormal_from_37_3():
    assert not rh.temperature_abnormal(Decimal("37.2"))
    assert rh.temperature_abnormal(Decimal("37.3"))
    assert not rh.temperature_abnormal(None)


def test_a_child_without_an_entry_check_and_with_overdue_vaccines_is_told_both():
    gaps = rh.vaccination_gaps(rh.SCHEDULE, [], rh.add_months(BIRTH, 2), birth=BIRTH)
    refusal = rh.health_refusal(checks=[], gaps=gaps, last_present=None, on=rh.add_months(BIRTH, 2))
    assert "入托体检" in refusal and "逾期未接种" in refusal
