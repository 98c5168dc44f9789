"""Ending a pairing on the page: who may, what it takes, what it changes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxin.care.choices import PairingKind
from tongxin.care.models import Pairing
from tongxin.orgs import scope
from tongxin.orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db


def _volunteers_pairing():
    return Pairing.objects.filter(helper__username="volunteer", kind=PairingKind.VOLUNTEER, end__isnull=True).first()


def test_the_village_worker_ends_a_volunteers_pairing_and_the_volunteer_stops_seeing_the_child(login, demo_user):
    pairing = _volunteers_pairing()
    home = pairing.child.family.community
    worker = RoleAssignment.objects.filter(role="community_worker", region=home).first().user
    client = login(worker.username)
    today = timezone.localdate()
    assert client.get(reverse("care:pairing_end", args=[pairing.pk])).status_code == 200
    response = client.post(reverse("care:pairing_end", args=[pairing.pk]),
                           {"end": today.isoformat(), "reason": "志愿者返校，改由他人帮扶"})
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.end == today
    volunteer = demo_user("volunteer")
    assert scope.children(volunteer).filter(pk=pairing.child_id).exists()  # still on its last day
    pairing.end = today - dt.timedelta(days=1)
    Pairing.objects.filter(pk=pairing.pk).update(end=pairing.end)
    assert not scope.children(demo_user("volunteer")).filter(pk=pairing.child_id).exists()


def test_a_missing_reason_or_bad_date_is_400_and_changes_nothing(login):
    pairing = _volunteers_pairing()
    worker = RoleAssignment.objects.filter(role="community_worker", region=pairing.child.family.community).first().user
    client = login(worker.username)
    for data in ({"end": "2026-13-01", "reason": "x"}, {"end": timezone.localdate().isoformat(), "reason": ""},
                 {"end": timezone.localdate().isoformat(), "reason": "a\x00b"}):
        assert client.post(reverse("care:pairing_end", args=[pairing.pk]), data).status_code == 400
    pairing.refresh_from_db()
    assert pairing.end is None


def test_those_who_do_not_arrange_the_kind_cannot_end_it(login):
    pairing = _volunteers_pairing()
    for username in ("volunteer", "parent", "teacher", "county_edu"):
        assert login(username).get(reverse("care:pairing_end", args=[pairing.pk])).status_code == 403, username
    assert login("admin").get(reverse("care:pairing_end", args=[10**8])).status_code == 404
