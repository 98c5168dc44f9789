"""The demo county's absence and dropout work (控辍保学): a month of daily registers for 石门中心小学's twelve classes
and two classes of 实验小学 (the demo teacher's among them), with the everyday sick and personal leave, and cases in
every stage — in 石门: one opened on the last school day, one over a week with persuasion recorded, one returned,
one where persuasion failed and the written report was delivered to the township's education management centre
and government (the case given to the village's children's director on the way); in the demo teacher's class one
over a week waiting for persuasion and one returned; in another 实验小学 class one whose reason is overdue.

Every register and every step goes through the services, with the days passed in, so each is what the rules would
have recorded. Deterministic for a seed and a date."""

import datetime as dt
import random

from django.utils import timezone

from tongxin.care.absence_choices import Closing, Delivery, Method, Reason, Recipient, Result
from tongxin.care.absence_models import Absence, AbsenceRegister, DropoutCase
from tongxin.care.services import absence as svc
from tongxin.orgs.models import Role, RoleAssignment, SchoolClass, User
from tongxin.people.models import Child

from .custody import HOLIDAYS_2026

WINDOW = 30  # calendar days of registers
OFF = {dt.date.fromisoformat(d) for off, _ in HOLIDAYS_2026.values() for d in off}
ON = {dt.date.fromisoformat(d) for _, on in HOLIDAYS_2026.values() for d in on}


def _school_day(day: dt.date) -> bool:
    return day in ON or (day.weekday() < 5 and day not in OFF)


def _snap(day: dt.date) -> dt.date:
    """The first school day on or after `day`."""
    while not _school_day(day):
        day += dt.timedelta(days=1)
    return day


