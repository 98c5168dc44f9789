"""The demo county's counselling and support (P-55, P-58, P-59): a counsellor at 青溪县实验小学 (the demo login
`counsellor`, head teacher of 五年级（1）班) and one at 石门中心小学, designated by their leaders; this term's study
support plans for covered pupils of the demo teacher's class and of 石门中心小学 (one with last term's too);
individual and group counselling records; mailbox letters answered on time (one kept off the board), answered
late, waiting and overdue.

Written through the services with the dates passed in, relative to today (as the handovers' demo)."""

import datetime as dt

from django.utils import timezone

from tongxin.care import counsel_rules
from tongxin.care.choices import Category
from tongxin.care.counsel_models import CounsellingKind
from tongxin.care.models import CareFile
from tongxin.care.services import counsel as svc
from tongxin.orgs.models import Role, School, User

PLANS = [
    ("每周二、周四放学后 30 分钟", "数学计算和应用题，检查家庭作业", "期末数学达到及格",
     ["单元测验 58 分，计算错误明显减少", "期中数学 68 分，比上学期末提高 16 分"]),
    ("每天午休后 20 分钟", "语文阅读和生字听写，每周读完一本绘本", "能独立读完一本课外书",
     ["生字听写正确率由六成提高到八成"]),
    ("每周一、三、五早读时间", "英语单词和朗读，由学习帮手一起练习", "", []),
]
INDIVIDUAL = [
    ("想念外出打工的爸爸妈妈", "孩子说妈妈过年没回来，晚上常哭。倾听后帮她写了一封给妈妈的信，约好每周五和妈妈视频。",
     "两周后再谈一次；请班主任留意课间情绪"),
    ("和同学闹矛盾后不愿上学", "了解到是因为被同学取笑穿着。与孩子一起想了应对的话，和班主任商量在班会上讲尊重。",
     "一周后回访，看是否按时到校"),
    ("考试焦虑", "考前睡不好、肚子疼。教了深呼吸放松的方法，和孩子约定把目标定在“比上次进步一点”。", ""),
]
GROUPS = [
    ("我的情绪小怪兽", "用绘本和情绪卡片认识开心、难过、生气、害怕，每人画出自己的“情绪小怪兽”，分享让自己平静的办法。",
     "下次团体辅导：学会求助"),
    ("给远方的爸爸妈妈写封信", "留守学生一起写信、画画寄给外出务工的父母，说说自己的进步和心里话。", "信由学校统一寄出"),
]
LETTERS = [
    # (days before today, letter, answer or None, answered on the due day?, on the board?)
    (40, "老师，我晚上一个人睡觉有点害怕，奶奶耳朵不好，我叫她她听不见。", "谢谢你愿意告诉老师。害怕是很正常的感受。睡前可以开一盏小夜灯，"
     "把想说的话写在本子上。老师已经请班主任去你家看看，帮奶奶装一个门铃。你很勇敢！", True, True),
    (33, "我想爸爸了，他说过年回来，可是又说不回来了。", "想念爸爸说明你们感情很深。可以和爸爸约好每周视频一次，把学校里的开心事讲给他听。"
     "心里难过的时候，也可以来心理辅导室找老师聊聊。", True, True),
    (26, "我们班有人给我起外号，我不想去上学。", "被起外号一定很难受，这不是你的错。老师会和你们班主任一起在班里讲讲怎样尊重别人。"
     "你也可以直接来找老师，我们一起想办法。", True, False),
    (24, "考试的时候我总是紧张，手心出汗，怎么办？", "考前紧张很多同学都有。试试深呼吸：吸气数四下，停一下，再慢慢呼气。"
     "把目标定成“比上次进步一点点”，你会发现没那么可怕。", False, True),
    (14, "奶奶生病住院了，我不知道该怎么办，也不敢跟老师说。", None, False, False),
    (10, "我想转学去爸爸妈妈打工的城市，可是他们说不行。", None, False, False),
    (1, "同桌不跟我玩了，我不知道哪里做错了。", None, False, False),
    (0, "老师，我最近晚上睡不着，老是想事情。", None, False, False),
]


def _leader(school: School) -> User:
    return User.objects.filter(assignments__role=Role.SCHOOL_LEADER, assignments__school=school).order_by("pk").first()


