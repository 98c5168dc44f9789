"""The registry's API: the list's audit of full ID numbers and its input checks."""

import pytest
from django.test import Client

from tongxin.audit.models import AuditEntry
from tongxin.orgs.services import issue_api_token
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(demo_user):
    def client_for(username):
        _, key = issue_api_token(demo_user(username), "test")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return client_for


def list_views(user):
    return AuditEntry.objects.filter(action="view", actor=user, target_type="people.Child", target_id="")


def test_county_civil_affairs_paging_full_ids_writes_one_audit_row_per_page(bearer, demo_user):
    civil = demo_user("county_civil")
    api = bearer("county_civil")
    first = api.get("/api/children", {"page_size": 20}).json()
    second = api.get("/api/children", {"page_size": 20, "page": 2}).json()
    assert first["count"] > 40 and all("*" not in row["id_display"] for row in first["items"] if row["id_display"] != "未登记")
    entries = list(list_views(civil).order_by("id"))
    assert len(entries) == 2
    for entry, body in zip(entries, (first, second), strict=True):
        shown = {row["id"] for row in body["items"] if row["id_display"] != "未登记"}
        assert set(entry.children) == shown and entry.fields == ["id_number"] and entry.channel == "api"


def test_masked_api_page_writes_no_audit_row(bearer, demo_user):
    body = bearer("teacher").get("/api/children").json()
    assert body["items"] and not list_views(demo_user("teacher")).exists()


@pytest.mark.parametrize("params", [
    {"school_class": "abc"}, {"school_class": "9" * 30}, {"school_class": "0"}, {"care_status": "none-such"},
    {"q": "王\x00"}, {"q": "王" * 65},
])
def test_bad_list_filters_are_refused_without_a_server_error(bearer, params):
    response = bearer("county_civil").get("/api/children", params)
    assert 400 <= response.status_code < 500


def test_detail_reason_with_a_nul_is_refused_and_not_audited(bearer):
    child = Child.objects.filter(family__community__code="361199100001").first()
    response = bearer("community").get(f"/api/children/{child.pk}", {"reason": "核对\x00"})
    assert 400 <= response.status_code < 500
    assert not AuditEntry.objects.filter(action="view", target_id=str(child.pk)).exists()


def test_an_id_beyond_bigint_is_not_found_not_a_server_error(bearer):
    assert bearer("county_civil").get(f"/api/children/{'9' * 30}").status_code in (400, 404)
