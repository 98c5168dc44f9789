"""The demo county's volunteer and teacher pool (师资库): every teacher and school leader in the pool as an
in-service teacher, their employment inquiry (入职查询) made at hiring and recorded by the school's leader; the demo
`volunteer` accepted with a current inquiry; and about 150 people registered across the county in every state —
waiting to be vetted, rejected with a reason, accepted with a current check, accepted with an expired one or none
yet. Deterministic: the same seed gives the same pool.

Written directly (bulk) with fixed dates, as the rest of the county's history; the pages and services write the same
rows."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from tongxin.orgs.models import Region, Role, RoleAssignment, User
from tongxin.volunteers.choices import (
    CheckKind,
    CheckResult,
    InviteKind,
    InviteState,
    LetterKind,
    Source,
    State,
    TrainingPhase,
)
from tongxin.volunteers.models import Check, Invitation, Letter, Person, Training
from tongxin.volunteers.rules import LETTER_TEXTS

from . import ADULT_FEMALE, ADULT_MALE, DEMO_PASSWORD, SURNAMES

TEACHER_HIRED = dt.date(2024, 8, 26)  # the inquiry made at hiring (or at the 2024 re-check), valid five years
TEACHER_VALID = dt.date(2029, 8, 25)
SKILLS = {
    Source.RETIRED_TEACHER: ["语文辅导", "数学辅导", "英语辅导", "作业辅导", "书法", "阅读指导"],
    Source.STUDENT: ["作业辅导", "英语辅导", "科学实验", "编程", "体育游戏", "美术", "音乐"],
    Source.WULAO: ["红色故事", "家风家训", "安全教育", "象棋", "乡土文化"],
    Source.PROFESSIONAL: ["心理健康", "急救与防溺水", "法治教育", "卫生健康", "消防安全"],
    Source.ARTISAN: ["剪纸", "竹编", "采茶戏", "木雕", "扎染"],
    Source.ORGANISATION: ["团体游戏", "阅读陪伴", "亲子活动", "心理陪伴"],
}
AFFILIATION = {
    Source.STUDENT: ["江西师范大学", "南昌大学", "赣南师范大学", "华东交通大学", "九江学院"],
    Source.PROFESSIONAL: ["县人民医院", "县司法局", "县消防救援大队", "乡镇卫生院", "县律师事务所"],
    Source.ORGANISATION: ["青溪县青年志愿者协会", "青溪县心连心社工服务中心", "县红十字会"],
}
REJECT_REASONS = ["身份信息与户籍登记不一致，请核对后重新登记", "本人表示暂不能参加服务", "所填服务区域不在本乡镇"]


def _teachers(hired_by: dict[int, User]) -> tuple[list[Person], list[tuple[int, int]]]:
    """Every teacher and school leader not in the pool yet: a Person of their school; (user, school) for their
    check."""
    people, schools = [], []
    seen: set[int] = set()
    for a in (RoleAssignment.objects.filter(role__in=[Role.CLASS_TEACHER, Role.SUBJECT_TEACHER, Role.SCHOOL_LEADER],
                                            active=True, user__pool_person__isnull=True)
              .select_related("school", "school_class__grade__school").order_by("pk")):
        school = a.school or a.school_class.grade.school
        if a.user_id in seen:
            continue
        seen.add(a.user_id)
        people.append(Person(user_id=a.user_id, source=Source.TEACHER, school=school, home_id=school.region_id,
                             affiliation=school.name, skills="", weekdays="12345", holidays=True,
                             hours="放学后", state=State.ACCEPTED, vetted_by=hired_by.get(school.pk),
                             vetted_at=timezone.make_aware(dt.datetime(2024, 9, 2, 9))))
        schools.append((a.user_id, school.pk))
    return people, schools


def build_volunteers_demo(rng: random.Random) -> int:
    leaders = {a.school_id: a.user for a in RoleAssignment.objects.filter(role=Role.SCHOOL_LEADER, active=True)
               .select_related("user").order_by("pk")}
    workers = {a.region_id: a.user for a in RoleAssignment.objects.filter(role=Role.COMMUNITY_WORKER, active=True)
               .select_related("user").order_by("pk")}
    communities = list(Region.objects.filter(level=Region.Level.COMMUNITY).select_related("parent").order_by("path"))
    neighbours = {c.pk: [o for o in communities if o.parent_id == c.parent_id] for c in communities}
    admin = User.objects.get(username="admin")

    teachers, schools = _teachers(leaders)
    Person.objects.bulk_create(teachers)
    by_user = dict(Person.objects.values_list("user_id", "pk"))
    checks = [Check(person_id=by_user[user_id], kind=CheckKind.INQUIRY, result=CheckResult.CLEAR,
                    checked_on=TEACHER_HIRED, valid_until=TEACHER_VALID, checked_by=leaders.get(school_id, admin),
                    note="学校招聘时已做入职查询，按学校人事档案登记")
              for user_id, school_id in schools]

    # The demo volunteer (东门社区): accepted, a current inquiry.
    volunteer = User.objects.get(username="volunteer")
    home = next(c for c in communities if c.code == "361199100001")
    worker = workers.get(home.pk, admin)
    own = Person.objects.create(user=volunteer, source=Source.STUDENT, affiliation="江西师范大学", skills="作业辅导、英语辅导",
                                home=home, weekdays="246", holidays=True, hours="下午 14:00-17:30",
                                state=State.ACCEPTED, vetted_by=worker,
                                vetted_at=timezone.make_aware(dt.datetime(2026, 6, 20, 10)))
    own.areas.set(neighbours[home.pk])
    checks.append(Check(person=own, kind=CheckKind.INQUIRY, result=CheckResult.CLEAR, checked_on=dt.date(2026, 6, 22),
                        valid_until=dt.date(2029, 6, 21), checked_by=worker))

    rows = _registered(rng, [f"vol{n:03d}" for n in range(1, 151)], communities, neighbours, workers, admin, checks)
    Check.objects.bulk_create(checks)
    _training_and_letters(rng, [own] + [p for p in rows if p.state == State.ACCEPTED], workers, admin)
    # Invitations: the demo volunteer has one to answer (东门社区's winter custody); a few others answered.
    Invitation.objects.create(person=own, kind=InviteKind.CUSTODY, about="2027年寒假托管 值班志愿者", community=home,
                              start=dt.date(2027, 1, 18), invited_by=worker)
    answered = [p for p in rows if p.state == State.ACCEPTED][:12]
    Invitation.objects.bulk_create([
        Invitation(person=p, kind=InviteKind.PAIRING if i % 3 else InviteKind.CUSTODY, about="结对关爱留守儿童",
                   community=p.home, start=dt.date(2026, 9, 1), invited_by=workers.get(p.home_id, admin),
                   state=InviteState.DECLINED if i % 4 == 3 else InviteState.ACCEPTED,
                   answered_at=timezone.make_aware(dt.datetime(2026, 8, 28, 20)))
        for i, p in enumerate(answered)])
    return len(rows) + len(teachers) + 1


def build_scaled_pool(rng: random.Random, parts: list[tuple[str, list[str], str]]) -> int:
    """The pool of the parts a scaled county adds (`demo.scale`), as the demo county's: their teachers and leaders
    (the inquiry made at hiring), each part's volunteer accepted with a current inquiry, and 150 people registered
    across the part's communities in every state. `parts`: (tag, community codes, the volunteer's login)."""
    leaders = {a.school_id: a.user for a in RoleAssignment.objects.filter(role=Role.SCHOOL_LEADER, active=True)
               .select_related("user").order_by("pk")}
    workers = {a.region_id: a.user for a in RoleAssignment.objects.filter(role=Role.COMMUNITY_WORKER, active=True)
               .select_related("user").order_by("pk")}
    admin = User.objects.get(username="admin")
    teachers, schools = _teachers(leaders)
    Person.objects.bulk_create(teachers)
    by_user = dict(Person.objects.filter(source=Source.TEACHER).values_list("user_id", "pk"))
    checks = [Check(person_id=by_user[user_id], kind=CheckKind.INQUIRY, result=CheckResult.CLEAR,
                    checked_on=TEACHER_HIRED, valid_until=TEACHER_VALID, checked_by=leaders.get(school_id, admin),
                    note="学校招聘时已做入职查询，按学校人事档案登记")
              for user_id, school_id in schools]
    accepted: list[Person] = []
    registered = 0
    for tag, codes, volunteer_name in parts:
        communities = list(Region.objects.filter(code__in=codes).order_by("path"))
        neighbours = {c.pk: [o for o in communities if o.parent_id == c.parent_id] for c in communities}
        home = communities[0]
        worker = workers.get(home.pk, admin)
        own = Person.objects.create(user=User.objects.get(username=volunteer_name), source=Source.STUDENT,
                                    affiliation="江西师范大学", skills="作业辅导", home=home, weekdays="135",
                                    holidays=True, hours="下午", state=State.ACCEPTED, vetted_by=worker,
                                    vetted_at=timezone.make_aware(dt.datetime(2026, 6, 20, 10)))
        own.areas.set(neighbours[home.pk])
        checks.append(Check(person=own, kind=CheckKind.INQUIRY, result=CheckResult.CLEAR,
                            checked_on=dt.date(2026, 6, 22), valid_until=dt.date(2029, 6, 21), checked_by=worker))
        rows = _registered(rng, [f"vol{tag}{n:03d}" for n in range(1, 151)], communities, neighbours, workers, admin,
                           checks)
        accepted += [own] + [p for p in rows if p.state == State.ACCEPTED]
        registered += len(rows) + 1
    Check.objects.bulk_create(checks)
    _training_and_letters(rng, accepted, workers, admin)
    return registered + len(teachers)


def _registered(rng: random.Random, usernames: list[str], communities: list[Region], neighbours: dict[int, list[Region]],
                workers: dict[int, User], admin: User, checks: list[Check]) -> list[Person]:
    """People who registered themselves, across `communities` in every state (pending, rejected, accepted with a
    current, an expired or no inquiry yet); their checks are added to `checks`."""
    password = make_password(DEMO_PASSWORD)
    sources = [s for s in Source.values if s != Source.TEACHER]
    users, rows = [], []
    for username in usernames:
        surname = rng.choice(SURNAMES)
        given = rng.choice(ADULT_MALE if rng.random() < 0.5 else ADULT_FEMALE)
        users.append(User(username=username, real_name=f"{surname}{given[:2]}", password=password,
                          phone=f"139{rng.randrange(10**7, 10**8)}"))
    User.objects.bulk_create(users)
    assignments, links = [], []
    for user in users:
        source = Source(rng.choice(sources))
        home = rng.choice(communities)
        draw = rng.random()
        state = State.PENDING if draw < 0.15 else State.REJECTED if draw < 0.22 else State.ACCEPTED
        vetter = workers.get(home.pk, admin)
        rows.append(Person(
            user=user, source=source, home=home, affiliation=rng.choice(AFFILIATION.get(source, [""])),
            skills="、".join(rng.sample(SKILLS[source], 2)), weekdays="".join(sorted(rng.sample("12345", 2))),
            holidays=source == Source.STUDENT or rng.random() < 0.5, hours=rng.choice(["上午", "下午", "放学后", "周末全天"]),
            state=state, vetted_by=None if state == State.PENDING else vetter,
            vetted_at=None if state == State.PENDING else timezone.make_aware(dt.datetime(2026, rng.randrange(3, 11), 10, 9)),
            reject_reason=rng.choice(REJECT_REASONS) if state == State.REJECTED else ""))
        assignments.append(RoleAssignment(user=user, role=Role.VOLUNTEER, region=home, active=state == State.ACCEPTED))
    Person.objects.bulk_create(rows)
    RoleAssignment.objects.bulk_create(assignments)
    for person in rows:
        for area in rng.sample(neighbours[person.home_id], min(2, len(neighbours[person.home_id]))):
            links.append(Person.areas.through(person_id=person.pk, region_id=area.pk))
        if person.state != State.ACCEPTED:
            continue
        draw = rng.random()
        checker = workers.get(person.home_id, admin)
        if draw < 0.10:
            continue  # accepted, no inquiry yet: cannot be paired or rostered
        if draw < 0.22:  # an inquiry that has run out
            on = dt.date(2023, rng.randrange(1, 12), rng.randrange(1, 28))
            checks.append(Check(person=person, kind=CheckKind.INQUIRY, result=CheckResult.CLEAR, checked_on=on,
                                valid_until=on.replace(year=on.year + 3) - dt.timedelta(days=1), checked_by=checker))
            continue
        on = dt.date(2026, rng.randrange(3, 11), rng.randrange(1, 28))
        checks.append(Check(person=person, kind=CheckKind.INQUIRY, result=CheckResult.CLEAR, checked_on=on,
                            valid_until=on.replace(year=on.year + 3) - dt.timedelta(days=1), checked_by=checker))
        if person.source in (Source.PROFESSIONAL, Source.ORGANISATION) or rng.random() < 0.3:
            checks.append(Check(person=person, kind=CheckKind.HEALTH, result=CheckResult.CLEAR, checked_on=on,
                                valid_until=on.replace(year=on.year + 1) - dt.timedelta(days=1), checked_by=checker,
                                note="乡镇卫生院健康体检"))
    Person.areas.through.objects.bulk_create(links)
    return rows


def _training_and_letters(rng: random.Random, accepted: list[Person], workers: dict[int, User], admin: User) -> None:
    """Most accepted people had the county's pre-service training and signed both letters; some also a training
    during service. The demo volunteer has all of it."""
    trainings, letters = [], []
    for i, person in enumerate(accepted):
        if i and rng.random() < 0.15:
            continue
        by = workers.get(person.home_id, admin)
        held = dt.date(2026, rng.randrange(4, 7), rng.randrange(1, 28))
        trainings.append(Training(person=person, phase=TrainingPhase.BEFORE, title="儿童保护与安全防护岗前培训",
                                  held_on=held, hours=Decimal("2"), recorded_by=by))
        if i == 0 or rng.random() < 0.4:
            trainings.append(Training(person=person, phase=TrainingPhase.DURING, title="防溺水与急救在岗培训",
                                      held_on=dt.date(2026, 7, 10), hours=Decimal("1.5"), recorded_by=by))
        at = timezone.make_aware(dt.datetime.combine(held, dt.time(16, 0)))
        letters += [Letter(person=person, kind=kind, text=LETTER_TEXTS[kind], signed_at=at) for kind in LetterKind.values]
    Training.objects.bulk_create(trainings)
    Letter.objects.bulk_create(letters)
