"""Report figures add up: applicants in 人, each once; per tier and in total; attendance with its basis; the
county table in the exporter's own name."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tongxin.custody import selectors
from tongxin.custody.models import Application, Programme

pytestmark = pytest.mark.django_db
SUMMER = "青溪县实验小学2026年暑期托管"


def test_applicants_equal_the_sum_of_outcomes_in_total_and_in_every_tier():
    s = selectors.programme_summary(Programme.objects.get(name=SUMMER))
    assert s.applicants == sum(s.outcomes.values()) == 210
    for t in s.by_tier:
        assert t["applied"] == t["placed"] + t["waiting"] + t["pending"] + t["rejected"] + t["withdrawn"]
    assert sum(t["applied"] for t in s.by_tier) == s.applicants
    assert sum(t["waiting"] for t in s.by_tier) == s.waiting_children
    assert sum(t["placed"] for t in s.by_tier) == s.placed_children


def test_a_child_placed_in_one_period_and_waiting_in_another_counts_as_placed_once():
    programme = Programme.objects.get(name=SUMMER)
    s = selectors.programme_summary(programme)
    placed_apps = Application.objects.filter(programme=programme, state=Application.State.PLACED).count()
    assert s.placed_children == placed_apps
    assert sum(p["waiting"] for p in s.periods) >= s.waiting_children  # per period: 人次 across periods


def test_attendance_counts_only_days_up_to_the_cut_off():
    programme = Programme.objects.get(name=SUMMER)
    before = selectors.programme_summary(programme, upto=dt.date(2026, 7, 5))
    assert before.expected == 0 and before.attendance_rate is None
    after = selectors.programme_summary(programme, upto=dt.date(2026, 9, 1))
    assert after.expected > 0 and 80 < after.attendance_rate <= 100
    assert after.attended + after.absent_days <= after.expected


def test_report_page_states_how_the_figures_add_up_and_truncates_no_tier(login):
    programme = Programme.objects.get(name=SUMMER)
    page = login("leader").get(f"/custody/p/{programme.pk}/report/").text
    s = selectors.programme_summary(programme)
    assert f"报名 {s.applicants} 人 = 已安置 {s.placed_children} + 候补中 {s.waiting_children}" in page
    assert "优先保..." not in page and "…" not in page
    assert ">优先保障<" in page


def test_county_table_is_exported_in_the_exporters_name(login):
    response = login("township").get("/custody/county.xlsx")
    sheet = load_workbook(BytesIO(response.content))["托管汇总"]
    assert sheet["A1"].value.startswith("城关镇") and "城关镇人民政府" in sheet["A2"].value
    response = login("county_edu").get("/custody/county.xlsx")
    sheet = load_workbook(BytesIO(response.content))["托管汇总"]
    assert sheet["A1"].value.startswith("青溪县") and "青溪县教育局" in sheet["A2"].value


def test_the_running_after_school_programme_reports_its_attendance_so_far():
    autumn = Programme.objects.get(name="青溪县实验小学2026年秋季课后托管")
    s = selectors.programme_summary(autumn)
    assert s.expected > 0 and 85 < s.attendance_rate < 100
    assert s.attended + s.absent_days == s.expected  # every past custody day of every placed child is recorded
