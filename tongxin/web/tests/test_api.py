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


def test_openapi_schema_describes_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "童心 API"
    assert {"/api/me", "/api/children", "/api/children/{child_id}"} <= set(schema["paths"])
    assert "BearerAuth" in str(schema["components"]["securitySchemes"]) or "TokenAuth" in str(schema["components"])


def test_anonymous_and_bad_token_are_refused(client):
    assert client.get("/api/children").status_code == 401
    assert Client(headers={"Authorization": "Bearer nope"}).get("/api/children").status_code == 401


def test_token_list_is_scoped_and_masked(bearer, demo_user):
    teacher = demo_user("teacher")
    class_id = teacher.assignments.get().school_class_id
    body = bearer("teacher").get("/api/children", {"page_size": 100}).json()
    expected = set(Child.objects.filter(school_class_id=class_id).values_list("id", flat=True))
    assert body["count"] == len(expected)
    assert {row["id"] for row in body["items"]} == expected
    assert all("**********" in row["id_display"] for row in body["items"])


def test_session_auth_uses_the_same_rules(client, demo_user):
    client.force_login(demo_user("parent"))
    body = client.get("/api/children").json()
    own = set(Child.objects.filter(guardianships__guardian__user__username="parent").values_list("id", flat=True))
    assert {row["id"] for row in body["items"]} == own


def test_detail_is_audited_and_out_of_scope_is_403(bearer, demo_user):
    api = bearer("community")
    mine = Child.objects.filter(family__community__code="361199100001").first()
    body = api.get(f"/api/children/{mine.pk}", {"reason": "入户走访前核对"}).json()
    assert body["id_display"] == mine.id_number and body["id_full"] is True
    entry = AuditEntry.objects.get(action="view", target_id=str(mine.pk))
    assert entry.channel == "api" and entry.reason == "入户走访前核对" and entry.actor.username == "community"
    other = Child.objects.exclude(family__community__code="361199100001").first()
    assert api.get(f"/api/children/{other.pk}").status_code == 403


def test_search_through_api(bearer):
    child = Child.objects.filter(school__code="3611990001").order_by("id")[3]
    body = bearer("leader").get("/api/children", {"q": child.id_number[-4:]}).json()
    assert child.pk in {row["id"] for row in body["items"]}


def test_me_lists_assignments(bearer):
    body = bearer("township").get("/api/me").json()
    assert body["assignments"][0]["role"] == "township_officer" and body["assignments"][0]["scope"] == "城关镇"
