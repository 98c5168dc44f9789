"""The to-do API answers for any date, as the page does, and refuses a bad date with a Chinese 400."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tongxin.care.selectors.todo import todo_for
from tongxin.orgs.services import issue_api_token

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    _, key = issue_api_token(user, "test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_the_todo_api_gives_the_pages_duties_for_a_date_next_week(demo_user):
    teacher = demo_user("t431")
    day = timezone.localdate() + dt.timedelta(days=7)
    body = _client(teacher).get(f"/api/care/todo?on={day:%Y-%m-%d}").json()
    page = todo_for(teacher, day)
    assert body["on"] == f"{day:%Y-%m-%d}"
    assert [(d["file_id"], d["rule_key"], d["done"], d["needed"]) for d in body["duties"]] == [
        (d.file.file_id, d.status.rule.key, d.status.done, d.status.needed) for d in page.duties]
    assert body["duties"]


@pytest.mark.parametrize("value", ["2026-13-01", "abc", "0001-01-01", "9999-12-31"])
def test_a_bad_date_is_a_chinese_400(demo_user, value):
    response = _client(demo_user("teacher")).get(f"/api/care/todo?on={value}")
    assert response.status_code == 400 and not response.json()["detail"].isascii()
