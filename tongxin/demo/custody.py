"""Custody in the demo county: a finished 2026 summer programme with its whole record (placement by
lottery, roster, attendance, health checks, incidents, fees, evaluations), an after-school programme running
this term, and winter programmes open for applications."""

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from tongxin.custody import services
from tongxin.custody.models import (
    AbsenceKind,
    Application,
    Attendance,
    Evaluation,
    FeeExemption,
    HardshipCertificate,
    HealthCheck,
    Incident,
    Placement,
    Programme,
    PublishedRosterDay,
    RosterShift,
    Symptom,
)
from tongxin.orgs.models import CalendarDay, Region, Role, School, Site
from tongxin.people.models import Child, Guardianship

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")

# The State Council's 2026 holiday schedule: days off, and weekend days worked instead (调休).
HOLIDAYS_2026 = {
    "元旦": (["2026-01-01", "2026-01-02", "2026-01-03"], ["2026-01-04"]),
    "春节": ([f"2026-02-{d:02d}" for d in range(15, 24)], ["2026-02-14", "2026-02-28"]),
    "清明节": (["2026-04-04", "2026-04-05", "2026-04-06"], []),
    "劳动节": ([f"2026-05-0{d}" for d in range(1, 6)], ["2026-05-09"]),
    "端午节": (["2026-06-19", "2026-06-20", "2026-06-21"], []),
    "中秋节": (["2026-09-25", "2026-09-26", "2026-09-27"], []),
    "国庆节": ([f"2026-10-0{d}" for d in range(1, 8)], ["2026-09-20", "2026-10-10"]),
}

AGREEMENT = ("一、学校在托管时间内负责学生的安全看护、作业辅导和文体活动，不组织集体补课、不上新课、不考试。\n"
             "二、家长按时接送，确需他人代接的须事先在平台登记授权接送人。\n"
             "三、收费按实际托管天数计算，午餐另计；低保、特困家庭可申请减免。")
COMMITMENT = "本人承诺如实告知孩子的健康状况和过敏史；孩子身体不适时不送托；教育孩子遵守纪律、注意安全；接到通知后及时到场。"


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _apps(rng, programme, children, periods, *, state, leader, teachers, choose=(1, 3)):
    """Applications made the way parents make them (priority from the registry), in the given state."""
    rows = []
    for child in children:
        link = next((g for g in child.guardianships.all() if g.is_primary), None) or child.guardianships.first()
        needs = ["dual_earner"] if child.family.dual_earner else rng.choice([["nobody_home"], ["grandparent_unable"], []])
        tier, reasons = services.priority_of(child, needs)
        signed = _at(periods[0].start - dt.timedelta(days=rng.randrange(14, 30)), 20, rng.randrange(60))
        app = Application(
            programme=programme, child=child, applicant=leader, guardian=link.guardian, lunch=rng.random() < 0.7,
            needs=needs, agreement_signed_at=signed, commitment_signed_at=signed, signature=link.guardian.name,
            state=state, tier=tier, tier_reasons=reasons,
        )
        if state in (Application.State.REVIEWED, Application.State.APPROVED):
            app.reviewed_by, app.reviewed_at = teachers.get(child.school_class_id), signed + dt.timedelta(days=1)
        if state == Application.State.APPROVED:
            app.approved_by, app.approved_at = leader, signed + dt.timedelta(days=2)
        rows.append(app)
    Application.objects.bulk_create(rows)
    for app in rows:
        k = rng.randint(*choose)
        app.periods.set(rng.sample(periods, min(k, len(periods))))
    return rows


