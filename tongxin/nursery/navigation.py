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
    if access_circle.is_reader(user):
        cards.append(Link("15分钟托育服务圈", reverse("nursery:circle"),
                          "各社区有3岁以下婴幼儿的家庭步行15分钟可达托育点的比例、每百名婴幼儿托位、建议新设点"))
    if Role.ADMIN in roles:
        return cards + [Link("社区托育", reverse("nursery:centres"), "全部托育中心、服务点的托位、在托与排队人数")]
    for centre in access.staff_centres(user):
        if access.manages(user, centre):
            cards.append(Link(f"{centre.name}", reverse("nursery:centre", args=[centre.pk]),
                              "班级与托位、今日师生比；托育协议、排队、排班、收费与账单"))
        else:
            cards.append(Link(f"{centre.name}今日师生比", reverse("nursery:centre", args=[centre.pk]),
                              "各班今日每小时预计在托幼儿与在岗保育人员"))
            cards.append(Link("排班", reverse("nursery:roster", args=[centre.pk]), "本机构保育人员的值班安排"))
    if roles & scope.NURSERY_AREA_ROLES:
        cards.append(Link("社区托育", reverse("nursery:centres"), "辖区托育中心、服务点的托位、在托与排队人数"))
    if access.office_county(user) is not None and Role.ADMIN not in roles:
        cards.append(Link("托育标准与普惠价格", reverse("nursery:county"), "全县班型限额、普惠托育价格与托育补贴"))
    return cards
