"""The nursery line's entries in the top bar and on the home page: each role sees only what it may use."""

from django.urls import reverse

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.web.navigation import Link

from . import access, access_circle


def nav(user) -> list[Link]:
    roles = scope.roles(user)
    if not roles & access.READERS:
        return []
    if roles == {Role.PARENT}:
        return [Link("托育", reverse("nursery:mine"))]
    return [Link("托育", reverse("nursery:centres"))]


def actions(user) -> list[Link]:
    roles = scope.roles(user)
    cards: list[Link] = []
    if Role.PARENT in roles:
        cards.append(Link("预约临时托", reverse("nursery:book"), "选托育机构、孩子、日期和时段，按小时预约临时托"))
        cards.append(Link("我的托育", reverse("nursery:mine"), "孩子的托育协议、临时托预约、排队和账单"))
        cards.append(Link("一周活动", reverse("nursery:family_week"), "孩子所在班级这一周每天的活动安排（周末看下周）"))
        cards.append(Link("家长课堂", reverse("nursery:my_classes"), "报名家长课堂和周末育儿讲座，课后评价"))
    if access_circle.is_reader(user):
        cards.append(Link("15分钟托育服务圈", reverse("nursery:circle"),
                          "各社区有3岁以下婴幼儿的家庭步行15分钟可达托育点的比例、每百名婴幼儿托位、建议新设点"))
    for community in access_circle.own_communities(user):
        cards.append(Link(f"{community.name}家庭定位", reverse("nursery:community_positions", args=[community.pk]),
                          "登记有3岁以下婴幼儿家庭的住址位置（可用手机定位），用于计算15分钟托育服务圈"))
    if Role.ADMIN in roles:
        return cards + [Link("社区托育", reverse("nursery:centres"), "全部托育中心、服务点的托位、在托与排队人数")]
    for centre in access.staff_centres(user):
        # A manager's work starts at the centre's page, whose tabs lead on (one card a site, not a wall of them);
        # a carer's at the rooms' day, the morning check and the week's plan.
        if access.manages(user, centre):
            cards.append(Link(f"{centre.name}", reverse("nursery:centre", args=[centre.pk]),
                              "今日入离园、健康、生长发育、活动计划、家长课堂、协议、排队、排班与账单"))
            continue
        cards.append(Link(f"{centre.name}今日", reverse("nursery:day_centre", args=[centre.pk]),
                          "各班入园、离园（只交给授权接送人），全班记录用餐、午睡、换尿布、情绪和户外活动"))
        cards.append(Link(f"{centre.name}晨午检与健康", reverse("nursery:centre_health", args=[centre.pk]),
                          "今日晨午检（只记异常，全班正常一键完成）、缺体检或疫苗的幼儿、工作人员健康证"))
        cards.append(Link("周活动计划", reverse("nursery:plans", args=[centre.pk]), "从年龄包中为各班安排每天的活动"))
        cards.append(Link("排班与师生比", reverse("nursery:roster", args=[centre.pk]),
                          "本机构保育人员的值班安排；班级与今日师生比在机构页"))
    if roles & scope.NURSERY_AREA_ROLES:
        cards.append(Link("社区托育", reverse("nursery:centres"), "辖区托育中心、服务点的托位、在托与排队人数"))
    if access.office_county(user) is not None and Role.ADMIN not in roles:
        cards.append(Link("托育标准与普惠价格", reverse("nursery:county"), "全县班型限额、普惠托育价格与托育补贴"))
    return cards


def growth_actions(user) -> list[Link]:
    """生长发育: a parent's own children's charts; each centre's list of children for its staff."""
    roles = scope.roles(user)
    cards: list[Link] = []
    if Role.PARENT in roles:
        cards.append(Link("孩子的生长发育", reverse("nursery:growth_mine"), "身长体重与世界卫生组织儿童生长标准对照"))
    if Role.ADMIN in roles:
        return cards
    for centre in access.staff_centres(user):
        if access.manages(user, centre):
            continue  # the manager's one card a site leads to it (生长发育 tab)
        cards.append(Link(f"{centre.name}生长发育", reverse("nursery:centre_growth", args=[centre.pk]),
                          "在托幼儿的身长体重、百分位与需关注的孩子"))
    return cards
