"""The county page at scale: the database sums the snapshots by township, the township table and the programmes
are paged, the totals are those of every programme on every page, and the export still lists every row."""

import re
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tongxin.custody import services
from tongxin.custody.models import FiguresSnapshot, Programme
from tongxin.custody.selectors import reports
from tongxin.custody.tests.test_report_queries import _cells, _grow, _queries, decrypted  # noqa: F401, F811 (a fixture)
from tongxin.custody.views.reports import PAGE_SIZE

pytestmark = pytest.mark.django_db
SUMMED = ("programmes", "applicants", "placed", "waiting", "special_placed", "attended", "expected", "staff_hours",
          "fee_total", "exemption", "incidents", "evaluations")


def _many(demo_user, empty: int = PAGE_SIZE) -> None:
    """Programmes in several townships, some with figures, and enough empty ones for a second page."""
    _grow(demo_user("leader"), programmes=3)
    school = Programme.objects.exclude(school=None).values_list("school", flat=True).first()
    Programme.objects.bulk_create([Programme(name=f"空项目{n}", school_id=school, created_by=demo_user("leader"))
                                   for n in range(empty)])


def _yesterday():
    return timezone.localdate() - timezone.timedelta(days=1)


def _totals(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<div class="stat"><b>(.*?)</b>', html, re.S)]


def _all_rows(client, pages: int) -> list[list[str]]:
    return [row for n in range(1, pages + 1) for row in _cells(client.get(f"/custody/county/?page={n}").text, "county")]


@pytest.mark.parametrize("snapshots", [False, True], ids=["live", "snapshots"])
def test_county_page_two_shows_the_next_programmes_and_every_page_the_same_totals(login, demo_user, snapshots):
    _many(demo_user)
    if snapshots:
        services.refresh_figures(upto=_yesterday())
    client = login("county_edu")
    first, second = client.get("/custody/county/").text, client.get("/custody/county/?page=2").text
    rows = _all_rows(client, 2)
    assert len(_cells(first, "county")) == PAGE_SIZE and rows[:PAGE_SIZE] == _cells(first, "county")
    assert rows[PAGE_SIZE:] == _cells(second, "county") and len(rows) == Programme.objects.count()
    assert len({r[2] for r in rows}) == len(rows)  # no programme twice
    assert _totals(first) == _totals(second) == _totals(client.get("/custody/county/?page=2&tpage=2").text)
    assert _totals(first)[:2] == [str(len(rows)), str(sum(int(r[4]) for r in rows))]  # programmes, applicants
    assert _cells(first, "townships")[-1] == _cells(second, "townships")[-1]  # the total row under the townships


@pytest.mark.parametrize("snapshots", [False, True], ids=["live", "snapshots"])
def test_county_page_totals_equal_the_sums_of_every_programme_and_township(demo_user, snapshots):
    _many(demo_user)
    if snapshots:
        services.refresh_figures(upto=_yesterday())
        Programme.objects.filter(name="空项目0").update(name="空项目0（无快照）")
        FiguresSnapshot.objects.filter(programme__name="空项目0（无快照）").delete()  # one computed live
    user = demo_user("county_edu")
    page, every = reports.area_page(user), reports.area_overview(user)
    assert (page.as_of is None) == (not snapshots)
    for key in (*SUMMED, "rating_sum"):
        assert getattr(page.total, key) == pytest.approx(getattr(every.total, key)), key
    assert page.total.programmes == Programme.objects.count() == len(every.rows)
    assert page.total.applicants == sum(f.applicants for _, f in every.rows)
    assert page.total.fee_total == sum(f.fees["total"] for _, f in every.rows)
    towns = list(page.townships)
    assert [t.label for t in towns] == [t.label for t in every.townships] and len(towns) > 2
    for key in SUMMED:
        assert [getattr(t, key) for t in towns] == [getattr(t, key) for t in every.townships], key
        assert getattr(page.total, key) == sum(getattr(t, key) for t in towns), key
    rows = [(label, f.programme.pk, f.applicants, f.fees["total"]) for n in range(1, page.rows.paginator.num_pages + 1)
            for label, f in reports.area_page(user, page=n).rows]
    assert rows == [(label, f.programme.pk, f.applicants, f.fees["total"]) for label, f in every.rows]


def test_county_page_pages_the_township_table_with_the_total_under_every_page(login, demo_user, monkeypatch):
    _grow(demo_user("leader"), programmes=3)
    monkeypatch.setattr(reports, "TOWNSHIP_PAGE", 2)
    client = login("county_edu")
    every = reports.area_overview(demo_user("county_edu")).townships
    pages = -(-len(every) // 2)
    assert pages >= 2
    seen = []
    for n in range(1, pages + 1):
        html = client.get(f"/custody/county/?tpage={n}").text
        seen += _cells(html, "townships")[:-1]
        assert _cells(html, "townships")[-1][0] == "合计"
        assert f"第 {n} / {pages} 页" in html
    assert [r[0] for r in seen] == [t.label for t in every]
    assert sum(int(r[1]) for r in seen) == Programme.objects.count()  # programmes per township add up
    assert "tpage=2#townships" in client.get("/custody/county/").text


@pytest.mark.parametrize("bad", ["abc", "0", "-3", "1.5", "", "%00", "99999999999999999999999"])
def test_county_page_with_a_bad_page_number_shows_a_page_not_an_error(login, demo_user, bad):
    _many(demo_user)
    client = login("county_edu")
    first = _cells(client.get("/custody/county/").text, "county")
    last = _cells(client.get("/custody/county/?page=2").text, "county")
    for param in ("page", "tpage"):
        response = client.get(f"/custody/county/?{param}={bad}")
        assert response.status_code == 200
        assert _cells(response.text, "county") in ([first] if param == "tpage" or not bad.lstrip("-").isdigit()
                                                   or int(bad) < 1 else [last])


def test_county_page_reads_as_many_queries_from_snapshots_whatever_the_number_of_programmes(login, demo_user, decrypted):  # noqa: F811
    client = login("county_edu")
    services.refresh_figures(upto=_yesterday())
    before = _queries(client, "/custody/county/")
    _many(demo_user)
    services.refresh_figures(upto=_yesterday())
    assert _queries(client, "/custody/county/") == before <= 15
    assert _queries(client, "/custody/county/?page=2&tpage=2") == before
    FiguresSnapshot.objects.filter(programme__name="空项目3").delete()  # one computed live: still within 15
    assert _queries(client, "/custody/county/") <= 15
    assert decrypted["n"] == 0


def test_county_export_holds_every_programme_in_the_order_of_the_pages(login, demo_user):
    _many(demo_user)
    client = login("county_edu")
    rows = _all_rows(client, 2)
    wb = load_workbook(BytesIO(client.get("/custody/county.xlsx").content))
    exported = list(wb["托管汇总"].iter_rows(min_row=4, values_only=True))[:-1]
    assert len(exported) == len(rows) == Programme.objects.count() > PAGE_SIZE
    assert [(r[0], r[2], r[5]) for r in exported] == [(r[0], r[2], int(r[4])) for r in rows]


def test_county_export_puts_the_priority_placed_within_the_placed_and_leaves_an_unrated_programme_blank(login):
    wb = load_workbook(BytesIO(login("county_edu").get("/custody/county.xlsx").content))
    sheet = wb["托管汇总"]
    headers = next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))
    assert headers[6:9] == ("已安置（人）", "其中优先保障安置（人）", "候补中（人）")
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert all(r[7] <= r[6] for r in rows)
    unrated = [r for r in rows[:-1] if r[-1] in (None, "")]
    assert unrated and not any(r[-1] == 0 for r in rows[:-1])


def test_the_county_summary_reads_the_priority_placed_as_part_of_the_placed(login):
    page = login("county_edu").get("/custody/county/")
    t = page.context["o"].total
    assert f"已安置 {t.placed} 人次，其中优先保障对象 {t.special_placed} 人次；候补 {t.waiting} 人次" in page.content.decode()
    assert t.special_placed <= t.placed
