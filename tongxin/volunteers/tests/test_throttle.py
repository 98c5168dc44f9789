"""The public self-registration page takes at most VOLUNTEER_REGISTRATIONS_PER_HOUR registrations from one client
address in any hour; past that a Chinese 429 page, and nothing is stored."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxin.orgs.models import User
from tongxin.volunteers import rules
from tongxin.volunteers.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_an_hour(settings):
    settings.VOLUNTEER_REGISTRATIONS_PER_HOUR = 2


def _post(client, dongmen, username, address="203.0.113.7"):
    return client.post(reverse("volunteers:register"), {
        "real_name": "李小梅", "phone": "13900002222", "username": username, "password": "Qx!2026-student",
        "source": "student", "affiliation": "江西师范大学", "skills": "英语辅导", "home": dongmen.pk,
        "areas": [dongmen.pk], "holidays": "on"}, REMOTE_ADDR=address)


def _fresh(client):
    client.logout()  # a registration logs the new person in; the next one comes from a stranger again
    return client


def test_the_rule_lets_the_limit_in_and_stops_the_one_after():
    assert not rules.registration_throttled(recent=1, per_hour=2)
    assert rules.registration_throttled(recent=2, per_hour=2)


def test_the_registration_over_the_limit_gets_a_chinese_429_and_stores_nothing(client, dongmen):
    assert _post(client, dongmen, "reg01").status_code == 302
    assert _post(_fresh(client), dongmen, "reg02").status_code == 302
    response = _post(_fresh(client), dongmen, "reg03")
    assert response.status_code == 429
    assert "同一网络地址一小时内最多登记 2 次" in response.content.decode()
    assert not User.objects.filter(username="reg03").exists()


def test_another_address_is_not_held_back(client, dongmen):
    _post(client, dongmen, "reg01")
    _post(_fresh(client), dongmen, "reg02")
    assert _post(_fresh(client), dongmen, "reg03", address="198.51.100.9").status_code == 302


def test_registrations_older_than_an_hour_no_longer_count(client, dongmen):
    _post(client, dongmen, "reg01")
    _post(_fresh(client), dongmen, "reg02")
    Person.objects.filter(registered_from="203.0.113.7").update(
        registered_at=timezone.now() - dt.timedelta(hours=1, seconds=1))
    assert _post(_fresh(client), dongmen, "reg03").status_code == 302


def test_the_address_behind_the_proxy_is_the_one_counted(client, dongmen, settings):
    settings.PROXY_COUNT = 1
    for name in ("reg01", "reg02"):
        _post(_fresh(client), dongmen, name, address="10.0.0.1")  # no forwarded address: counted as the proxy's own
    forwarded = _fresh(client).post(reverse("volunteers:register"), {
        "real_name": "王芳", "phone": "13900003333", "username": "reg03", "password": "Qx!2026-student",
        "source": "student", "home": dongmen.pk, "areas": [dongmen.pk]},
        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert forwarded.status_code == 302  # the proxy's address is at its limit; the client behind it is not
    assert Person.objects.get(user__username="reg03").registered_from == "203.0.113.50"