def _teacher(school: School) -> User:
    return (User.objects.filter(assignments__role=Role.CLASS_TEACHER, assignments__school_class__school=school)
            .order_by("pk").first())


def build_counsel_demo(today: dt.date | None = None) -> int:
    """Returns how many counselling records it wrote."""
    today = today or timezone.localdate()
    now = timezone.now()
    term_start, _ = counsel_rules.term_of(today)
    made = 0
    for school_name, counsellor_name in (("青溪县实验小学", "counsellor"), ("石门中心小学", "t441")):
        school = School.objects.get(name=school_name)
        leader = _leader(school)
        user = User.objects.filter(username=counsellor_name).first()
        if leader is None or user is None:
            continue
        counsellor = svc.counsellor_designate(leader, school_id=school.pk, user_id=user.pk,
                                              now=now - dt.timedelta(days=120))
        covered = list(CareFile.objects.filter(child__school=school, category=Category.LEFT_BEHIND)
                       .order_by("child__school_class__grade__year", "child__school_class__number", "child_id")
                       .values_list("child_id", "child__school_class_id"))
        for i, (topic, notes, follow_up) in enumerate(INDIVIDUAL if covered else []):
            svc.counselling_create(user, counsellor_id=counsellor.pk, kind=CounsellingKind.INDIVIDUAL,
                                   day=today - dt.timedelta(days=5 + 9 * i), child_ids=[covered[i * 3 % len(covered)][0]],
                                   topic=topic, notes=notes, follow_up=follow_up, today=today)
            made += 1
        by_class: dict[int, list[int]] = {}
        for child_id, class_id in covered:
            by_class.setdefault(class_id, []).append(child_id)
        groups = [ids for ids in by_class.values() if len(ids) >= 2]
        for i, (topic, notes, follow_up) in enumerate(GROUPS):
            if groups:
                svc.counselling_create(user, counsellor_id=counsellor.pk, kind=CounsellingKind.GROUP,
                                       day=today - dt.timedelta(days=12 + 14 * i), child_ids=groups[i % len(groups)][:8],
                                       topic=topic, notes=notes, follow_up=follow_up, today=today)
                made += 1
        if school_name == "石门中心小学":  # a school that answers on Thursdays (the answer day is the school's)
            svc.mailbox_weekday_set(leader, school_id=school.pk, weekday=3)
        writer = _teacher(school)
        weekday = svc.sel.answer_weekday(school.pk)
        for days, text, answer, on_time, on_board in LETTERS:
            left_on = today - dt.timedelta(days=days)
            letter = svc.letter_leave(writer, school_id=school.pk, text=text, today=left_on)
            if answer is not None:
                due = counsel_rules.answer_due(left_on, weekday)
                answered_on = min(due if on_time else due + dt.timedelta(days=3), today)
                svc.letter_answer(user, message_id=letter.pk, text=answer, on_board=on_board, today=answered_on)
    _study_plans(today, term_start)
    return made


def _study_plans(today: dt.date, term_start: dt.date) -> None:
    """Plans for the first covered pupils of the demo teacher's class and of 石门中心小学 (by their class
    teachers); the first of each also had one last term."""
    last_term_day = term_start - dt.timedelta(days=30)
    for username, school_name in (("teacher", "青溪县实验小学"), ("t441", "石门中心小学")):
        user = User.objects.get(username=username)
        class_id = user.assignments.filter(role=Role.CLASS_TEACHER).values_list("school_class_id", flat=True).first()
        files = list(CareFile.objects.filter(child__school_class_id=class_id).exclude(category=Category.NONE)
                     .order_by("child_id")[:len(PLANS)])
        for i, (file, (schedule, content, goal, results)) in enumerate(zip(files, PLANS)):
            if i == 0:
                old = svc.study_plan_save(user, file, schedule="每周三放学后 40 分钟", content="数学口算和乘法口诀",
                                          goal="乘法口诀全部背熟", today=last_term_day)
                svc.study_result_add(user, old, day=last_term_day - dt.timedelta(days=10),
                                     result="乘法口诀已能背到七的一段", today=last_term_day)
            plan = svc.study_plan_save(user, file, schedule=schedule, content=content, goal=goal, today=today)
            for k, result in enumerate(results):
                day = min(term_start + dt.timedelta(days=20 + 30 * k), today)
                svc.study_result_add(user, plan, day=day, result=result, today=today)