def _teacher(class_id: int) -> User:
    return (User.objects.filter(assignments__role=Role.CLASS_TEACHER, assignments__school_class_id=class_id)
            .order_by("pk").first())


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def build_absence_demo(rng: random.Random, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    days = [d for d in (today - dt.timedelta(days=i) for i in range(WINDOW, -1, -1)) if _school_day(d)]
    last = days[-1]
    shimen = list(SchoolClass.objects.filter(school__name="石门中心小学").order_by("grade__year", "number"))
    demo_class = RoleAssignment.objects.get(user__username="teacher", role=Role.CLASS_TEACHER).school_class
    other = SchoolClass.objects.get(school=demo_class.school, grade__year=5, number=2)
    classes = shimen + [demo_class, other]
    rolls = {c.pk: list(Child.objects.filter(school_class=c).order_by("initials", "pk").values_list("pk", flat=True))
             for c in classes}
    teachers = {c.pk: _teacher(c.pk) for c in classes}

    # Who is away without a reason, from when to when (None: still away).
    def pupil(klass: SchoolClass, index: int) -> int:
        return rolls[klass.pk][index]

    s_new, s_week, s_back, s_failed = pupil(shimen[2], 3), pupil(shimen[6], 5), pupil(shimen[4], 7), pupil(shimen[9], 2)
    t_week, t_back, o_new = pupil(demo_class, 6), pupil(demo_class, 11), pupil(other, 4)
    spans = {
        s_new: (last, None),
        s_week: (_snap(today - dt.timedelta(days=10)), None),
        s_back: (days[-15], days[-13]),
        s_failed: (_snap(today - dt.timedelta(days=27)), None),
        t_week: (_snap(today - dt.timedelta(days=9)), None),
        t_back: (days[-9], days[-7]),
        o_new: (days[-3], None),
    }

    # The days a case is opened, runs or ends go through the register service; the other class days (most of the
    # month) are written in bulk, as the service would have written them, to keep the demo quick to build.
    plain: list[tuple[AbsenceRegister, dict[int, str]]] = []
    registers = 0
    for day in days:
        for klass in classes:
            if day == today and klass.pk in (demo_class.pk, shimen[10].pk, shimen[11].pk):
                continue  # not taken yet today: the demo teacher's (the walk takes it) and two of 石门's
            marks: dict[int, str] = {}
            touched = False
            for child_id, (start, back) in spans.items():
                if child_id in rolls[klass.pk] and start <= day and (back is None or day <= back):
                    touched = True
                    if back is None or day < back:
                        marks[child_id] = Reason.UNEXPLAINED
            away = rng.choices([0, 1, 2, 3], weights=[45, 35, 15, 5])[0]
            for child_id in rng.sample(rolls[klass.pk], away):
                if child_id not in spans:
                    marks[child_id] = rng.choices([Reason.SICK, Reason.PERSONAL, Reason.OTHER], weights=[6, 3, 1])[0]
            at = _at(day, 8, rng.randrange(5, 40))
            if touched:
                svc.register_save(actor=teachers[klass.pk], class_id=klass.pk, day=day, marks=marks, today=day, now=at)
            else:
                plain.append((AbsenceRegister(school_class=klass, day=day, roster=len(rolls[klass.pk]),
                                              by=teachers[klass.pk], at=at), marks))
            registers += 1
    AbsenceRegister.objects.bulk_create([r for r, _ in plain], batch_size=500)
    saved = {(r.school_class_id, r.day): r.pk for r in AbsenceRegister.objects.filter(day__in=days)}
    Absence.objects.bulk_create([Absence(register_id=saved[(r.school_class_id, r.day)], child_id=child_id, day=r.day,
                                         reason=reason) for r, marks in plain for child_id, reason in marks.items()],
                                batch_size=1000)

    cases = {c.child_id: c for c in DropoutCase.objects.filter(child_id__in=list(spans)).select_related(
        "responsible", "child")}
    leaders = {c.school_id: User.objects.get(assignments__role=Role.SCHOOL_LEADER, assignments__school_id=c.school_id)
               for c in cases.values()}

    def step(fn, case: DropoutCase, on: dt.date, actor: User | None = None, **kw):
        return fn(actor=actor or case.responsible, case=case, today=on, now=_at(on, 17, 30), **kw)

    # Over a week: the reason found by phone the next day, persuasion by phone and a home visit.
    case = cases[s_week]
    opened = case.opened_on
    step(svc.case_cause, case, opened + dt.timedelta(days=1), day=opened + dt.timedelta(days=1),
         method=Method.PHONE, text="奶奶说孩子不愿上学，整天在家玩手机；父母在东莞务工，管不住。")
    week = opened + dt.timedelta(days=7)
    step(svc.case_persuade, case, week, day=week, method=Method.PHONE, people=case.responsible.display_name,
         result=Result.UNDECIDED, text="与在东莞的父亲通话，父亲答应做孩子工作，但孩子仍不愿返校。")
    if week + dt.timedelta(days=1) <= today:
        step(svc.case_persuade, case, week + dt.timedelta(days=1), day=week + dt.timedelta(days=1),
             method=Method.HOME_VISIT, people=f"{case.responsible.display_name}、石门村儿童主任",
             result=Result.WILL_RETURN, text="入户家访，与奶奶和孩子谈心，孩子说同学笑话他成绩差；答应下周一返校，班主任安排同学结对帮学。")

    # Returned after three days: the reason found, back at school, closed.
    case = cases[s_back]
    opened, back = spans[s_back]
    step(svc.case_cause, case, opened, day=opened, method=Method.PHONE, text="跟爷爷去外县亲戚家吃酒，未向学校请假。")
    step(svc.case_close, case, back, closing=Closing.RETURNED, day=back, cause="",
         text="已返校，向家长讲明请假制度；班主任继续关注。")

    # Persuasion failed: home visits refused, given to the village's director, reported in writing, delivered.
    case = cases[s_failed]
    opened = case.opened_on
    school_leader = leaders[case.school_id]
    step(svc.case_cause, case, opened + dt.timedelta(days=1), day=opened + dt.timedelta(days=1),
         method=Method.HOME_VISIT, text="父母离异，随父亲生活；父亲让其在家照看弟弟，称“读书没用”。")
    week = opened + dt.timedelta(days=7)
    step(svc.case_persuade, case, week, day=week, method=Method.HOME_VISIT,
         people=f"{case.responsible.display_name}、石门村儿童主任", result=Result.REFUSED,
         text="宣讲义务教育法，父亲仍拒绝送孩子返校。")
    village = (User.objects.filter(assignments__role=Role.COMMUNITY_WORKER,
                                   assignments__region=case.child.family.community_id).order_by("pk").first())
    if village is not None:
        step(svc.case_reassign, case, week + dt.timedelta(days=1), actor=school_leader, responsible_id=village.pk,
             text="双线责任制：由村委会牵头劝返，班主任配合。")
        case.refresh_from_db()
    step(svc.case_persuade, case, week + dt.timedelta(days=3), day=week + dt.timedelta(days=3),
         method=Method.HOME_VISIT, people="村委会主任、村儿童主任、班主任", result=Result.REFUSED,
         text="村干部与学校再次入户，父亲态度坚决，孩子在家带弟弟。")
    fail_day = week + dt.timedelta(days=5)
    step(svc.case_fail, case, fail_day, actor=school_leader, day=fail_day,
         text="经学校和村委会两次入户、多次电话劝返，监护人拒不送其返校，劝返无效。")
    deliver = fail_day + dt.timedelta(days=1)
    step(svc.case_deliver, case, deliver, actor=school_leader, recipient=Recipient.EDU_CENTRE, day=deliver,
         delivery=Delivery.IN_PERSON, people="张主任", text="")
    step(svc.case_deliver, case, deliver, actor=school_leader, recipient=Recipient.GOVERNMENT, day=deliver,
         delivery=Delivery.IN_PERSON, people="党政办 刘干事", text="")

    # The demo teacher's class: over a week, the reason known, persuasion due; and one back last week.
    case = cases[t_week]
    step(svc.case_cause, case, case.opened_on, day=case.opened_on, method=Method.PHONE,
         text="妈妈从外地回来后带孩子去了浙江，说要在那边上学，但还没办转学。")
    case = cases[t_back]
    opened, back = spans[t_back]
    step(svc.case_close, case, back, closing=Closing.RETURNED, day=back, cause="发烧在家两天，奶奶不会用手机请假。",
         text="已返校，身体恢复；教奶奶用电话请假。")
    return registers
