"""The lines meet (issue 9): a custody absence, a missing-child or late-pickup alert and an incident of a child in the
care line reach the child's helpers' to-do and the child's file (for those who may read its notes)."""

import datetime as dt

import pytest
from django.utils import timezone

from tongxin.care.models import CareFile, Pairing
from tongxin.care.selectors.ledger import file_detail
from tongxin.care.selectors.todo import todo_for
from tongxin.custody.models import AbsenceKind, Alert, Attendance, Incident, Placement
from tongxin.custody.selectors.day import care_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def helped():
    """A child in a custody programme, in the care line, with a helper paired now."""
    paired = set(Pairing.objects.filter(end__isnull=True, helper__isnull=False).values_list("child_id", flat=True))
    placement = (Placement.objects.filter(state=Placement.State.PLACED, child_id__in=paired,
                                          child__care_file__isnull=False)
                 .exclude(child__care_file__category="none").select_related("period__programme").first())
    pairing = Pairing.objects.filter(child_id=placement.child_id, end__isnull=True, helper__isnull=False).first()
    return placement, pairing.helper


def _events(placement, today):
    Attendance.objects.update_or_create(placement=placement, date=today - dt.timedelta(days=1), defaults={
        "absence_kind": AbsenceKind.ILLNESS, "absence_reason": "发烧"})
    Alert.objects.create(programme=placement.period.programme, placement=placement, date=today,
                         kind=Alert.Kind.LATE_PICKUP, message="17:45 仍未接走")
    Incident.objects.create(placement=placement, occurred_at=timezone.now() - dt.timedelta(days=20),
                            kind=Incident.Kind.INJURY, description="课间摔倒擦伤膝盖")


def test_care_events_gathers_absences_alerts_and_incidents_in_order(helped):
    placement, _ = helped
    today = timezone.localdate()
    _events(placement, today)
    found = care_events([placement.child_id], today - dt.timedelta(days=30), today)
    kinds = [e.kind for e in found if e.child_id == placement.child_id]
    assert {"absent", "late_pickup", "incident"} <= set(kinds)
    assert [e.day for e in found] == sorted(e.day for e in found)


def test_the_helpers_to_do_shows_the_last_weeks_custody_news(helped, demo_user):
    placement, helper = helped
    today = timezone.localdate()
    _events(placement, today)
    found = todo_for(demo_user(helper.username), today, today=today)
    titles = [e.title for f, e in found.custody if f.child_id == placement.child_id]
    assert "托管预警：超时未接" in titles and "托管请假（因病）" in titles
    assert not any(e.kind == "incident" for _, e in found.custody)  # twenty days ago: only on the file


def test_the_file_shows_custody_to_those_who_read_its_notes(helped, demo_user):
    placement, helper = helped
    today = timezone.localdate()
    _events(placement, today)
    file = CareFile.objects.get(child_id=placement.child_id)
    assert any(e.kind == "incident" for e in file_detail(demo_user(helper.username), file.pk, on=today).custody)
    assert file_detail(demo_user("county_civil"), file.pk, on=today).custody == []
