"""The demo county's care line: files of every category, risk level and compliance state (most in 石门乡, where
a third of households work away), a proxy parent for every left-behind child, records over the past months with
some helpers behind, the demo volunteer paired, monthly checks, the census and the village's docking.

Written through the care models in bulk (the services' rules are what the tests exercise); the categories come from
the same pure rules the services use."""

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from tongxin.care import rules
from tongxin.care.choices import Category, Dimension, Level, PairingKind, Party, Problem, RecordKind
from tongxin.care.models import (
    Assessment,
    CareFile,
    CareSettings,
    ClassCensus,
    ContactRecord,
    MonthlyCheck,
    Pairing,
    VillageCheck,
)
from tongxin.care.services.files import CARE_STATUS, classify
from tongxin.orgs.models import Region, Role, RoleAssignment, School, User
from tongxin.people import services as registry
from tongxin.people.models import Child, Guardian, Guardianship

HEALTH = ["良好", "良好", "良好", "一般", "一般", "高血压", "腿脚不便", "较差"]
PERSONALITY = ["内向、话少", "活泼开朗", "敏感、爱哭", "懂事、独立", "好动、注意力不集中", "腼腆"]
INTERESTS = ["画画", "踢足球", "看书", "唱歌", "跳绳", "下象棋", "手工"]
SUMMARIES = {
    RecordKind.TALK: ["聊了本周学习和生活，情绪稳定", "谈心：想念妈妈，鼓励其多与父母视频", "了解到与同学有小矛盾，已疏导"],
    RecordKind.CONTACT: ["与奶奶沟通孩子近期饮食起居", "电话联系父亲，反馈期中成绩", "与数学老师交流作业完成情况"],
    RecordKind.HOMEWORK: ["辅导数学作业约40分钟", "指导语文阅读理解", "检查英语单词背诵"],
    RecordKind.HOME_VISIT: ["入户走访，了解家庭生活情况", "家访：与祖父母交流监护注意事项"],
    RecordKind.FAMILY_CALL: ["在学校亲情电话与母亲通话10分钟"],
    RecordKind.SCHOOL_CHECK: ["向班主任了解本月在校表现"],
    RecordKind.LETTER: ["给孩子写信，鼓励其坚持阅读"],
}


def _weeks_back(today: dt.date, n: int) -> list[dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=i) for i in range(n)]


