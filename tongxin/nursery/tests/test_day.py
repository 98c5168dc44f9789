"""The day in a room (see conftest for the test centre): check-in refused over the room's size or its carers'
ratio at that moment, hand-over only to an authorised guardian (the registry's check custody makes too), records
for the whole room with the children who differ, the outdoor time against two hours, and a family seeing only its
own child's day."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.nursery import rules_day
from tongxin.nursery.choices import CareType
from tongxin.nursery.models import Contract, DayAttendance, DayEntry, DayException, HealthCheck
from tongxin.nursery.rules import NATIONAL, Span
from tongxin.nursery.selectors import day as day_sel
from tongxin.nursery.selectors.health import last_present
from tongxin.nursery.services import contracts as contract_svc
from tongxin.nursery.services import day as day_svc
from tongxin.nursery.services import network
from tongxin.people.models import Family, Guardian, Guardianship

from .conftest import TODAY, at, t

pytestmark = pytest.mark.django_db


def sign(net, child, room="托小班", care=CareType.FULL_DAY, drop="08:00", pick="17:00"):
    return contract_svc.contract_create(net.manager, room_id=net.rooms[room].pk, child_id=child.pk, care_type=care,
                                        starts_on=TODAY, drop_off=t(drop), pick_up=t(pick), today=TODAY,
                                        now=at(TODAY))


def check_in(net, child, hour=8, minute=0, room="托小班", actor=None):
    return day_svc.child_check_in(actor=actor or net.carers[0], room_id=net.rooms[room].pk, child_id=child.pk,
                                  now=at(TODAY, hour, minute))


def guardian_of(child) -> Guardian:
    return Guardianship.objects.get(child=child).guardian


# ---------------------------------------------------------------- pure rules


def test_a_check_in_over_the_ratio_names_the_carers_and_the_children():
    problem = rules_day.check_in_problem(label="托小班", limit=NATIONAL["toddler"], places=15, present=5, carers=1,
                                         at=dt.time(8, 10))
    assert problem == "08:10 托小班在岗保育人员 1 人，最多照护 5 名幼儿，已在园 5 名；请先安排保育人员到岗"


def test_overlapping_outdoor_sessions_count_once():
    spans = [Span(t("09:30"), t("10:30")), Span(t("10:00"), t("11:00")), Span(t("15:00"), t("15:30"))]
    assert rules_day.union_minutes(spans) == 120
    assert rules_day.outdoor(spans[:1]).short == 60


# ---------------------------------------------------------------- check-in


def test_a_check_in_over_the_carers_ratio_is_refused_with_the_reason_and_nothing_is_stored(net):
    children = [net.infant(15) for _ in range(6)]
    for child in children:
        sign(net, child)
    net.shift("托小班", TODAY, 0, "07:30", "17:30")
    for child in children[:5]:
        check_in(net, child)
    with pytest.raises(ValidationError) as refused:
        check_in(net, children[5], 8, 20)
    assert "在岗保育人员 1 人，最多照护 5 名幼儿，已在园 5 名" in refused.value.messages[0]
    assert not DayAttendance.objects.filter(child=children[5]).exists()
    net.shift("托小班", TODAY, 1, "08:30", "17:30")
    assert check_in(net, children[5], 8, 30).child_id == children[5].pk


def test_a_check_in_over_the_rooms_size_is_refused_while_the_morning_child_is_still_there(net):
    room = network.room_create(net.manager, centre_id=net.centre.pk, name="一位班", class_type="toddler", places=1)
    net.rooms["一位班"] = room
    morning, afternoon = net.infant(15), net.infant(16)
    sign(net, morning, "一位班", CareType.HALF_AM, "08:00", "12:00")
    sign(net, afternoon, "一位班", CareType.HALF_PM, "12:00", "17:00")
    net.shift("一位班", TODAY, 0, "07:30", "17:30")
    check_in(net, morning, room="一位班")
    with pytest.raises(ValidationError) as refused:
        check_in(net, afternoon, 11, 40, room="一位班")
    assert refused.value.messages == ["11:40 一位班已满：最多 1 名幼儿，已在园 1 名"]
    day_svc.child_check_out(actor=net.carers[0], room_id=room.pk, child_id=morning.pk,
                            guardian_id=guardian_of(morning).pk, now=at(TODAY, 11, 50))
    assert check_in(net, afternoon, 11, 55, room="一位班").checked_out_at is None


def test_a_child_not_due_in_the_room_today_is_not_checked_in(net):
    net.shift("托小班", TODAY, 0, "07:30", "16:30")
    with pytest.raises(ValidationError, match="不在本班的托育协议或临时托预约中"):
        check_in(net, net.infant(15))


def test_only_the_centres_staff_check_a_child_in(net, demo_user):
    child = net.infant(15)
    sign(net, child)
    net.shift("托小班", TODAY, 0, "07:30", "17:30")
    with pytest.raises(PermissionDenied):
        check_in(net, child, actor=demo_user("carer"))
    assert not DayAttendance.objects.filter(child=child).exists()


def test_a_child_whose_entry_check_no_longer_stands_is_not_checked_in(net):
    child = net.infant(15)
    sign(net, child)
    net.shift("托小班", TODAY, 0, "07:30", "17:30")
    HealthCheck.objects.filter(child=child).update(passed=False)  # the clinic's result corrected after signing
    with pytest.raises(ValidationError, match="尚无合格的入托体检记录"):
        check_in(net, child)
    assert not DayAttendance.objects.filter(child=child).exists()


def _kept_home_since(net, child, last_day: dt.date) -> None:
    """A contract running since September that the child last attended on `last_day`."""
    Contract.objects.create(centre=net.centre, room=net.rooms["托小班"], child=child, care_type=CareType.FULL_DAY,
                            starts_on=dt.date(2026, 9, 1), drop_off=t("08:00"), pick_up=t("17:00"),
                            created_by=net.manager, created_at=at(dt.date(2026, 9, 1)))
    DayAttendance.objects.create(room=net.rooms["托小班"], child=child, day=last_day, checked_in_at=at(last_day),
                                 checked_in_by=net.carers[0])


def test_a_child_kept_home_three_months_under_a_live_contract_is_rechecked_at_check_in(net):
    child = net.infant(20, healthy=False)
    net.give_health(child, checked_on=dt.date(2026, 8, 1))
    _kept_home_since(net, child, dt.date(2026, 11, 30))
    net.shift("托小班", TODAY, 0, "07:30", "17:30")
    with pytest.raises(ValidationError, match=r"已离园 3 个月以上（最后在园 11月30日），须重新体检合格后返园"):
        check_in(net, child)
    assert DayAttendance.objects.filter(child=child).count() == 1
    net.give_health(child, checked_on=TODAY - dt.timedelta(days=2), doses=False)
    assert check_in(net, child).day == TODAY


def test_the_last_day_in_care_is_the_last_check_in_once_the_centre_keeps_the_register(net):
    child, other = net.infant(20), net.infant(20)
    _kept_home_since(net, other, dt.date(2026, 11, 2))  # the centre's register begins on 2 November
    Contract.objects.create(centre=net.centre, room=net.rooms["托小班"], child=child, care_type=CareType.FULL_DAY,
                            starts_on=dt.date(2026, 9, 1), drop_off=t("08:00"), pick_up=t("17:00"),
                            created_by=net.manager, created_at=at(dt.date(2026, 9, 1)))
    assert last_present(child.pk, TODAY) == dt.date(2026, 11, 1)  # covered by the contract, then never checked in
    assert last_present(other.pk, TODAY) == dt.date(2026, 11, 2)


# ---------------------------------------------------------------- pick-up


@pytest.fixture
def arrived(net):
    child = net.infant(15)
    sign(net, child)
    net.shift("托小班", TODAY, 0, "07:30", "17:30")
    net.shift("托小班", TODAY, 1, "07:30", "17:30")
    check_in(net, child)
    return child


def check_out(net, child, guardian_id, hour=17):
    return day_svc.child_check_out(actor=net.carers[0], room_id=net.rooms["托小班"].pk, child_id=child.pk,
                                   guardian_id=guardian_id, now=at(TODAY, hour))


def test_a_guardian_not_authorised_to_pick_up_is_refused_and_nothing_changes(net, arrived):
    family = arrived.family
    grandad = Guardian.objects.create(family=family, name="测试爷爷", gender="M")
    Guardianship.objects.create(child=arrived, guardian=grandad, relationship="grandfather", can_pickup=False)
    with pytest.raises(PermissionDenied) as refused:
        check_out(net, arrived, grandad.pk)
    assert str(refused.value) == f"测试爷爷 不是 {arrived.name} 的授权接送人，不能接走孩子"
    assert DayAttendance.objects.get(child=arrived).checked_out_at is None


def test_a_person_outside_the_family_is_refused_unnamed(net, arrived):
    stranger = Guardian.objects.create(family=Family.objects.create(head_name="别家", community=arrived.family.community),
                                       name="陌生人", gender="M")
    with pytest.raises(PermissionDenied) as refused:
        check_out(net, arrived, stranger.pk)
    assert str(refused.value) == f"所选接送人不在{arrived.name}的监护人名单中，不能交接"
    assert DayAttendance.objects.get(child=arrived).picked_up_by is None


def test_an_authorised_guardian_takes_the_child_and_the_day_says_who(net, arrived):
    check_out(net, arrived, guardian_of(arrived).pk, 17)
    day = day_sel.child_day(arrived.pk, TODAY, name=arrived.name)
    relation = Guardianship.objects.get(child=arrived).get_relationship_display()
    assert (day.events[0].title, day.events[-1].title, day.events[-1].detail) == (
        "入园", "离园", f"由 {relation} 测试家长 接走")


# ---------------------------------------------------------------- records


def test_a_whole_room_record_stands_for_every_child_but_the_exception(net, arrived):
    other = net.infant(16)
    sign(net, other)
    check_in(net, other, 8, 5)
    lunch = day_svc.entry_add(actor=net.carers[0], room_id=net.rooms["托小班"].pk, kind="lunch", value="all",
                              start=t("11:30"), now=at(TODAY, 12))
    day_svc.exception_set(actor=net.carers[0], entry_id=lunch.pk, child_id=other.pk, value="little", note="不爱吃青菜",
                          now=at(TODAY, 12, 10))
    mine = [e for e in day_sel.child_day(arrived.pk, TODAY, name="").events if e.title.startswith("午餐")]
    theirs = [e for e in day_sel.child_day(other.pk, TODAY, name="").events if e.title.startswith("午餐")]
    assert (mine[0].detail, mine[0].notable) == ("全部吃完", False)
    assert (theirs[0].detail, theirs[0].notable) == ("吃得很少（不爱吃青菜）", True)


def test_a_meal_is_recorded_once_a_day_for_the_room(net, arrived):
    add = dict(actor=net.carers[0], room_id=net.rooms["托小班"].pk, kind="breakfast", value="all", start=t("08:30"),
               now=at(TODAY, 9))
    day_svc.entry_add(**add)
    with pytest.raises(ValidationError, match="今天已记录早餐"):
        day_svc.entry_add(**add)
    assert DayEntry.objects.filter(room=net.rooms["托小班"]).count() == 1


def test_an_exception_for_a_child_not_there_is_refused(net, arrived):
    absent = net.infant(16)
    sign(net, absent)
    nap = day_svc.entry_add(actor=net.carers[0], room_id=net.rooms["托小班"].pk, kind="nap", value="slept",
                            start=t("12:00"), end=t("14:30"), now=at(TODAY, 15))
    with pytest.raises(ValidationError, match="当时不在班上"):
        day_svc.exception_set(actor=net.carers[0], entry_id=nap.pk, child_id=absent.pk, value="awake",
                              now=at(TODAY, 15))
    assert not DayException.objects.filter(entry=nap).exists()


def test_a_rooms_outdoor_time_under_two_hours_shows_the_shortfall(net, arrived, client):
    add = dict(actor=net.carers[0], room_id=net.rooms["托小班"].pk, kind="outdoor", value="joined")
    day_svc.entry_add(**add, start=t("09:30"), end=t("10:30"), now=at(TODAY, 11))
    page = day_sel.room_day(net.rooms["托小班"], TODAY, t("11:00"))
    assert (page.outdoor.minutes, page.outdoor.short) == (60, 60)
    day_svc.entry_add(**add, start=t("15:00"), end=t("16:00"), now=at(TODAY, 16))
    assert day_sel.room_day(net.rooms["托小班"], TODAY, t("16:00")).outdoor.short == 0


def test_a_child_kept_indoors_has_less_outdoor_time_than_the_room(net, arrived):
    other = net.infant(16)
    sign(net, other)
    check_in(net, other, 8, 5)
    walk = day_svc.entry_add(actor=net.carers[0], room_id=net.rooms["托小班"].pk, kind="outdoor", value="joined",
                             start=t("09:00"), end=t("11:00"), now=at(TODAY, 11))
    day_svc.exception_set(actor=net.carers[0], entry_id=walk.pk, child_id=other.pk, value="indoor", note="咳嗽",
                          now=at(TODAY, 11))
    assert day_sel.child_day(arrived.pk, TODAY, name="").outdoor.short == 0
    assert day_sel.child_day(other.pk, TODAY, name="").outdoor.minutes == 0


# ---------------------------------------------------------------- pages


def test_a_parent_sees_their_own_childs_day_and_no_other(net, arrived, client, demo_user, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(TODAY, 18))
    client.force_login(net.parent)
    own = client.get(reverse("nursery:child_day", args=[arrived.pk]) + f"?on={TODAY:%Y-%m-%d}")
    assert own.status_code == 200 and "day-timeline" in own.content.decode()
    other = net.infant(16)
    Guardianship.objects.filter(child=other).delete()
    assert client.get(reverse("nursery:child_day", args=[other.pk])).status_code == 403
    client.force_login(demo_user("nparent"))
    assert client.get(reverse("nursery:child_day", args=[arrived.pk])).status_code == 403


def test_a_parent_reads_the_outdoor_time_beside_the_guideline_not_as_a_staff_warning(net, arrived, client,
                                                                                      monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(TODAY, 18))
    day_svc.entry_add(actor=net.carers[0], room_id=net.rooms["托小班"].pk, kind="outdoor", value="joined",
                      start=t("09:30"), end=t("10:30"), now=at(TODAY, 11))
    client.force_login(net.parent)
    page = client.get(reverse("nursery:child_day", args=[arrived.pk]) + f"?on={TODAY:%Y-%m-%d}").content.decode()
    assert ("户外活动 1 小时<br>" in page, "每天户外 2 小时以上" in page, "todo-summary" in page) == (True, True, False)


def test_a_parent_is_told_a_rest_day_is_a_rest_day_not_that_the_child_stayed_away(net, arrived, client,
                                                                                    monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(TODAY, 18))
    client.force_login(net.parent)
    sunday = TODAY - dt.timedelta(days=TODAY.weekday() + 1)
    page = client.get(reverse("nursery:child_day", args=[arrived.pk]) + f"?on={sunday:%Y-%m-%d}").content.decode()
    assert f"{sunday.month}月{sunday.day}日是休息日" in page and "孩子没有入园" not in page


def test_a_refused_check_in_on_the_page_answers_400_and_writes_nothing(net, client, settings, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(TODAY, 8, 0))
    child = net.infant(15)
    sign(net, child)  # nobody on duty
    client.force_login(net.carers[0])
    response = client.post(reverse("nursery:day_room", args=[net.rooms["托小班"].pk]),
                           {"action": "in", "child": child.pk})
    assert response.status_code == 400
    assert "没有在岗保育人员" in response.content.decode()
    assert not DayAttendance.objects.filter(child=child).exists()


def test_a_past_day_of_the_room_is_read_only_and_shows_its_outdoor_shortfall(net, arrived, client, monkeypatch):
    from django.utils import timezone

    day_svc.entry_add(actor=net.carers[0], room_id=net.rooms["托小班"].pk, kind="outdoor", value="joined",
                      start=t("09:30"), end=t("10:30"), now=at(TODAY, 11))
    monkeypatch.setattr(timezone, "now", lambda: at(TODAY + dt.timedelta(days=1), 10))
    client.force_login(net.carers[0])
    page = client.get(reverse("nursery:day_room", args=[net.rooms["托小班"].pk]) + f"?on={TODAY:%Y-%m-%d}")
    html = page.content.decode()
    assert page.status_code == 200 and "户外活动 1 小时，少了 1 小时" in html
    assert 'value="in"' not in html and 'value="out"' not in html and 'name="action" value="entry"' not in html


def test_on_a_saturday_no_child_is_due_and_the_room_says_it_is_closed(net, client, monkeypatch):
    child = net.infant(15)
    sign(net, child)
    saturday = TODAY + dt.timedelta(days=5)
    assert [r.expected for r in day_sel.centre_day(net.centre, saturday)] == [0, 0, 0]
    with pytest.raises(ValidationError, match="不在本班的托育协议或临时托预约中"):
        day_svc.child_check_in(actor=net.carers[0], room_id=net.rooms["托小班"].pk, child_id=child.pk,
                               now=at(saturday, 9))
    monkeypatch.setattr(timezone, "now", lambda: at(saturday, 9))
    client.force_login(net.carers[0])
    page = client.get(reverse("nursery:day_room", args=[net.rooms["托小班"].pk])).content.decode()
    assert "今天是休息日，不开园" in page and "户外活动" not in page
