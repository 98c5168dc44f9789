"""Figures computed ahead: the worker's snapshots give an area's overview the same figures as computing them
live, in fewer queries, and the page says when they were computed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongxin.custody import selectors, services
from tongxin.custody.models import Application, FiguresSnapshot, Programme
from tongxin.custody.tests.test_report_queries import _grow

pytestmark = pytest.mark.django_db
UPTO = dt.date(2026, 11, 20)


def _rows(overview):
    return [(label, f.programme.pk, selectors.figures_data(f)) for label, f in overview.rows]


def test_refresh_stores_one_snapshot_per_programme(demo_user):
    stored = services.refresh_figures(upto=UPTO)
    assert stored == Programme.objects.count()
    assert FiguresSnapshot.objects.filter(upto=UPTO).count() == stored


def test_overview_from_snapshots_equals_the_live_overview(demo_user):
    civil = demo_user("county_civil")
    _grow(demo_user("admin"), programmes=3)
    live = selectors.area_overview(civil, UPTO)
    services.refresh_figures(upto=UPTO)
    ahead = selectors.area_overview(civil, UPTO)
    assert live.as_of is None and ahead.as_of is not None
    assert _rows(ahead) == _rows(live)
    assert vars(ahead.total) == vars(live.total)
    assert [vars(t) for t in ahead.townships] == [vars(t) for t in live.townships]


def test_overview_reads_snapshots_in_fewer_queries(demo_user):
    civil = demo_user("county_civil")
    with CaptureQueriesContext(connection) as live:
        selectors.area_overview(civil, UPTO)
    services.refresh_figures(upto=UPTO)
    with CaptureQueriesContext(connection) as ahead:
        selectors.area_overview(civil, UPTO)
    assert len(ahead) < len(live)
    assert not any("custody_attendance" in q["sql"] for q in ahead.captured_queries)


def test_a_snapshot_of_another_day_is_not_used(demo_user):
    services.refresh_figures(upto=UPTO - dt.timedelta(days=1))
    overview = selectors.area_overview(demo_user("county_civil"), UPTO)
    assert overview.as_of is None


def test_a_programme_without_a_snapshot_is_computed_live(demo_user):
    services.refresh_figures(upto=UPTO)
    newest = Programme.objects.order_by("-pk").first()
    FiguresSnapshot.objects.filter(programme=newest).delete()
    overview = selectors.area_overview(demo_user("admin"), UPTO)
    live = {f.programme.pk: selectors.figures_data(f) for f in selectors.programme_figures([newest], UPTO)}
    shown = {f.programme.pk: selectors.figures_data(f) for _, f in overview.rows}
    assert shown[newest.pk] == live[newest.pk]


def test_figures_change_on_the_next_refresh(demo_user):
    civil = demo_user("county_civil")
    services.refresh_figures(upto=UPTO)
    before = selectors.area_overview(civil, UPTO).total.placed
    placed = Application.objects.filter(state=Application.State.PLACED).order_by("-created_at").first()
    Application.objects.filter(pk=placed.pk).update(state=Application.State.WITHDRAWN)
    assert selectors.area_overview(civil, UPTO).total.placed == before  # as of the last refresh
    services.refresh_figures(upto=UPTO)
    assert selectors.area_overview(civil, UPTO).total.placed == before - 1


def test_old_snapshots_are_dropped(demo_user):
    services.refresh_figures(upto=UPTO - dt.timedelta(days=30))
    services.refresh_figures(upto=UPTO)
    assert set(FiguresSnapshot.objects.values_list("upto", flat=True)) == {UPTO}


def test_county_page_says_when_the_figures_were_computed(login):
    services.refresh_figures()
    page = login("county_civil").get("/custody/county/").content.decode()
    assert 'id="as-of"' in page and "数据统计于" in page


def test_county_page_without_snapshots_says_nothing_of_when(login):
    page = login("county_civil").get("/custody/county/").content.decode()
    assert 'id="as-of"' not in page


def test_refresh_writes_one_audit_entry(demo_user):
    from tongxin.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    services.refresh_figures(upto=UPTO, now=timezone.now())
    assert AuditEntry.objects.count() == before + 1


NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # yesterday: 20 November


def test_figures_are_due_when_none_were_computed_up_to_yesterday():
    assert selectors.figures_due(NOW, 60)
    services.refresh_figures(upto=UPTO - dt.timedelta(days=1), now=NOW)
    assert selectors.figures_due(NOW, 60)


def test_figures_are_due_again_after_the_configured_minutes():
    services.refresh_figures(upto=UPTO, now=NOW)
    assert not selectors.figures_due(NOW + dt.timedelta(minutes=59), 60)
    assert selectors.figures_due(NOW + dt.timedelta(minutes=60), 60)
    assert not selectors.figures_due(NOW + dt.timedelta(minutes=60), 120)


def test_the_scheduled_command_refreshes_the_figures_when_due(settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("custody_scan", stdout=out)
    assert "个项目的汇总数据" in out.getvalue()
    assert FiguresSnapshot.objects.filter(upto=timezone.localdate() - dt.timedelta(days=1)).count() == Programme.objects.count()
    again = StringIO()
    call_command("custody_scan", stdout=again)
    assert "汇总数据" not in again.getvalue()