def build_care_demo(rng: random.Random, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    # The guardians' facts the categories need: since when a parent works away (a few only recently), a carer's
    # birth year and health.
    away = list(Guardian.objects.filter(works_away=True).only("pk").order_by("pk"))
    for g in away:
        months = rng.randrange(1, 3) if rng.random() < 0.07 else rng.randrange(4, 72)
        g.away_since = (today.replace(day=1) - dt.timedelta(days=30 * months)).replace(day=1)
    Guardian.objects.bulk_update(away, ["away_since"], batch_size=2000)
    carers = list(Guardian.objects.filter(guardianships__relationship=Guardianship.Relationship.GRANDPARENT)
                  .distinct().only("pk").order_by("pk"))
    for g in carers:
        g.birth_year, g.health = rng.randrange(1952, 1967), rng.choice(HEALTH)
    Guardian.objects.bulk_update(carers, ["birth_year", "health"], batch_size=2000)

    # A file for every child the rules cover; most opened at the start of the autumn term.
    term = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    # Only pupils without a file: a scaled county (`demo.scale`) calls this again for the parts it adds.
    pupils = list(Child.objects.exclude(school=None).filter(care_file__isnull=True).order_by("pk")
                  .values_list("pk", "family__hukou"))
    drafts = []
    for child_id, hukou in pupils:
        r = rng.random()
        added = term if r < 0.85 else (today.replace(day=1) - dt.timedelta(days=20)).replace(day=1) if r < 0.93 \
            else today.replace(day=max(1, today.day - rng.randrange(0, 10)))
        drafts.append(CareFile(child_id=child_id, added_on=min(added, today), boarding=rng.random() < 0.08,
                               single_parent=rng.random() < 0.03, seriously_ill=rng.random() < 0.004,
                               lacks_care=hukou == "non_local" and rng.random() < 0.35))
    found = classify(drafts, today)
    files = []
    for f in drafts:
        c = found[f.child_id]
        if c.category == Category.NONE:
            continue
        f.derived, f.derived_reasons, f.category = c.category, list(c.reasons), c.category
        f.personality, f.interests = rng.choice(PERSONALITY), rng.choice(INTERESTS)
        f.screening = {Dimension.GUARDIANSHIP: "祖辈监护，年龄偏大" if c.category == Category.LEFT_BEHIND else "",
                       Dimension.STUDY: rng.choice(["成绩中等", "成绩较好", "学习吃力，需辅导"])}
        f.screening = {k.value: v for k, v in f.screening.items() if v}
        if rng.random() < 0.15:
            f.problems = rng.sample([p.value for p in Problem], rng.randrange(1, 3))
        files.append(f)
    # A few set by hand: the village knows a father came home, or a family in trouble the data do not show.
    for f in rng.sample(files, max(1, len(files) // 60)):
        f.override = Category.VULNERABLE if f.derived != Category.VULNERABLE else Category.LEFT_BEHIND
        f.override_reason = "村委核实：家庭突发变故，父亲重病" if f.override == Category.VULNERABLE else "父母年后再次外出，数据待更新"
        f.category = f.override
    CareFile.objects.bulk_create(files, batch_size=2000)
    files = list(CareFile.objects.filter(child_id__in=[c for c, _ in pupils]).order_by("child_id"))
    Child.objects.filter(pk__in=[c for c, _ in pupils]).exclude(care_status="none").update(care_status="none")  # files rule
    registry.set_care_status(statuses={f.child_id: CARE_STATUS[Category(f.category)] for f in files})

    # Assessments: September's round for most files, the month's new files partly; some overdue.
    assessor = {a.school_id: a.user for a in RoleAssignment.objects.filter(role=Role.SCHOOL_LEADER)
                .select_related("user").order_by("pk")}
    class_teacher = {a.school_class_id: a.user for a in RoleAssignment.objects.filter(role=Role.CLASS_TEACHER).order_by("pk")
                     .select_related("user")}
    where = dict(Child.objects.filter(pk__in=[f.child_id for f in files]).values_list("pk", "school_class_id"))
    schools = dict(Child.objects.filter(pk__in=[f.child_id for f in files]).values_list("pk", "school_id"))
    assessments = []
    for f in files:
        if rng.random() < 0.08:
            continue  # overdue: nobody assessed
        day = max(f.added_on, term + dt.timedelta(days=rng.randrange(5, 28)))
        if day > today:
            continue
        scores = {d.value: rng.choices([0, 1, 2, 3], (70, 22, 7, 1))[0] for d in Dimension}
        level, reasons = rules.risk_level({Dimension(k): v for k, v in scores.items()}, [Problem(p) for p in f.problems])
        assessments.append(Assessment(file=f, on=day, scores=scores, problems=f.problems, level=level,
                                      reasons=list(reasons), by=class_teacher.get(where[f.child_id])
                                      or assessor.get(schools[f.child_id])))
        f.level, f.assessed_on = level, day
    Assessment.objects.bulk_create(assessments, batch_size=2000)

    # Monthly checks: last month's nearly all, this month's about two thirds.
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    checks = []
    for f in files:
        teacher = class_teacher.get(where[f.child_id])
        for month, share in ((last_month, 0.95), (this_month, 0.65)):
            if f.added_on <= month + dt.timedelta(days=27) and rng.random() < share:
                checks.append(MonthlyCheck(file=f, month=month, by=teacher))
                f.checked_month = month
    MonthlyCheck.objects.bulk_create(checks, batch_size=2000)
    CareFile.objects.bulk_update(files, ["level", "assessed_on", "checked_month"], batch_size=2000)
    censused = set(ClassCensus.objects.filter(term_start=term).values_list("school_class_id", flat=True))
    ClassCensus.objects.bulk_create([
        ClassCensus(school_class_id=class_id, term_start=term, by=user,
                    covered=sum(1 for f in files if where[f.child_id] == class_id))
        for class_id, user in class_teacher.items()
        if class_id not in censused and (rng.random() < 0.85 or user.username == "teacher")])

    # Pairings: a proxy parent for every left-behind child from the school's teachers (the rural school, with many
    # left-behind pupils and few teachers, sets its own load); a named helper for the high-risk; the demo volunteer.
    rural = School.objects.get(code="3611990004")
    CareSettings.objects.get_or_create(school=rural, defaults={"teacher_load": 8})
    teachers_of: dict[int, list[User]] = defaultdict(list)
    for a in RoleAssignment.objects.filter(role=Role.CLASS_TEACHER).select_related("user", "school_class").order_by("pk"):
        teachers_of[a.school_class.school_id].append(a.user)
    load: dict[int, int] = defaultdict(int)
    for helper_id in Pairing.objects.filter(kind=PairingKind.PROXY_PARENT).values_list("helper_id", flat=True):
        load[helper_id] += 1
    limit = {rural.pk: 8}
    pairings = []
    for f in sorted(files, key=lambda f: f.child_id):
        if f.category != Category.LEFT_BEHIND:
            continue
        school_id = schools[f.child_id]
        if school_id not in assessor:
            continue
        own = class_teacher.get(where[f.child_id])
        candidates = ([own] if own else []) + teachers_of[school_id]
        helper = next((u for u in candidates if load[u.pk] < limit.get(school_id, 2)), None)
        if helper is None:
            helper = assessor[school_id]
        load[helper.pk] += 1
        pairings.append(Pairing(child_id=f.child_id, kind=PairingKind.PROXY_PARENT, helper=helper, start=f.added_on,
                                card_signed_on=f.added_on + dt.timedelta(days=rng.randrange(0, 14))
                                if rng.random() < 0.7 else None))
        if f.level == Level.HIGH and school_id in assessor:
            pairings.append(Pairing(child_id=f.child_id, kind=PairingKind.KEY_CASE, helper=assessor[school_id],
                                    start=f.assessed_on or f.added_on))
    volunteer = User.objects.get(username="volunteer")
    home = Region.objects.get(code="361199100001")
    communities = dict(Child.objects.filter(pk__in=[f.child_id for f in files]).values_list("pk", "family__community_id"))
    near = [f for f in files if f.category == Category.LEFT_BEHIND and communities[f.child_id] == home.pk][:3]
    for f in [] if Pairing.objects.filter(helper=volunteer).exists() else near or files[:2]:
        pairings.append(Pairing(child_id=f.child_id, kind=PairingKind.VOLUNTEER, helper=volunteer, start=term,
                                card_signed_on=term + dt.timedelta(days=10)))
    Pairing.objects.bulk_create(pairings, batch_size=2000)

    # Records since the term began: most helpers keep 「三个二」, some fall behind (a tenth barely record at all).
    records = []
    diligence: dict[int, float] = {}
    for p in pairings:
        user = p.helper
        diligence.setdefault(user.pk, 0.15 if rng.random() < 0.1 else rng.uniform(0.93, 1.0))
        keen = diligence[user.pk]
        weeks = [w for w in _weeks_back(today, 12) if w >= p.start - dt.timedelta(days=6)]
        for monday in weeks:
            days = [monday + dt.timedelta(days=i) for i in range(5) if monday + dt.timedelta(days=i) <= today]
            if not days:
                continue
            if p.kind == PairingKind.KEY_CASE:  # a weekly contact and a visit a month
                if rng.random() < keen:
                    records.append(_record(rng, p.child_id, user, RecordKind.TALK, Party.CHILD, rng.choice(days)))
                if monday.day <= 7 and rng.random() < keen:
                    records.append(_record(rng, p.child_id, user, RecordKind.HOME_VISIT, Party.CARER, rng.choice(days)))
                continue
            if p.kind == PairingKind.VOLUNTEER:
                if monday.day <= 7 and rng.random() < keen:
                    records.append(_record(rng, p.child_id, user, RecordKind.TALK, Party.CHILD, rng.choice(days)))
                    records.append(_record(rng, p.child_id, user, RecordKind.SCHOOL_CHECK, Party.CHILD, rng.choice(days)))
                continue
            for _ in range(2 if rng.random() < keen else rng.choice([0, 1])):  # 「三个二」: twice a week
                kind = rng.choice([RecordKind.TALK, RecordKind.HOMEWORK, RecordKind.CONTACT])
                records.append(_record(rng, p.child_id, user, kind, Party.CHILD, rng.choice(days)))
        if p.kind == PairingKind.PROXY_PARENT:
            # 「三个二」's other two: two contacts a month with parents, carer or teachers; two visits every two months.
            month = max(p.start, term).replace(day=1)
            while month <= today:
                last = min((month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), today)
                span = [month + dt.timedelta(days=i) for i in range((last - month).days + 1)]
                for _ in range(2):
                    if rng.random() < keen:
                        records.append(_record(rng, p.child_id, user, RecordKind.CONTACT,
                                               rng.choice([Party.PARENT, Party.CARER, Party.SUBJECT_TEACHER]),
                                               rng.choice(span)))
                if rng.random() < keen:  # a visit in each month of the two
                    records.append(_record(rng, p.child_id, user, RecordKind.HOME_VISIT, Party.CARER, rng.choice(span)))
                month = (month + dt.timedelta(days=32)).replace(day=1)
    # The class teachers' monthly talk with each left-behind pupil.
    for f in files:
        teacher = class_teacher.get(where[f.child_id])
        if f.category != Category.LEFT_BEHIND or teacher is None:
            continue
        month = term
        while month <= today:
            day = month + dt.timedelta(days=rng.randrange(3, 25))
            if day <= today and rng.random() < 0.85:
                records.append(_record(rng, f.child_id, teacher, RecordKind.TALK, Party.CHILD, day))
            month = (month + dt.timedelta(days=32)).replace(day=1)
    ContactRecord.objects.bulk_create(records, batch_size=2000)

    # The village's docking: the village workers confirmed most residents' files, with a few differences.
    workers = {a.region_id: a.user for a in RoleAssignment.objects.filter(role=Role.COMMUNITY_WORKER)
               .select_related("user").order_by("pk")}
    village = []
    for f in files:
        community = communities[f.child_id]
        if community in workers and rng.random() < 0.8:
            category = f.category if rng.random() < 0.95 else Category.NONE
            village.append(VillageCheck(file=f, community_id=community, category=category, by=workers[community],
                                        note="" if category == f.category else "村里登记父母已返乡"))
    VillageCheck.objects.bulk_create(village, batch_size=2000)
    return {"files": len(files), "pairings": len(pairings), "records": len(records)}


def _record(rng: random.Random, child_id: int, user: User, kind: str, party: str, day: dt.date) -> ContactRecord:
    text = rng.choice(SUMMARIES.get(RecordKind(kind), ["已联系"]))
    visit = {}
    if kind == RecordKind.HOME_VISIT:
        visit = {"living": rng.choice(["住房安全，卫生一般", "祖孙二人居住，生活简朴"]),
                 "state": rng.choice(["精神状态良好", "略显孤僻"]), "needs": rng.choice(["学习辅导", "冬衣", "亲情陪伴"]),
                 "measures": rng.choice(["每周辅导两次", "联系爱心人士捐赠冬衣", "安排每周亲情视频"])}
    return ContactRecord(child_id=child_id, by=user, kind=kind, party=party, day=day, summary=text, **visit)


SUBJECT_TALKS = ["课后谈心：了解数学学习困难，约定每周答疑", "谈心：说起想念外出打工的爸爸妈妈，给予安慰和鼓励",
                 "谈心：最近上课走神，了解到晚上看电视较晚", "课间谈心：英语单词进步明显，表扬并鼓励坚持",
                 "谈心：与同桌闹矛盾，已帮助和好", "谈心：期中考试后情绪低落，一起分析试卷、制定计划"]
PUPILS_PER_SUBJECT_TEACHER = 5


def build_subject_talks(rng: random.Random, today: dt.date | None = None) -> int:
    """Each subject teacher's monthly talk (P-44): a handful of the left-behind pupils of the classes they teach,
    assigned by the class teacher at the start of the term (spread so a pupil has one subject teacher where there
    are enough), a talk with each in every month since — except last month's with one pupil, so each teacher is
    behind once (not in September: no month of the term has closed) — and this month's with about half so far.
    Deterministic: pupils by class and id, days from `rng`."""
    today = today or timezone.localdate()
    term = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    class_teacher = {a.school_class_id: a.user_id for a in RoleAssignment.objects.filter(role=Role.CLASS_TEACHER)
                     .order_by("pk")}
    taught: dict[int, list[int]] = defaultdict(list)  # subject teacher -> classes, in the order assigned
    for user_id, class_id in (RoleAssignment.objects.filter(role=Role.SUBJECT_TEACHER, active=True)
                              .order_by("pk").values_list("user_id", "school_class_id")):
        taught[user_id].append(class_id)
    left_behind: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)  # class -> (child, file opened)
    for child_id, class_id, added in (CareFile.objects.filter(category=Category.LEFT_BEHIND, child__school_class__isnull=False)
                                      .order_by("child__school_class_id", "child_id")
                                      .values_list("child_id", "child__school_class_id", "added_on")):
        left_behind[class_id].append((child_id, added))
    assigned: set[int] = set()
    pairings: list[Pairing] = []
    records: list[ContactRecord] = []
    for user_id in sorted(taught):
        # Alternate between the classes taught: pupils not yet assigned to another subject teacher first, then those
        # whose file was opened before last month (they have a history to show).
        queues = [sorted(left_behind[c], key=lambda p: (p[0] in assigned, p[1] >= last_month, p[0]))
                  for c in taught[user_id]]
        chosen: list[tuple[int, int, dt.date]] = []  # (class, child, file opened)
        while len(chosen) < PUPILS_PER_SUBJECT_TEACHER and any(queues):
            for class_id, queue in zip(taught[user_id], queues, strict=True):
                if queue and len(chosen) < PUPILS_PER_SUBJECT_TEACHER:
                    child_id, added = queue.pop(0)
                    chosen.append((class_id, child_id, added))
        behind = next((child for _, child, added in reversed(chosen) if added <= last_month), None)
        for i, (class_id, child_id, added) in enumerate(chosen):
            assigned.add(child_id)
            start = max(term, added)
            pairings.append(Pairing(child_id=child_id, kind=PairingKind.SUBJECT_TEACHER, helper_id=user_id,
                                    start=start, created_by_id=class_teacher.get(class_id),
                                    note="班主任安排：每月谈心一次"))
            month = start.replace(day=1)
            while month < this_month:
                last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                day = min(month + dt.timedelta(days=rng.randrange(4, 26)), last)
                if not (month == last_month and child_id == behind) and day >= start:
                    records.append(ContactRecord(child_id=child_id, by_id=user_id, kind=RecordKind.TALK,
                                                 party=Party.CHILD, day=day, summary=rng.choice(SUBJECT_TALKS)))
                month = last + dt.timedelta(days=1)
            if i % 2 == 1:  # this month's, with about half so far (not yet with the one behind, the last)
                day = max(start, this_month + dt.timedelta(days=rng.randrange(0, today.day)))
                records.append(ContactRecord(child_id=child_id, by_id=user_id, kind=RecordKind.TALK, party=Party.CHILD,
                                             day=day, summary=rng.choice(SUBJECT_TALKS)))
    Pairing.objects.bulk_create(pairings, batch_size=2000)
    ContactRecord.objects.bulk_create(records, batch_size=2000)
    return len(pairings)
