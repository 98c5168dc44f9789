"""The WHO tables as shipped and the z-scores, centiles and alerts computed from them (no database)."""

import datetime as dt

import pytest

from tongxin.nursery import rules_growth as G

D = dt.date(2027, 3, 1)


def test_boys_weight_median_at_birth_is_the_published_3_3464_kg():
    assert G.lms_at(G.WEIGHT, "M", 0).M == 3.3464


def test_boys_weight_median_at_twelve_months_is_the_published_9_6479_kg():
    assert G.lms_at(G.WEIGHT, "M", 12).M == 9.6479


def test_girls_height_median_at_24_months_is_the_published_85_7153_cm_standing():
    assert G.lms_at(G.HEIGHT, "F", 24).M == 85.7153


def test_just_before_24_months_a_girl_is_read_against_the_length_table():
    assert 85.5 < G.lms_at(G.HEIGHT, "F", 23.99).M < 86.5


def test_the_tables_cover_every_month_to_36_for_both_sexes():
    for sex in ("M", "F"):
        assert sorted(G.table(G.WEIGHT, sex)) == list(range(37))
        assert sorted(G.table(G.HEIGHT, sex)) == list(range(25))
        assert sorted(G.table(G.HEIGHT, sex, standing=True)) == list(range(24, 37))


def test_the_data_files_are_declared_package_data():
    import tomllib
    from pathlib import Path
    conf = tomllib.loads((Path(__file__).resolve().parents[3] / "pyproject.toml").read_text())
    assert "data/**/*.csv" in conf["tool"]["setuptools"]["package-data"]["*"]


@pytest.mark.parametrize(("z", "published"), [(-3, 6.9), (-2, 7.7), (0, 9.6), (2, 12.0), (3, 13.3)])
def test_boys_weight_at_twelve_months_matches_the_published_sd_table(z, published):
    assert round(G.value_at_z(G.lms_at(G.WEIGHT, "M", 12), z), 1) == published


@pytest.mark.parametrize(("z", "published"), [(-2, 79.3), (0, 85.7), (2, 92.2)])
def test_girls_height_at_24_months_matches_the_published_sd_table(z, published):
    assert round(G.value_at_z(G.lms_at(G.HEIGHT, "F", 24), z), 1) == published


def test_the_median_scores_zero():
    assert G.zscore(9.6479, G.lms_at(G.WEIGHT, "M", 12)) == pytest.approx(0)


def test_a_weight_beyond_plus_3_sd_is_measured_in_the_width_of_the_2_to_3_sd_band():
    lms = G.lms_at(G.WEIGHT, "M", 12)
    sd2, sd3 = G.value_at_z(lms, 2), G.value_at_z(lms, 3)
    assert G.zscore(sd3 + (sd3 - sd2), lms, restricted=True) == pytest.approx(4)


def test_a_weight_below_minus_3_sd_is_measured_in_the_width_of_the_2_to_3_sd_band():
    lms = G.lms_at(G.WEIGHT, "F", 6)
    sd2, sd3 = G.value_at_z(lms, -2), G.value_at_z(lms, -3)
    assert G.zscore(sd3 - (sd2 - sd3) / 2, lms, restricted=True) == pytest.approx(-3.5)


def test_within_3_sd_the_restricted_score_is_the_plain_one():
    lms = G.lms_at(G.WEIGHT, "F", 6)
    assert G.zscore(8.5, lms, restricted=True) == G.zscore(8.5, lms)


def test_centiles_of_the_major_lines():
    assert [round(G.centile(G.centile_z(c))) for c in G.MAJOR_CENTILES] == [3, 15, 50, 85, 97]
    assert G.centile(0) == pytest.approx(50)


def test_no_score_beyond_36_months():
    assert G.measure_z(G.WEIGHT, "M", dt.date(2020, 1, 1), D, 15.0) is None


def test_the_centile_lines_run_month_by_month_and_in_order():
    lines = G.centile_lines(G.WEIGHT, "F")
    assert len(lines[50]) == 37
    assert all(lines[3][m][1] < lines[15][m][1] < lines[50][m][1] < lines[85][m][1] < lines[97][m][1]
               for m in range(37))


def _p(days_ago: int, z: float) -> G.Point:
    return G.Point(D - dt.timedelta(days=days_ago), z)


def test_crossing_two_lines_downward_is_an_alert():
    found = G.alerts(G.WEIGHT, [_p(60, 0.3), _p(0, -1.2)])
    assert [a.kind for a in found] == ["down"]


def test_crossing_one_line_is_not_an_alert():
    assert G.alerts(G.WEIGHT, [_p(60, 0.3), _p(0, -0.5)]) == []


def test_crossing_two_lines_upward_is_an_alert():
    assert [a.kind for a in G.alerts(G.HEIGHT, [_p(90, -1.2), _p(30, -0.2), _p(0, 0.2)])] == ["up"]


def test_a_crossing_older_than_the_lookback_is_not_an_alert():
    assert G.alerts(G.WEIGHT, [_p(200, 0.3), _p(0, -1.2)]) == []


def test_below_the_3rd_centile_is_an_alert():
    assert [a.kind for a in G.alerts(G.WEIGHT, [_p(0, -2.0)])] == ["low"]


def test_the_thresholds_are_data():
    strict = G.GrowthThresholds(lines_crossed=1)
    assert [a.kind for a in G.alerts(G.WEIGHT, [_p(60, 0.3), _p(0, -0.5)], strict)] == ["down"]


def test_lines_between_counts_with_a_sign():
    assert G.lines_between(0.3, -1.2) == -2
    assert G.lines_between(-1.2, 0.3) == 2


def test_figures_no_child_could_have_are_refused():
    assert len(G.check_measurement(height_cm=10, weight_kg=90)) == 2
    assert G.check_measurement(height_cm=75, weight_kg=9.5) == []
