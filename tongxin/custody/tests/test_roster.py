"""The roster (C-02, C-24, C-26, C-27): acceptance, the leader duty, publishing a day as ready, the rest limit,
who sees what, and workload counting only signed duty."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from tongxin.custody import permissions, rules, selectors, services
from tongxin.custody.models import Programme, PublishedRosterDay, RosterShift

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MON = dt.date(2027, 1, 18)


def day(n):  # 2027-01-18 is a Monday; the period runs to Friday 2027-01-29
    return MON + dt.timedelta(days=n)


@pytest.fixture
def group(group_factory):
    return group_factory()


# ---------------------------------------------------------------- pure rules, at any date


@pytest.mark.parametrize("days,new,run", [
    ([], dt.date(2030, 3, 4), 1),
    ([dt.date(2030, 3, 2), dt.date(2030, 3, 3)], dt.date(2030, 3, 4), 3),
    ([dt.date(2030, 3, 3), dt.date(2030, 3, 5)], dt.date(2030, 3, 4), 3),  # fills a hole: both sides count
    ([dt.date(2030, 3, 1), dt.date(2030, 3, 6)], dt.date(2030, 3, 4), 1),  # a rest day breaks the run
    ([dt.date(2024, 12, 30), dt.date(2024, 12, 31)], dt.date(2025, 1, 1), 3),  # across the new year
])
def test_consecutive_run_counts_calendar_days_around_the_new_one(days, new, run):
    assert rules.consecutive_run(days, new) == run


def test_the_rest_rule_refuses_a_run_longer_than_the_limit_with_the_reason():
    week = [dt.date(2031, 6, 2) + dt.timedelta(days=i) for i in range(5)]
    assert rules.consecutive_duty_problem(week[:4], week[4], 5) is None
    problem = rules.consecutive_duty_problem(week, dt.date(2031, 6, 7), 5)
    assert "连续 6 天" in problem and "上限 5 天" in problem


def test_credited_hours_are_signed_time_inside_the_shift():
    start, end = dt.datetime(2029, 5, 7, 8, 30, tzinfo=TZ), dt.datetime(2029, 5, 7, 17, 30, tzinfo=TZ)
    assert rules.credited_hours(start, end, None, None) == 0
    assert rules.credited_hours(start, end, start, None) == 0  # signed in only: nothing
    early, late = start - dt.timedelta(minutes=40), end + dt.timedelta(minutes=50)
    assert rules.credited_hours(start, end, early, late) == Decimal("9.0")  # early and late add nothing
    assert rules.credited_hours(start, end, start, end - dt.timedelta(hours=2)) == Decimal("7.0")  # left early
    assert rules.credited_hours(start, end, late, late + dt.timedelta(hours=1)) == 0


# ---------------------------------------------------------------- C-24: the leader on duty


def test_only_a_school_leader_of_the_programmes_school_holds_the_leader_duty(leader, period, demo_user):
    programme = period.programme
    for other in (demo_user("t221"), demo_user("leader")):  # a teacher; a leader of another school
        with pytest.raises(ValidationError, match="不能担任值班领导"):
            services.add_shift(leader, programme, staff=other, date=MON, duty=RosterShift.Duty.LEADER)
    shift = services.add_shift(leader, programme, staff=leader, date=MON, duty=RosterShift.Duty.LEADER)
    assert shift.state == RosterShift.State.ACCEPTED  # the organiser rostering themselves


def test_a_community_programmes_leader_is_its_community_worker(demo_user):
    worker = demo_user("community")
    community = worker.assignments.get().region
    programme = services.create_programme(worker, name="社区寒假托管", kind=Programme.Kind.WINTER, community=community,
                                          fee_per_day=Decimal("10"), lunch_available=False, lunch_price=Decimal("0"))
    services.add_period(worker, programme, name="一期", start=MON, end=day(4))
    assert permissions.can_hold_leader_duty(worker, programme)
    assert not permissions.can_hold_leader_duty(demo_user("leader"), programme)
    services.add_shift(worker, programme, staff=worker, date=MON, duty=RosterShift.Duty.LEADER)


def test_a_day_without_an_accepted_leader_cannot_be_published(leader, period, demo_user):
    programme = period.programme
    with pytest.raises(ValidationError, match="1月18日、1月19日、1月20日、1月21日、1月22日 没有已确认的值班领导"):
        services.publish_roster(leader, programme, start=MON, end=day(6))
    for n in (0, 1, 3, 4):
        services.add_shift(leader, programme, staff=leader, date=day(n), duty=RosterShift.Duty.LEADER)
    with pytest.raises(ValidationError, match=r"^\['1月20日 没有"):
        services.publish_roster(leader, programme, start=MON, end=day(6))
    assert not PublishedRosterDay.objects.filter(programme=programme).exists()  # nothing half-published
    services.add_shift(leader, programme, staff=leader, date=day(2), duty=RosterShift.Duty.LEADER)
    published = services.publish_roster(leader, programme, start=MON, end=day(6))
    assert [p.date for p in published] == [day(n) for n in range(5)]
    days = selectors.roster(programme)
    assert [d.published for d in days[:6]] == [True] * 5 + [False]
    # The only leader of a published day cannot simply be taken off it.
    with pytest.raises(ValidationError, match="已发布"):
        services.remove_shift(leader, RosterShift.objects.get(programme=programme, date=day(2)))
    with pytest.raises(PermissionDenied):
        services.publish_roster(demo_user("t221"), programme, start=MON, end=day(4))


# ---------------------------------------------------------------- C-02: acceptance


def test_an_organisers_rostering_counts_only_once_the_person_accepts(leader, period, group, demo_user):
    programme, teacher = period.programme, demo_user("t221")
    shift = services.add_shift(leader, programme, staff=teacher, date=MON, duty=RosterShift.Duty.TEACHER, group=group)
    assert shift.state == RosterShift.State.AWAITING_STAFF
    assert not permissions.on_duty(teacher, programme, MON)
    assert selectors.roster(programme)[0].shifts == [] and selectors.roster(programme)[0].waiting == [shift]
    assert list(selectors.shifts_to_answer(teacher)) == [shift]
    with pytest.raises(PermissionDenied):
        services.answer_shift(leader, shift, accept=True)  # only the person answers
    with pytest.raises(ValidationError, match="确认后才能签到"):
        services.sign_shift(teacher, shift, now=dt.datetime(2027, 1, 18, 8, 20, tzinfo=TZ))
    services.answer_shift(teacher, shift, accept=True)
    assert permissions.on_duty(teacher, programme, MON)
    assert selectors.roster(programme)[0].groups[0].staff == 1
    with pytest.raises(ValidationError, match="不能再确认"):
        services.answer_shift(teacher, shift, accept=False)


def test_a_declined_shift_counts_for_nothing_and_the_person_may_be_rostered_again(leader, period, demo_user):
    programme, teacher = period.programme, demo_user("t221")
    shift = services.add_shift(leader, programme, staff=teacher, date=MON, duty=RosterShift.Duty.TEACHER)
    services.answer_shift(teacher, shift, accept=False)
    assert RosterShift.objects.get(pk=shift.pk).state == RosterShift.State.DECLINED
    assert not permissions.on_duty(teacher, programme, MON)
    again = services.add_shift(leader, programme, staff=teacher, date=MON, duty=RosterShift.Duty.TEACHER)
    assert again.state == RosterShift.State.AWAITING_STAFF


def test_a_volunteers_sign_up_waits_for_the_organiser_only(leader, period, group, demo_user):
    programme, volunteer = period.programme, demo_user("volunteer")
    shift = services.add_shift(volunteer, programme, staff=volunteer, date=day(1), duty=RosterShift.Duty.TEACHER,
                               group=group)
    assert shift.state == RosterShift.State.AWAITING_ORGANISER and shift.duty == RosterShift.Duty.VOLUNTEER
    assert not permissions.on_duty(volunteer, programme, day(1))
    with pytest.raises(PermissionDenied):
        services.decide_sign_up(volunteer, shift, approve=True)
    with pytest.raises(PermissionDenied):
        services.decide_sign_up(demo_user("t221"), shift, approve=True)  # a teacher of the school is not the organiser
    with pytest.raises(PermissionDenied):
        services.add_shift(volunteer, programme, staff=demo_user("t221"), date=day(1), duty=RosterShift.Duty.TEACHER)
    services.decide_sign_up(leader, shift, approve=True)
    assert permissions.on_duty(volunteer, programme, day(1))


# ---------------------------------------------------------------- C-27: rest


def test_consecutive_duty_days_are_limited_per_person(leader, period, demo_user):
    programme, teacher = period.programme, demo_user("t221")
    Programme.objects.filter(pk=programme.pk).update(max_consecutive_duty_days=3)
    programme.refresh_from_db()
    for n in range(3):
        services.add_shift(leader, programme, staff=teacher, date=day(n), duty=RosterShift.Duty.TEACHER)
    with pytest.raises(ValidationError, match="连续 4 天，超过每人连续值班上限 3 天"):
        services.add_shift(leader, programme, staff=teacher, date=day(3), duty=RosterShift.Duty.TEACHER)
    # The weekend is rest: the next Monday starts a new run.
    services.add_shift(leader, programme, staff=teacher, date=day(7), duty=RosterShift.Duty.TEACHER)


def test_the_default_limit_comes_from_settings(settings, leader, school):
    settings.CUSTODY_MAX_CONSECUTIVE_DUTY_DAYS = 4
    p = services.create_programme(leader, name="限额测试", school=school, fee_per_day=Decimal("20"))
    assert p.max_consecutive_duty_days == 4


# ---------------------------------------------------------------- C-26: workload counts signed duty only


def test_workload_credits_signed_duty_only_and_shows_future_shifts_apart():
    autumn = Programme.objects.get(name="青溪县实验小学2026年秋季课后托管")
    today = timezone.localdate()
    days = services.custody_days(autumn)
    past, future = [d for d in days if d < today], [d for d in days if d >= today]  # today's duty is not done yet
    work = {w["staff"].username: w for w in selectors.workload(autumn, today=today)}
    teacher = work["teacher"]
    assert teacher["days"] == len(past) and teacher["hours"] == Decimal("2.0") * len(past)
    assert teacher["future_days"] == len(future) and teacher["future_hours"] == Decimal("2.0") * len(future)
    assert teacher["days"] + teacher["future_days"] + teacher["unsigned_days"] == len(days)
    assert "volunteer" not in work  # the volunteer's sign-up awaits approval
    wb = load_workbook(BytesIO(_save(autumn, today)))
    rows = {r[1]: r for r in wb["工作量"].iter_rows(min_row=4, values_only=True) if r[1]}
    assert rows["teacher"][3:8] == (len(past), float(2 * len(past)), len(future), float(2 * len(future)), 0)


def _save(programme, today):
    from tongxin.custody import exports

    buffer = BytesIO()
    exports.workload_book(programme, today=today).save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- pages: each role sees what it may use


@pytest.fixture
def rostered(leader, period, group, demo_user):
    programme = period.programme
    services.add_shift(leader, programme, staff=leader, date=MON, duty=RosterShift.Duty.LEADER)
    teacher_shift = services.add_shift(leader, programme, staff=demo_user("t221"), date=MON, duty=RosterShift.Duty.TEACHER,
                                       group=group)
    return programme, teacher_shift


def test_a_volunteer_sees_only_their_own_shifts_and_the_sign_up(rostered, login, demo_user):
    programme, _ = rostered
    client = login("volunteer")
    page = client.get(f"/custody/p/{programme.pk}/roster/").text
    assert "报名值班" in page and "我的值班" in page
    assert demo_user("t221").display_name not in page and 'id="roster"' not in page and "工作量" not in page
    assert client.get(f"/custody/p/{programme.pk}/workload.xlsx").status_code == 403
    assert client.get(f"/custody/p/{programme.pk}/fees/").status_code == 403
    response = client.post(f"/custody/p/{programme.pk}/roster/", {"action": "add", "date": "2027-01-19", "staff": "t221",
                                                                   "duty": "teacher"})
    assert response.status_code == 403
    assert not RosterShift.objects.filter(programme=programme, date=day(1)).exists()
    client.post(f"/custody/p/{programme.pk}/roster/", {"action": "signup", "date": "2027-01-19"})
    mine = RosterShift.objects.get(programme=programme, staff=demo_user("volunteer"))
    assert mine.state == RosterShift.State.AWAITING_ORGANISER
    assert "待主办方审核" in client.get(f"/custody/p/{programme.pk}/roster/").text


def test_the_rostered_teacher_accepts_on_the_roster_page(rostered, login):
    programme, shift = rostered
    client = login("t221")
    page = client.get(f"/custody/p/{programme.pk}/roster/").text
    assert "确认值班" in page
    client.post(f"/custody/p/{programme.pk}/roster/", {"action": "accept", "shift": shift.pk})
    assert RosterShift.objects.get(pk=shift.pk).state == RosterShift.State.ACCEPTED
    # Someone else's shift id is not found, and changes nothing.
    other = RosterShift.objects.get(programme=programme, duty="leader")
    assert client.post(f"/custody/p/{programme.pk}/roster/", {"action": "decline", "shift": other.pk}).status_code == 404
    assert RosterShift.objects.get(pk=other.pk).state == RosterShift.State.ACCEPTED


def test_the_organiser_sees_leaderless_days_and_publishing_refuses_them(rostered, login):
    programme, _ = rostered
    client = login("leader2")
    page = client.get(f"/custody/p/{programme.pk}/roster/").text
    assert 'id="leaderless"' in page and "1月19日" in page and "待本人确认" in page
    response = client.post(f"/custody/p/{programme.pk}/roster/",
                           {"action": "publish", "start_date": "2027-01-18", "end_date": "2027-01-19"}, follow=True)
    assert "1月19日 没有已确认的值班领导" in response.text
    assert not PublishedRosterDay.objects.filter(programme=programme).exists()
    client.post(f"/custody/p/{programme.pk}/roster/", {"action": "publish", "start_date": "2027-01-18",
                                                        "end_date": "2027-01-18"})
    assert list(PublishedRosterDay.objects.filter(programme=programme).values_list("date", flat=True)) == [MON]


@pytest.mark.parametrize("data", [
    {"action": "accept", "shift": "abc"}, {"action": "accept", "shift": "9" * 30}, {"action": "nope"},
    {"action": "publish", "start_date": "2027-02-30", "end_date": "x"}, {"action": "add", "date": "x", "staff": "a\x00b"},
])
def test_bad_roster_input_gets_a_chinese_message_not_a_500(rostered, login, data):
    programme, _ = rostered
    response = login("leader2").post(f"/custody/p/{programme.pk}/roster/", data, follow=True)
    assert response.status_code == 200
    assert '<li class="error">' in response.text and RosterShift.objects.filter(programme=programme).count() == 2
