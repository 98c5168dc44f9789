"""The demo county's mandatory reports (强制报告), in every state: the townships' receiving settings, a report
waiting for 城关镇 to acknowledge, two in 石门乡 nobody acknowledged (one gone to the township's leader, one on
to the county civil affairs bureau), one acknowledged with the police's receipt and measures, closed ones.

Written through the services with the times passed in, so every event is what the rules would have recorded."""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from tongxin.care.report_choices import Situation
from tongxin.care.services import reports as svc
from tongxin.orgs.models import Region, Role, RoleAssignment, User
from tongxin.people.models import Child

POLICE = {"城关镇": ("城关派出所", "赵警官", "0795-6812110"), "滨河街道": ("滨河派出所", "钱警官", "0795-6823110"),
          "石门乡": ("石门派出所", "吴警官", "0795-6855110")}


def _leader(township: Region, password: str) -> User:
    username = f"tl{township.code[-6:-3]}"
    user, _ = User.objects.get_or_create(username=username, defaults={
        "real_name": f"{township.name}分管领导", "password": password, "phone": f"1390001{township.code[-6:-3]}0"})
    RoleAssignment.objects.get_or_create(user=user, role=Role.TOWNSHIP_OFFICER, region=township)
    return user


def _pupil(school_name: str, township: Region, skip: set[int]) -> tuple[Child, User]:
    """A pupil of this school living in this township, and the pupil's class teacher."""
    child = (Child.objects.filter(school__name=school_name, family__community__path__startswith=township.path)
             .exclude(pk__in=skip).order_by("pk").first())
    assert child is not None, (school_name, township.name)
    skip.add(child.pk)
    teacher = (User.objects.filter(assignments__role=Role.CLASS_TEACHER, assignments__school_class=child.school_class_id)
               .order_by("pk").first())
    assert teacher is not None
    return child, teacher


def build_reports_demo(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    password = User.objects.get(username="admin").password or make_password("tongxin2026")
    townships = {t.name: t for t in Region.objects.filter(level=Region.Level.TOWNSHIP, name__in=POLICE)}
    county_civil = User.objects.get(username="county_civil")
    for name, township in townships.items():
        police, contact, phone = POLICE[name]
        officer = (User.objects.filter(assignments__role=Role.TOWNSHIP_OFFICER, assignments__region=township)
                   .order_by("pk").first())
        leader = _leader(township, password)
        svc.route_set(county_civil, township_id=township.pk, police_name=police, police_contact=contact,
                      police_phone=phone, government_contact_id=officer.pk if officer else None,
                      leader_id=leader.pk, ack_minutes=120)
    skip: set[int] = set()
    shimen, chengguan, binhe = townships["石门乡"], townships["城关镇"], townships["滨河街道"]
    hour = dt.timedelta(hours=1)
    officer = {t.pk: User.objects.filter(assignments__role=Role.TOWNSHIP_OFFICER, assignments__region=t)
               .exclude(username__startswith="tl").order_by("pk").first() for t in townships.values()}

    def raise_(school: str, township: Region, situation: str, text: str, at: dt.datetime, **kw):
        child, teacher = _pupil(school, township, skip)
        return svc.report_raise(teacher, child_id=child.pk, situation=situation, description=text, now=at, **kw)

    # Closed three weeks ago: a boy alone at home for a week, grandmother in hospital.
    r = raise_("石门中心小学", shimen, Situation.ALONE_OR_MISSING,
               "连续三天放学后独自在家，奶奶住院一周，家中无其他大人；父母在广东务工。", now - 21 * 24 * hour,
               location="石门村家中")
    svc.report_police_receipt(officer[shimen.pk], r, text="石门派出所吴警官电话接报", now=r.raised_at + 0.3 * hour)
    svc.report_act(officer[shimen.pk], r, now=r.raised_at + 3 * hour,
                   text="村儿童主任当晚入户，联系其叔叔临时照料；已通知父母，母亲三日内返乡。")
    svc.report_close(officer[shimen.pk], r, now=r.raised_at + 5 * 24 * hour, text="母亲已返乡照料，转入常规帮扶。")
    # Acknowledged yesterday, police received, being handled.
    r = raise_("石门中心小学", shimen, Situation.SUSPECTED_HARM,
               "右臂和背部多处淤青，问起来不愿说，怀疑在家被打。", now - 20 * hour, location="学校")
    svc.report_receive(officer[shimen.pk], r, now=r.raised_at + 0.7 * hour)
    svc.report_police_receipt(officer[shimen.pk], r, text="警情编号 J2026120301", now=r.raised_at + hour)
    svc.report_act(officer[shimen.pk], r, now=r.raised_at + 4 * hour,
                   text="派出所和乡妇联到家核实，对监护人进行训诫；班主任每日关注，心理老师跟进。")
    # Nobody acknowledged: gone to the leader, then the county.
    raise_("石门中心小学", shimen, Situation.GUARDIAN_INCAPABLE,
           "爷爷突发中风住院，孩子和7岁的妹妹两天来由邻居照看吃饭。", now - 5 * hour, location="桃源村")
    raise_("石门中心小学", shimen, Situation.ABANDONED,
           "孩子说妈妈走了没有回来，爸爸一个多月没有音讯，晚上一个人睡。", now - 3 * hour, urgent=True)
    # Waiting, within time, for 城关镇 (the demo township login).
    raise_("青溪县实验小学", chengguan, Situation.GUARDIAN_NEGLECT,
           "孩子这周三天没吃早饭，衣服一直没换，家长电话打不通。", now - 0.4 * hour)
    # Closed in 滨河街道.
    r = raise_("滨河小学", binhe, Situation.SUSPECTED_HARM, "放学路上被高年级学生拦截索要财物，脸部擦伤。",
               now - 10 * 24 * hour)
    svc.report_receive(officer[binhe.pk], r, now=r.raised_at + 0.5 * hour)
    svc.report_act(officer[binhe.pk], r, now=r.raised_at + 2 * hour, text="派出所约谈涉事学生家长，学校加强放学护送。")
    svc.report_close(officer[binhe.pk], r, now=r.raised_at + 3 * 24 * hour, text="已处理完毕。")
    # The scan runs every minute: the steps are taken a minute after each deadline.
    return sum(svc.reports_escalate(now=at) for at in (now - 3 * hour + dt.timedelta(minutes=1),
                                                       now - hour + dt.timedelta(minutes=1), now))