def build_custody_demo(rng: random.Random, *, school_code: str = "3611990001", leader_name: str = "leader",
                       teacher_name: str = "teacher", volunteer_name: str = "volunteer", worker_name: str = "community",
                       community_code: str = "361199100001", holidays: bool = True) -> None:
    """The custody record of one school (its leader organises, `teacher_name` teaches the class on duty) and one
    community's draft programme. The scaled county (`tongxin.demo.scale`) builds one per copy of the county."""
    User = get_user_model()
    for name, (off, on) in HOLIDAYS_2026.items() if holidays else ():
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=dt.date.fromisoformat(d), workday=False, name=name) for d in off]
            + [CalendarDay(date=dt.date.fromisoformat(d), workday=True, name=f"{name}调休上班") for d in on])

    school = School.objects.get(code=school_code)
    leader = User.objects.get(username=leader_name)
    teachers = {a.school_class_id: a.user for a in
                User.objects.get(username=teacher_name).assignments.model.objects.filter(
                    role=Role.CLASS_TEACHER, school_class__school=school).select_related("user")}
    teacher_users = list(dict.fromkeys(teachers.values()))
    volunteer = User.objects.get(username=volunteer_name)
    pupils = list(Child.objects.filter(school=school, school_class__grade__year__lte=5)
                  .select_related("family", "school_class").prefetch_related("guardianships__guardian").order_by("id"))

    # ---------------------------------------------------------------- summer 2026: the whole record
    summer = services.create_programme(
        leader, name=f"{school.name}2026年暑期托管", kind=Programme.Kind.SUMMER, school=school,
        apply_deadline=dt.date(2026, 6, 26), fee_per_day=Decimal("20"), lunch_price=Decimal("12"),
        agreement_text=AGREEMENT, commitment_text=COMMITMENT, status=Programme.Status.OPEN, today=dt.date(2026, 6, 1))
    classroom = Site.objects.get(school=school, kind=Site.Kind.CLASSROOM)
    library = Site.objects.get(school=school, kind=Site.Kind.LIBRARY)
    periods = []
    for i, (start, end) in enumerate([((7, 6), (7, 17)), ((7, 20), (7, 31)), ((8, 3), (8, 14)), ((8, 17), (8, 28))], 1):
        period = services.add_period(leader, summer, name=f"第{'一二三四'[i - 1]}期",
                                     start=dt.date(2026, *start), end=dt.date(2026, *end))
        for site, gname in ((classroom, "一组"), (library, "二组")):
            group = services.add_group(leader, period, site=site, name=gname)
            services.save_timetable(leader, group, [dict(start=s, end=e, activity=a, title=t) for s, e, a, t in services.DEFAULT_DAY])
        periods.append(period)
    applicants = rng.sample(pupils, 210)
    # The school certified a few families 家庭经济困难 for 2025-2026 before the summer: their care fee is waived
    # as they are placed, like the 低保, 特困 and 困境 pupils' (C-08); nobody asks for it.
    certified = [c for c in applicants if not (c.family.low_income or c.family.extreme_poverty
                                               or c.care_status == Child.CareStatus.VULNERABLE)][:4]
    HardshipCertificate.objects.bulk_create([
        HardshipCertificate(child=c, school=school, school_year=2025, certified_by=teachers.get(c.school_class_id) or leader,
                            note="家庭收入低于当地低保标准1.5倍，班主任家访核实") for c in certified])
    _apps(rng, summer, applicants, periods, state=Application.State.APPROVED, leader=leader, teachers=teachers)
    for i, period in enumerate(periods):
        services.run_placement(leader, period, seed=f"2026暑期第{i + 1}期公开抽签")
    Programme.objects.filter(pk=summer.pk).update(status=Programme.Status.FINISHED)

    shifts = []
    for period in periods:
        groups = list(period.groups.order_by("name"))
        for day in services.period_days(period):
            people = rng.sample(teacher_users, len(groups) * 2)
            # Every shift was accepted (an organiser's rostering by the teacher, the volunteer's sign-up by
            # the organiser) and signed in and out: the summer is over.
            shifts.append(RosterShift(programme=summer, date=day, staff=leader, duty=RosterShift.Duty.LEADER,
                                      rostered_by=leader, signed_in_at=_at(day, 8, 5), signed_out_at=_at(day, 17, 45)))
            for gi, group in enumerate(groups):
                for person in people[gi * 2:gi * 2 + (2 if rng.random() < 0.85 else 1)]:
                    shifts.append(RosterShift(programme=summer, date=day, staff=person, duty=RosterShift.Duty.TEACHER,
                                              group=group, rostered_by=leader, signed_in_at=_at(day, 8, rng.randrange(0, 25)),
                                              signed_out_at=_at(day, 17, rng.randrange(30, 59))))
            if day.weekday() in (1, 3):
                shifts.append(RosterShift(programme=summer, date=day, staff=volunteer, duty=RosterShift.Duty.VOLUNTEER,
                                          group=groups[0], start=dt.time(13, 30), end=dt.time(17, 30), rostered_by=volunteer,
                                          signed_in_at=_at(day, 13, 25), signed_out_at=_at(day, 17, 35)))
    RosterShift.objects.bulk_create(shifts)
    PublishedRosterDay.objects.bulk_create([PublishedRosterDay(programme=summer, date=day, published_by=leader)
                                            for period in periods for day in services.period_days(period)])

    attendance, checks = [], []
    placed = list(Placement.objects.filter(period__programme=summer, state=Placement.State.PLACED).select_related("period", "child"))
    pickups = {}
    for link in Guardianship.objects.filter(child__in=[p.child_id for p in placed], can_pickup=True):
        pickups.setdefault(link.child_id, []).append(link.guardian_id)
    for p in placed:
        for day in services.period_days(p.period):
            if rng.random() < 0.05:
                reason = rng.choice(["生病请假", "随家长外出", "家中有事"])
                if reason == "生病请假":  # C-31: the cause and its follow-up
                    attendance.append(Attendance(
                        placement=p, date=day, absence_reason="因病：发热", absence_kind=AbsenceKind.ILLNESS,
                        symptoms=[Symptom.FEVER], follow_up_on=day + dt.timedelta(days=1),
                        follow_up_outcome="普通感冒，已退热，次日返校", followed_up_by=leader,
                        followed_up_at=_at(day + dt.timedelta(days=1), 9, 0)))
                else:
                    attendance.append(Attendance(placement=p, date=day, absence_reason=reason, absence_kind=AbsenceKind.PERSONAL))
                continue
            attendance.append(Attendance(
                placement=p, date=day, check_in_at=_at(day, 8, rng.randrange(10, 40)), check_in_by=leader,
                check_out_at=_at(day, 17, rng.randrange(0, 50) if rng.random() < 0.97 else 55), check_out_by=leader,
                picked_up_by_id=rng.choice(pickups.get(p.child_id) or [None])))
            for slot, hour in (("morning", 8), ("noon", 12), ("afternoon", 16)):
                t = Decimal(str(round(rng.uniform(36.1, 36.9), 1))) if rng.random() > 0.002 else Decimal("37.6")
                checks.append(HealthCheck(placement=p, date=day, slot=slot, temperature=t, checked_by=leader,
                                          note="已通知家长" if t >= Decimal("37.3") else ""))
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    HealthCheck.objects.bulk_create(checks, batch_size=2000)
    for p, kind, text, action in [
        (placed[3], Incident.Kind.INJURY, "课间追跑时摔倒，膝盖擦伤", "校医清洗消毒并包扎，观察无异常"),
        (placed[40], Incident.Kind.ILLNESS, "午休后诉头痛，体温37.6℃", "安排休息，通知家长提前接回"),
        (placed[77], Incident.Kind.CONFLICT, "两名学生因借书发生争执", "值班教师调解，双方和好，已告知家长"),
    ]:
        day = services.period_days(p.period)[2]
        Incident.objects.create(placement=p, occurred_at=_at(day, 14, 20), kind=kind, description=text, action_taken=action,
                                guardian_informed_at=_at(day, 14, 35), leader_informed_at=_at(day, 14, 25),
                                informed_note="电话告知家长", recorded_by=leader,
                                state=Incident.State.CLOSED, closed_by=leader, closed_at=_at(day, 17, 40))
    # Full waivers were written at placement. One family asked for a partial reduction, which was granted.
    partial = (Application.objects.filter(programme=summer, state=Application.State.PLACED, exemption__isnull=True)
               .select_related("child").order_by("pk").first())
    FeeExemption.objects.create(application=partial, percent=50, reason="父亲工伤住院，家庭暂时困难",
                                requested_by=teachers.get(partial.child.school_class_id) or leader,
                                state=FeeExemption.State.APPROVED, decided_by=leader, decided_at=_at(dt.date(2026, 7, 1), 10, 0))
    comments = ["老师很负责，孩子暑假作业按时完成了", "希望多安排些体育活动", "午餐可以再丰富一些", "孩子很喜欢科普实验",
                "接送时间能否延长到六点", ""]
    evaluations = []
    for p in placed:
        if rng.random() < 0.7:
            base = rng.choice([5, 5, 4, 4, 3])
            score = lambda: max(1, min(5, base + rng.choice([0, 0, 0, 1, -1])))  # noqa: E731
            evaluations.append(Evaluation(placement=p, safety=score(), homework=score(), activities=score(), staff=score(),
                                          overall=base, comment=rng.choice(comments), submitted_by=p.application.applicant))
    Evaluation.objects.bulk_create(evaluations)

    # ---------------------------------------------------------------- winter 2027: open for applications
    winter = services.create_programme(
        leader, name=f"{school.name}2027年寒假托管", kind=Programme.Kind.WINTER, school=school,
        apply_deadline=dt.date(2027, 1, 10), fee_per_day=Decimal("20"), lunch_price=Decimal("12"),
        agreement_text=AGREEMENT, commitment_text=COMMITMENT, status=Programme.Status.OPEN)
    w_periods = [services.add_period(leader, winter, name="第一期", start=dt.date(2027, 1, 18), end=dt.date(2027, 1, 29)),
                 services.add_period(leader, winter, name="第二期", start=dt.date(2027, 2, 22), end=dt.date(2027, 2, 26))]
    for period in w_periods:
        for site, gname in ((classroom, "一组"), (library, "二组")):
            services.add_group(leader, period, site=site, name=gname)
    demo_parent_children = set(Child.objects.filter(guardianships__guardian__user__username="parent").values_list("id", flat=True))
    class31 = [c for c in pupils if c.school_class.grade.year == 3 and c.school_class.number == 1 and c.pk not in demo_parent_children]
    others = [c for c in pupils if c not in class31 and c.pk not in demo_parent_children]
    _apps(rng, winter, class31[:6], w_periods, state=Application.State.SUBMITTED, leader=leader, teachers=teachers, choose=(1, 2))
    _apps(rng, winter, rng.sample(others, 20), w_periods, state=Application.State.REVIEWED, leader=leader, teachers=teachers, choose=(1, 2))

    # ---------------------------------------------------------------- after-school this term, at the school
    autumn = services.create_programme(
        leader, name=f"{school.name}2026年秋季课后托管", kind=Programme.Kind.AFTER_SCHOOL, school=school,
        day_start=dt.time(16, 0), day_end=dt.time(18, 0), fee_per_day=Decimal("6"), lunch_available=False,
        lunch_price=Decimal("0"), agreement_text=AGREEMENT, commitment_text=COMMITMENT, status=Programme.Status.OPEN)
    term = services.add_period(leader, autumn, name="秋季学期", start=dt.date(2026, 9, 1), end=dt.date(2027, 1, 15))
    services.add_group(leader, term, site=classroom, name="一组")
    services.add_group(leader, term, site=library, name="二组")
    _apps(rng, autumn, rng.sample(pupils, 70), [term], state=Application.State.APPROVED, leader=leader, teachers=teachers, choose=(1, 1))
    services.run_placement(leader, term, seed="2026秋季课后托管公开抽签")
    Programme.objects.filter(pk=autumn.pk).update(status=Programme.Status.RUNNING)
    teacher = User.objects.get(username=teacher_name)
    group_one = term.groups.get(name="一组")
    # A leader and a teacher on duty every custody day of the term, both accepted; their duty is signed in and
    # out on the days already past only (the workload credits no day still to come).
    today = timezone.localdate()

    def signed(day, minute_in, minute_out):
        return {"signed_in_at": _at(day, 15, minute_in), "signed_out_at": _at(day, 18, minute_out)} if day < today else {}

    term_days = services.period_days(term)
    RosterShift.objects.bulk_create(
        [RosterShift(programme=autumn, date=day, staff=leader, duty=RosterShift.Duty.LEADER, start=dt.time(16), end=dt.time(18),
                     rostered_by=leader, **signed(day, 50, 10)) for day in term_days]
        + [RosterShift(programme=autumn, date=day, staff=teacher, duty=RosterShift.Duty.TEACHER, group=group_one,
                       start=dt.time(16), end=dt.time(18), rostered_by=leader, **signed(day, 55, 5)) for day in term_days])
    # The roster is published as ready up to the end of next week; a volunteer's sign-up for the next custody
    # day waits for the leader's approval.
    horizon = today + dt.timedelta(days=13 - today.weekday())
    PublishedRosterDay.objects.bulk_create([PublishedRosterDay(programme=autumn, date=day, published_by=leader)
                                            for day in term_days if day <= horizon])
    upcoming = [day for day in term_days if day > today]
    if upcoming:
        RosterShift.objects.create(programme=autumn, date=upcoming[0], staff=volunteer, duty=RosterShift.Duty.VOLUNTEER,
                                   group=term.groups.get(name="二组"), start=dt.time(16), end=dt.time(18),
                                   state=RosterShift.State.AWAITING_ORGANISER, rostered_by=volunteer)

    # The term's roll so far: every past custody day checked in and handed over, a few absences, the 晚检 an
    # after-school session owes (today's session is left to the duty teacher).
    term_placed = list(Placement.objects.filter(period=term, state=Placement.State.PLACED))
    term_pickups: dict[int, list[int]] = {}
    for link in Guardianship.objects.filter(child__in=[p.child_id for p in term_placed], can_pickup=True):
        term_pickups.setdefault(link.child_id, []).append(link.guardian_id)
    term_rows, term_checks = [], []
    for p in term_placed:
        for day in (d for d in term_days if d < today):
            if rng.random() < 0.04:
                term_rows.append(Attendance(placement=p, date=day, absence_reason=rng.choice(["家中有事", "随家长外出"]),
                                            absence_kind="personal"))
                continue
            term_rows.append(Attendance(placement=p, date=day, check_in_at=_at(day, 16, rng.randrange(0, 10)),
                                        check_in_by=teacher, check_out_at=_at(day, 17, rng.randrange(40, 60)),
                                        check_out_by=teacher, picked_up_by_id=rng.choice(term_pickups.get(p.child_id) or [None])))
            term_checks.append(HealthCheck(placement=p, date=day, slot="afternoon", checked_by=teacher,
                                           temperature=Decimal(str(round(rng.uniform(36.2, 36.9), 1)))))
    Attendance.objects.bulk_create(term_rows, batch_size=2000)
    HealthCheck.objects.bulk_create(term_checks, batch_size=2000)

    # ---------------------------------------------------------------- a community programme
    worker = User.objects.get(username=worker_name)
    community = Region.objects.get(code=community_code)
    services.create_programme(
        worker, name=f"{community.name}儿童之家2027年寒假托管", kind=Programme.Kind.WINTER,
        community=community, apply_deadline=dt.date(2027, 1, 12),
        fee_per_day=Decimal("10"), lunch_available=False, lunch_price=Decimal("0"),
        agreement_text=AGREEMENT, commitment_text=COMMITMENT, status=Programme.Status.DRAFT)
