"""成长档案 (P-53) whole: every record of the child on its own page, newest first, 50 a page, by kind, with the file
page's visibility (the records only for those who may read the file's notes) and its read audited."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.care.choices import RecordKind
from tongxin.care.models import CareFile, ContactRecord
from tongxin.orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def records(demo_user) -> CareFile:
    """A file of the demo teacher's class with 120 records: 100 talks and 20 home visits, one a day back from
    today."""
    teacher = demo_user("teacher")
    file = CareFile.objects.filter(child__school_class=RoleAssignment.objects.get(user=teacher).school_class
                                   ).order_by("pk").first()
    ContactRecord.objects.filter(child=file.child).delete()
    ContactRecord.objects.bulk_create([
        ContactRecord(child=file.child, by=teacher, kind=RecordKind.HOME_VISIT if i % 6 == 0 else RecordKind.TALK,
                      day=TODAY - dt.timedelta(days=i), summary=f"第{i}条记录") for i in range(120)])
    return file


def _summaries(html: str) -> list[str]:
    return re.findall(r"第(\d+)条记录", html)


def test_the_file_page_shows_the_latest_records_and_links_to_all_of_them(login, records):
    html = login("teacher").get(reverse("care:file", args=[records.pk])).content.decode()
    assert _summaries(html) == [str(i) for i in range(8)]
    assert f'href="{reverse("care:growth", args=[records.pk])}"' in html and "全部记录（120 条" in html


def test_the_growth_file_pages_fifty_records_newest_first(login, records):
    client = login("teacher")
    url = reverse("care:growth", args=[records.pk])
    first = client.get(url).content.decode()
    assert _summaries(first) == [str(i) for i in range(50)] and "第 1 / 3 页" in first
    last = client.get(url + "?page=3").content.decode()
    assert _summaries(last) == [str(i) for i in range(100, 120)]
    assert _summaries(client.get(url + "?page=99").content.decode()) == _summaries(last)  # past the end: the last


def test_the_growth_file_filters_by_kind_and_keeps_the_kind_across_pages(login, records):
    client = login("teacher")
    url = reverse("care:growth", args=[records.pk])
    visits = client.get(url + "?kind=home_visit").content.decode()
    assert _summaries(visits) == [str(i) for i in range(0, 120, 6)]
    assert "家访（20）" in visits and "谈心（100）" in visits and "全部（120）" in visits
    talks = client.get(url + "?kind=talk&page=2").content.decode()
    assert len(_summaries(talks)) == 50 and "?kind=talk&page=1" in talks
    assert "没有这类记录" in client.get(url + "?kind=letter").content.decode()


@pytest.mark.parametrize("query", ["?page=abc", "?page=0", "?page=" + "9" * 30, "?kind=fly", "?kind=%00",
                                   "?page=%00"])
def test_a_bad_query_is_a_400_in_chinese(login, records, query):
    response = login("teacher").get(reverse("care:growth", args=[records.pk]) + query)
    assert response.status_code == 400 and "查看全部记录" in response.content.decode()


def test_reading_the_growth_file_is_audited_and_records_only_for_who_may_read_notes(login, records):
    url = reverse("care:growth", args=[records.pk])
    login("teacher").get(url + "?page=2")
    entry = AuditEntry.objects.filter(action="view", target_type="care.CareFile",
                                      target_id=str(records.pk)).order_by("-pk").first()
    assert entry.fields == ["notes"] and "第2页" in entry.reason
    county = login("county_edu").get(url)
    assert county.status_code == 200 and _summaries(county.content.decode()) == []
    assert "只有这名儿童的帮扶人" in county.content.decode()
