"""Holiday handover (P-27): the dates with fixed days, the lists a school hands over (checked against counts made
here from the raw rows), receipt by the right village only, what the township sees, the pages."""

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tongxin.care import handover_rules as hr
from tongxin.care.choices import Category
from tongxin.care.handover_models import HandoverList, HandoverRound, Holiday
from tongxin.care.models import CareFile
from tongxin.care.selectors import handovers as sel
from tongxin.care.services import handovers as svc
from tongxin.orgs.models import Role, RoleAssignment, School, User

D = dt.date


# ---------------------------------------------------------------- dates


def test_the_next_holiday_crosses_the_year_end():
    assert hr.next_holiday(D(2026, 12, 4)) == hr.usual(Holiday.WINTER, 2027)
    assert hr.next_holiday(D(2027, 1, 20)).start == D(2027, 1, 20)
    assert hr.next_holiday(D(2027, 1, 21)) == hr.usual(Holiday.SUMMER, 2027)
    assert hr.next_holiday(D(2027, 7, 6)) == hr.usual(Holiday.WINTER, 2028)


def test_the_reminder_runs_for_fourteen_days_before_the_holiday():
    winter = hr.usual(Holiday.WINTER, 2027)
    assert not hr.handover_due(D(2027, 1, 5), winter)
    assert hr.handover_due(D(2027, 1, 6), winter)
    assert hr.handover_due(D(2027, 1, 19), winter)
    assert not hr.handover_due(D(2027, 1, 20), winter)


def test_the_holiday_in_focus_is_the_one_under_way_else_the_next_within_its_reminder():
    assert hr.in_focus(D(2026, 12, 4)) is None
    assert hr.in_focus(D(2027, 1, 10)) == hr.usual(Holiday.WINTER, 2027)
    assert hr.in_focus(D(2027, 2, 10)) == hr.usual(Holiday.WINTER, 2027)  # during the holiday
    assert hr.in_focus(D(2027, 8, 31)) == hr.usual(Holiday.SUMMER, 2027)
    assert hr.in_focus(D(2027, 9, 1)) is None


def test_receipt_is_overdue_from_the_first_day_of_the_holiday():
    assert not hr.receipt_overdue(D(2027, 1, 22), D(2027, 1, 23))
    assert hr.receipt_overdue(D(2027, 1, 23), D(2027, 1, 23))


@pytest.mark.parametrize(("start", "end", "problem"), [
    (D(2027, 1, 23), D(2027, 1, 23), "开学日期应晚于放假日期"),
    (D(2027, 1, 23), D(2027, 6, 1), "不应超过三个月"),
    (D(2026, 7, 4), D(2026, 9, 1), "已过去太久"),
])
def test_implausible_dates_are_refused(start, end, problem):
    assert problem in hr.check_dates(start, end, today=D(2026, 12, 4))


# ---------------------------------------------------------------- the lists


def _shimen():
    school = School.objects.get(name="石门中心小学")
    leader = User.objects.get(assignments__role=Role.SCHOOL_LEADER, assignments__school=school)
    return school, leader


def _create(leader, school, year=2028, holiday=Holiday.WINTER, today=D(2028, 1, 10)):
    return svc.handover_create(leader, school_id=school.pk, holiday=holiday, year=year,
                               holiday_start=D(year, 1, 22), school_start=D(year, 2, 20), today=today)


def test_one_list_per_village_with_every_left_behind_pupil_living_there(demo_user):
    school, leader = _shimen()
    found = _create(demo_user(leader.username), school)
    expected = Counter(CareFile.objects.filter(category=Category.LEFT_BEHIND, child__school=school)
                       .exclude(child__family__community=None).values_list("child__family__community_id", flat=True))
    got = {hl.community_id: len(hl.child_ids) for hl in found.lists.all()}
    assert got == dict(expected) and sum(got.values()) > 50


def test_only_the_schools_leader_hands_over(demo_user):
    school, _ = _shimen()
    for username in ("leader", "teacher", "tw200", "county_edu"):
        with pytest.raises(PermissionDenied):
            _create(demo_user(username), school)


def test_the_same_holiday_twice_is_refused(demo_user):
    school, leader = _shimen()
    _create(demo_user(leader.username), school)
    with pytest.raises(ValidationError, match="已办理"):
        _create(demo_user(leader.username), school)
    assert HandoverRound.objects.filter(school=school, year=2028).count() == 1


def test_refresh_updates_lists_not_received_and_keeps_received_ones(demo_user):
    school, leader = _shimen()
    leader = demo_user(leader.username)
    found = _create(leader, school)
    received, waiting = list(found.lists.order_by("pk"))[:2]
    worker = User.objects.get(assignments__role=Role.COMMUNITY_WORKER, assignments__region=received.community)
    svc.handover_receive(demo_user(worker.username), received, note="", now=dt.datetime(2028, 1, 12, tzinfo=dt.UTC))
    moved = CareFile.objects.get(child_id=waiting.child_ids[0])
    CareFile.objects.filter(pk=moved.pk).update(category=Category.VULNERABLE)
    gone = CareFile.objects.get(child_id=received.child_ids[0])
    CareFile.objects.filter(pk=gone.pk).update(category=Category.VULNERABLE)
    assert svc.handover_refresh(leader, found) == 1  # the waiting list only
    waiting.refresh_from_db()
    received.refresh_from_db()
    assert moved.child_id not in waiting.child_ids
    assert gone.child_id in received.child_ids  # as it was received


