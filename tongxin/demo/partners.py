"""Demo partners of the county seat's custody programmes: the youth palace and the library lending rooms, the
culture centre and a social-work organisation running activities; the community programme's bookings; the
accounts of the school's summer programme and the community's winter one; the summer's guest sessions."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from tongxin.custody.models import Attendance, Fund, GuestSession, Partner, Programme, Spending
from tongxin.custody.services import accounts, partners
from tongxin.orgs.models import Region, Site

SEAT = "361199100001"  # 东门社区, where the county's youth palace and library stand


def build_partners_demo(rng: random.Random) -> None:
    User = get_user_model()
    worker, leader = User.objects.get(username="community"), User.objects.get(username="leader")
    seat = Region.objects.get(code=SEAT)
    township = seat.parent
    assert township is not None

    def partner(name, kind, contact, phone, region, activities=""):
        return partners.register_partner(actor=worker, name=name, kind=kind, contact=contact, phone=phone,
                                         region=region, activities=activities)

    palace = partner("青溪县青少年宫", Partner.Kind.YOUTH_PALACE, "李晓红", "0793-5201108", seat, "体育游戏、书法绘画、科技制作")
    library = partner("青溪县图书馆", Partner.Kind.LIBRARY, "周文静", "0793-5201210", seat, "绘本阅读、阅读推广")
    culture = partner("青溪县文化馆", Partner.Kind.CULTURE_CENTRE, "汪建国", "0793-5202316", township, "非遗剪纸、采茶戏")
    partner("青溪县阳光社会工作服务中心", Partner.Kind.SOCIAL_ORG, "吴敏", "13879300012", township, "心理团辅、安全教育")
    palace_room = partners.add_partner_venue(
        actor=worker, partner=palace, site=Site.objects.get(name="青溪县青少年宫"), capacity=80,
        weekdays=[1, 2, 3, 4, 5], opens=dt.time(8, 30), closes=dt.time(17, 0), note="二楼活动室和室内体育馆")
    reading_room = partners.add_partner_venue(
        actor=worker, partner=library, site=Site.objects.get(name="青溪县图书馆少儿阅览室"), capacity=40,
        weekdays=[2, 4, 6], opens=dt.time(9), closes=dt.time(11, 30), note="须有工作人员陪同")

    winter = Programme.objects.get(community=seat, kind=Programme.Kind.WINTER)
    partners.book_partner_venue(actor=worker, programme=winter, venue=palace_room, start=dt.date(2027, 1, 18),
                                end=dt.date(2027, 1, 29), weekdays=[1, 2, 3, 4, 5], day_start=dt.time(14),
                                day_end=dt.time(16, 30), children=30, purpose="体育游戏、手工")
    partners.book_partner_venue(actor=worker, programme=winter, venue=reading_room, start=dt.date(2027, 1, 19),
                                end=dt.date(2027, 1, 28), weekdays=[2, 4], day_start=dt.time(9),
                                day_end=dt.time(11), children=20, purpose="绘本阅读")

    def money(actor, programme, incomes, spendings):
        for fund, payer, amount, day in incomes:
            accounts.record_income(actor=actor, programme=programme, fund=fund, payer=payer, amount=Decimal(amount),
                                   received_on=day)
        for fund, category, item, amount, day in spendings:
            accounts.record_spending(actor=actor, programme=programme, fund=fund, category=category, item=item,
                                     amount=Decimal(amount), spent_on=day)

    money(worker, winter, [
        (Fund.STREET_BUDGET, "城关镇人民政府", "5000", dt.date(2026, 11, 20)),
        (Fund.SPECIAL_FUND, "县妇联儿童之家建设专项", "3000", dt.date(2026, 11, 25)),
        (Fund.DONATION, "青溪县爱心商会", "2000", dt.date(2026, 12, 1)),
    ], [
        (Fund.DONATION, Spending.Category.MATERIALS, "绘本、文具、手工材料", "1260.50", dt.date(2026, 12, 2)),
        (Fund.SPECIAL_FUND, Spending.Category.INSURANCE, "儿童意外伤害保险（40人）", "480", dt.date(2026, 12, 3)),
        (Fund.STREET_BUDGET, Spending.Category.VENUE, "儿童之家取暖设备", "1850", dt.date(2026, 12, 3)),
    ])

    summer = Programme.objects.get(school__code="3611990001", kind=Programme.Kind.SUMMER)
    money(leader, summer, [
        (Fund.FEES, "家长缴纳托管费", "38400", dt.date(2026, 7, 3)),
        (Fund.STREET_BUDGET, "城关镇人民政府", "10000", dt.date(2026, 6, 28)),
        (Fund.DONATION, "青溪县爱心商会", "6000", dt.date(2026, 7, 8)),
        (Fund.SPECIAL_FUND, "县教育局暑期托管专项补助", "12000", dt.date(2026, 7, 15)),
    ], [
        (Fund.FEES, Spending.Category.STAFF, "值班教师补助（第一、二期）", "18600", dt.date(2026, 8, 3)),
        (Fund.FEES, Spending.Category.STAFF, "值班教师补助（第三、四期）", "17800", dt.date(2026, 8, 31)),
        (Fund.SPECIAL_FUND, Spending.Category.INSURANCE, "学生意外伤害保险", "2520", dt.date(2026, 7, 4)),
        (Fund.SPECIAL_FUND, Spending.Category.VENUE, "教室空调电费", "6400", dt.date(2026, 8, 31)),
        (Fund.DONATION, Spending.Category.MATERIALS, "图书、文具、科学实验材料", "5350", dt.date(2026, 7, 10)),
        (Fund.STREET_BUDGET, Spending.Category.OTHER, "防暑药品、饮用水", "1980", dt.date(2026, 7, 6)),
    ])

    _autumn_drills(leader)
    busiest = list(Attendance.objects.filter(placement__period__programme=summer).values("date")
                   .annotate(n=Count("id", filter=Q(check_in_at__isnull=False))).order_by("date"))
    days = [row for row in busiest if row["n"]]
    if len(days) < 3:
        return
    plan = [
        (GuestSession.Kind.DRILL, "陈志刚", "县消防救援大队", None, "消防安全与疏散演练", GuestSession.DrillKind.FIRE, 25,
         "全体学生 2 分 40 秒撤离到操场，无拥挤、无掉队"),
        (GuestSession.Kind.SAFETY, "刘芳", "县公安局交警大队", None, "暑期防溺水和交通安全", GuestSession.DrillKind.DROWNING, 20,
         "学生演示“不私自下水、发现同伴落水喊人不盲目施救”"),
        (GuestSession.Kind.ARTISAN, "汪建国", "", culture, "非遗剪纸：喜鹊登梅", "", None, ""),
    ]
    for (kind, teacher, unit, by, topic, drill, minutes, result), row in zip(plan, [days[2], days[len(days) // 2], days[-3]]):
        accounts.record_guest_session(
            actor=leader, programme=summer, date=row["date"], kind=kind, teacher=teacher, teacher_unit=unit,
            partner=by, topic=topic, children_present=row["n"] - rng.randrange(0, 4), drill_kind=drill,
            drill_minutes=minutes, drill_result=result)


def _autumn_drills(leader) -> None:
    """The school's after-school custody drilled in its first two four-week spells (S-04) and has not yet
    recorded the third: its page shows one drill overdue."""
    autumn = Programme.objects.get(school__code="3611990001", kind=Programme.Kind.AFTER_SCHOOL)
    for near, teacher, unit, topic, drill, minutes, result in [
        (dt.date(2026, 9, 24), "吴丽萍", "青溪县实验小学", "防溺水安全教育与演练", GuestSession.DrillKind.DROWNING, 30,
         "学生复述“六不”要求，演示发现同伴落水时呼救、报警"),
        (dt.date(2026, 10, 22), "陈志刚", "县消防救援大队", "消防安全与疏散演练", GuestSession.DrillKind.FIRE, 25,
         "托管学生 3 分 05 秒撤离到操场，二组清点人数稍慢，已讲评"),
    ]:
        day = (Attendance.objects.filter(placement__period__programme=autumn, date__lte=near,
                                         check_in_at__isnull=False).order_by("-date").values_list("date", flat=True)
               .first())
        if day is None:
            continue
        present = Attendance.objects.filter(placement__period__programme=autumn, date=day,
                                            check_in_at__isnull=False).count()
        accounts.record_guest_session(
            actor=leader, programme=autumn, date=day, kind=GuestSession.Kind.DRILL, teacher=teacher,
            teacher_unit=unit, topic=topic,
            children_present=present, drill_kind=drill, drill_minutes=minutes, drill_result=result)
