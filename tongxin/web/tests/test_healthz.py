import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers_plain_ok_without_login_or_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reads_no_session_of_a_logged_in_user(client, login, django_assert_num_queries):
    login("teacher")
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.content == b"ok"
    assert not response.cookies  # the session was neither read nor saved again
    assert "Cookie" not in response.get("Vary", "")  # the session was not accessed


def test_healthz_answers_head_and_refuses_post(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
