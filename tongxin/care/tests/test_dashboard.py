"""The care dashboard's figures against counts made here from the raw rows, its Excel export, who opens it."""

import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from tongxin.care import rules
from tongxin.care.choices import Category, Level
from tongxin.care.models import CareFile, HandoverList, MandatoryReport
from tongxin.care.report_choices import EventKind
from tongxin.care.selectors import dashboard as sel
from tongxin.people.models import Child

ON = dt.date(2026, 12, 4)
NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def _section(found, key):
    return next(s for s in found.sections if s.key == key)


def test_categories_and_levels_count_every_file_of_the_county(demo_user):
    found = sel.dashboard(demo_user("county_civil"), now=NOW, on=ON)
    table = {row[0]: row[1:] for row in _section(found, "categories").rows}
    for cat in (Category.LEFT_BEHIND, Category.VULNERABLE, Category.MIGRANT):
        files = CareFile.objects.filter(category=cat, child__family__community__isnull=False)
        assert table[cat.label][:3] == [files.filter(level=lv).count() for lv in (Level.HIGH, Level.MEDIUM, Level.LOW)]
        assert table[cat.label][4] == files.count()
    assert table["合计"][4] == found.files


def test_filing_counts_flagged_children_with_a_file(demo_user):
    found = sel.dashboard(demo_user("county_civil"), now=NOW, on=ON)
    flagged = Child.objects.filter(care_status__in=["left_behind", "vulnerable"], family__community__isnull=False)
    filed = flagged.filter(care_file__isnull=False).exclude(care_file__category=Category.NONE)
    row = _section(found, "filing").rows[0]
    assert row[1:3] == [filed.count(), flagged.count()]


def test_enrolment_is_left_behind_children_of_school_age_at_school(demo_user):
    found = sel.dashboard(demo_user("county_civil"), now=NOW, on=ON)
    files = CareFile.objects.filter(category=Category.LEFT_BEHIND, child__family__community__isnull=False
                                    ).select_related("child")
    of_age = [f.child for f in files if 6 <= rules.age_on(f.child.birth_date, ON) <= 15]
    enrolled = [c for c in of_age if c.school_id]
    rows = _section(found, "enrolment").rows
    assert rows[0][1] == len(of_age) and rows[1][1] == len(enrolled)


def test_open_reports_are_bucketed_by_age(demo_user):
    found = sel.dashboard(demo_user("county_civil"), now=timezone.now(), on=timezone.localdate())
    open_reports = MandatoryReport.objects.exclude(events__kind=EventKind.CLOSED)
    rows = _section(found, "reports").rows
    assert sum(r[1] for r in rows) == open_reports.count()
    waiting = open_reports.exclude(events__kind=EventKind.RECEIVED).count()
    assert sum(r[2] for r in rows) == waiting


def test_handover_figures_are_the_latest_holidays_lists(demo_user):
    found = sel.dashboard(demo_user("county_civil"), now=NOW, on=ON)
    rows = dict((r[0], r[1]) for r in _section(found, "handovers").rows)
    latest = HandoverList.objects.order_by("-round__holiday_start").first().round
    lists = HandoverList.objects.filter(round__holiday=latest.holiday, round__year=latest.year).exclude(child_ids=[])
    assert rows["交接名单"] == lists.count()
    assert rows["已接收"] == lists.filter(received_at__isnull=False).count()


def test_the_export_has_a_sheet_per_section_with_the_same_rows(login):
    response = login("township").get(reverse("care:dashboard_xlsx"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 9
    sheet = book[book.sheetnames[0]]
    cells = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == "按类别和风险等级"
    assert cells[cells.index("类别") + 1:] == ["留守儿童", "困境儿童", "流动儿童", "合计"]


def test_dropout_cases_by_stage_match_the_cases(demo_user):
    from tongxin.care.models import DropoutCase
    from tongxin.care.selectors import absence

    user = demo_user("county_edu")
    found = sel.dashboard(user, now=NOW, on=ON)
    rows = _section(found, "dropout").rows
    cases = list(DropoutCase.objects.filter(absence.case_q(user)))
    assert sum(r[1] for r in rows) == len(cases) and len(cases) > 0
    states = absence.case_states(cases, ON)
    assert dict((r[0], r[1]) for r in rows)["已结案"] == sum(not st.open for st in states.values())