def test_only_the_villages_worker_receives_and_only_once(demo_user):
    school, leader = _shimen()
    found = _create(demo_user(leader.username), school)
    handover = found.lists.order_by("pk").first()
    worker = User.objects.get(assignments__role=Role.COMMUNITY_WORKER, assignments__region=handover.community)
    other = User.objects.filter(assignments__role=Role.COMMUNITY_WORKER).exclude(pk=worker.pk).first()
    now = dt.datetime(2028, 1, 15, 9, tzinfo=dt.UTC)
    for user in (other, User.objects.get(username="tw200"), leader):
        with pytest.raises(PermissionDenied):
            svc.handover_receive(demo_user(user.username), handover, note="", now=now)
    svc.handover_receive(demo_user(worker.username), handover, note="收到", now=now)
    with pytest.raises(ValidationError, match="已确认接收"):
        svc.handover_receive(demo_user(worker.username), handover, note="", now=now)
    handover.refresh_from_db()
    assert handover.received_at == now and handover.note == "收到"


def test_a_note_with_nul_or_too_long_is_refused(demo_user):
    school, leader = _shimen()
    handover = _create(demo_user(leader.username), school).lists.order_by("pk").first()
    worker = User.objects.get(assignments__role=Role.COMMUNITY_WORKER, assignments__region=handover.community)
    for note in ("有\x00", "字" * 256):
        with pytest.raises(ValidationError):
            svc.handover_receive(demo_user(worker.username), handover, note=note, now=dt.datetime.now(dt.UTC))
    handover.refresh_from_db()
    assert handover.received_at is None


# ---------------------------------------------------------------- what each role sees


def test_the_township_sees_missing_handovers_and_overdue_receipts(demo_user):
    school, leader = _shimen()
    found = _create(demo_user(leader.username), school, year=2028)
    page = sel.handover_page(demo_user("tw200"), today=D(2028, 1, 25))  # 2028 winter under way
    latest = [r for r in page.rows if r.holiday == "2028年寒假"]
    assert page.lists == len(latest) == found.lists.count()
    assert page.overdue == len(latest) and page.received == 0
    assert page.missing_schools == []  # the township's one school has handed over
    county = sel.handover_page(demo_user("county_edu"), today=D(2028, 1, 25))
    assert set(county.missing_schools) == set(School.objects.exclude(pk=school.pk).values_list("name", flat=True))


def test_a_leader_is_reminded_only_in_the_fortnight_before_the_holiday(demo_user):
    school, leader = _shimen()
    user = demo_user(leader.username)
    assert sel.handover_page(user, today=D(2028, 1, 2)).due == []
    assert [d.school for d in sel.handover_page(user, today=D(2028, 1, 10)).due] == [school]
    _create(user, school)
    assert sel.handover_page(user, today=D(2028, 1, 10)).due == []


def test_the_list_shows_contacts_in_full_to_the_village_and_custody_places(demo_user):
    handover = HandoverList.objects.filter(round__school__name="石门中心小学", received_at__isnull=True).first()
    worker = User.objects.get(assignments__role=Role.COMMUNITY_WORKER, assignments__region=handover.community)
    detail = sel.handover_detail(demo_user(worker.username), sel.access_handover(demo_user(worker.username),
                                                                                 handover.pk), today=D(2026, 12, 4))
    assert detail.may_receive and len(detail.pupils) == len(handover.child_ids)
    phones = [c.phone for p in detail.pupils for c in p.contacts if c.phone]
    assert phones and all("*" not in phone for phone in phones)
    with pytest.raises(PermissionDenied):
        sel.access_handover(demo_user("community"), handover.pk)


# ---------------------------------------------------------------- pages


def test_the_leader_hands_over_with_the_form_and_bad_dates_are_400(login):
    client = login("leader")
    school = RoleAssignment.objects.get(user__username="leader").school
    bad = client.post(reverse("care:handovers"), {"school": school.pk, "holiday": "winter", "year": 2028,
                                                  "holiday_start": "2028-01-22", "school_start": "not a date"})
    assert bad.status_code == 400 and "日期格式" in bad.content.decode()
    assert client.post(reverse("care:handovers"), {"school": school.pk, "holiday": "winter", "year": 2099,
                                                   "holiday_start": "2099-01-22",
                                                   "school_start": "2099-02-20"}).status_code == 302
    assert HandoverRound.objects.filter(school=school, year=2099).exists()


def test_a_village_worker_cannot_post_a_handover(login):
    assert login("community").post(reverse("care:handovers"), {"holiday": "winter"}).status_code == 403


def test_the_village_confirms_on_the_list_page(login):
    handover = HandoverList.objects.filter(received_at__isnull=True, community__path__isnull=False).exclude(
        child_ids=[]).first()
    worker = User.objects.get(assignments__role=Role.COMMUNITY_WORKER, assignments__region=handover.community)
    client = login(worker.username)
    assert "确认接收名单" in client.get(reverse("care:handover", args=[handover.pk])).content.decode()
    assert client.post(reverse("care:handover", args=[handover.pk]), {"note": "收到"}).status_code == 302
    handover.refresh_from_db()
    assert handover.received_by == worker
