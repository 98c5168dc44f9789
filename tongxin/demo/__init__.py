"""A realistic, deterministic demo county: 青溪县 with 3 townships/streets, 8 communities/villages,
4 primary schools (6 grades, 2 classes each), about 2,000 pupils and some infants, their families and
guardians, the left-behind children of its villages, staff accounts (class teachers, a maths and an English
teacher per school, leaders, village and township staff) and one demo login per role.

The same seed always gives the same county (names, ID numbers, families, who lives where), so tests and
screenshots can refer to it.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from tongxin.orgs.models import Grade, Region, Role, RoleAssignment, School, SchoolClass, Site, User
from tongxin.people.crypto import lookup_hash
from tongxin.people.masking import mask_phone
from tongxin.people.models import Child, Family, Guardian, Guardianship, pinyin_initials
from tongxin.people.validators import id_check_char

DEMO_PASSWORD = "tongxin2026"
COUNTY_CODE = "361199000000"
SCHOOL_YEAR_START = 2026  # the school year 2026-2027

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
BOY_CHARS = "浩宇轩然子涵博文俊杰皓睿泽航晨阳一鸣辰逸景瑞嘉豪思远明哲宏伟建国志强天佑家乐铭诚星宇承志"
GIRL_CHARS = "欣怡梓涵雨萱诗琪可馨梦瑶思彤佳怡语嫣心悦雅静晓彤紫萱若曦婉清子墨书瑶安琪梓萌语桐静怡"
ADULT_MALE = "建国志强海波永红明华国平小军伟东建华春生德明立新卫东振华"
ADULT_FEMALE = "秀英桂芳丽华玉兰美玲春梅红霞海燕晓梅淑珍丽娟小红金凤翠花"
WORK_CITIES = ["深圳", "东莞", "广州", "厦门", "杭州", "宁波", "上海", "苏州", "温州", "佛山"]
WORKPLACES = ["电子厂", "制衣厂", "建筑工地", "物流公司", "餐馆", "家具厂", "鞋厂", "汽配厂", "快递站", "超市"]
OTHER_COUNTY_CODES = ["360730", "421023", "430524", "522422", "450821"]

TOWNSHIPS = [
    # code, name, kind, rural?, [(community code, name, kind)]
    ("361199100000", "城关镇", Region.Kind.TOWNSHIP, False,
     [("361199100001", "东门社区", Region.Kind.COMMUNITY), ("361199100002", "西街社区", Region.Kind.COMMUNITY),
      ("361199100201", "柳塘村", Region.Kind.VILLAGE)]),
    ("361199001000", "滨河街道", Region.Kind.STREET, False,
     [("361199001001", "滨江社区", Region.Kind.COMMUNITY), ("361199001002", "文苑社区", Region.Kind.COMMUNITY)]),
    ("361199200000", "石门乡", Region.Kind.TOWNSHIP, True,
     [("361199200201", "石门村", Region.Kind.VILLAGE), ("361199200202", "桃源村", Region.Kind.VILLAGE),
      ("361199200203", "枫树坪村", Region.Kind.VILLAGE)]),
]
SCHOOLS = [
    # code, name, community code it stands in, township code its pupils mostly come from, pupils per class
    ("3611990001", "青溪县实验小学", "361199100001", "361199100000", 44),
    ("3611990002", "城关第二小学", "361199100002", "361199100000", 42),
    ("3611990003", "滨河小学", "361199001001", "361199001000", 42),
    ("3611990004", "石门中心小学", "361199200201", "361199200000", 40),
]

# One demo login per role: username, real name, role, scope (region code / school code / (school, year, no.))
DEMO_LOGINS = [
    ("admin", "系统管理员", Role.ADMIN, None),
    ("county_edu", "县教育局 周科长", Role.COUNTY_EDU, COUNTY_CODE),
    ("county_civil", "县民政局 孙科长", Role.COUNTY_CIVIL, COUNTY_CODE),
    ("township", "城关镇 李干事", Role.TOWNSHIP_OFFICER, "361199100000"),
    ("community", "东门社区 何主任", Role.COMMUNITY_WORKER, "361199100001"),
    ("leader", "实验小学 陈校长", Role.SCHOOL_LEADER, "3611990001"),
    ("teacher", "三年级（1）班 王老师", Role.CLASS_TEACHER, ("3611990001", 3, 1)),
    ("subject", "石门中心小学 数学 赵老师", Role.SUBJECT_TEACHER, (("3611990004", 3, 1), ("3611990004", 3, 2))),
    ("counsellor", "五年级（1）班 林老师（心理辅导教师）", Role.CLASS_TEACHER, ("3611990001", 5, 1)),
    ("volunteer", "志愿者 刘晓", Role.VOLUNTEER, "361199100001"),
    ("parent", "家长（见登录后首页）", Role.PARENT, None),
    # Community childcare (社区托育): made by `demo.nursery`, after the rest (so every earlier row keeps its
    # identifier); the centre's logins are held at 城关镇社区托育服务中心.
    ("county_health", "县卫健局 吴科长", Role.COUNTY_HEALTH, COUNTY_CODE),
    ("nursery", "城关镇社区托育服务中心 周园长", Role.NURSERY_MANAGER, "城关镇社区托育服务中心"),
    ("carer", "城关镇社区托育服务中心 保育员 郑老师", Role.NURSERY_CARER, "城关镇社区托育服务中心"),
    ("nparent", "托育家长（东门社区，孩子不满3岁）", Role.PARENT, None),
]
LATER_LOGIN_ROLES = frozenset({Role.COUNTY_HEALTH, Role.NURSERY_MANAGER, Role.NURSERY_CARER})


# Subject teachers (任课教师), one assignment per class taught, besides the demo login `subject`: username, real
# name, school code, classes taught (grade, number). Each talks monthly with a few left-behind pupils (`demo.care`).
SUBJECT_TEACHERS = [
    ("s4e", "石门中心小学 英语 钱老师", "3611990004", ((3, 1), (4, 1))),
    ("s1m", "实验小学 数学 孙老师", "3611990001", ((3, 1), (3, 2))),
    ("s1e", "实验小学 英语 李老师", "3611990001", ((3, 1), (5, 1))),
    ("s2m", "城关二小 数学 周老师", "3611990002", ((2, 1), (2, 2))),
    ("s2e", "城关二小 英语 吴老师", "3611990002", ((3, 1), (6, 2))),
    ("s3m", "滨河小学 数学 郑老师", "3611990003", ((4, 1), (4, 2))),
    ("s3e", "滨河小学 英语 冯老师", "3611990003", ((2, 1), (6, 2))),
]


@dataclass
class DemoSummary:
    regions: int
    schools: int
    classes: int
    families: int
    children: int
    guardians: int
    users: int


class _IdFactory:
    """Valid, unique resident ID numbers for the demo county."""

    def __init__(self):
        self.used: set[str] = set()

    def make(self, rng: random.Random, region6: str, birth: dt.date, gender: str) -> str:
        while True:
            seq = rng.randrange(0, 100)
            digit = rng.choice("13579" if gender == "M" else "02468")
            first17 = f"{region6}{birth:%Y%m%d}{seq:02d}{digit}"
            number = first17 + id_check_char(first17)
            if number not in self.used:
                self.used.add(number)
                return number


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        number = "1" + rng.choice(["38", "39", "50", "58", "77", "86", "88", "35", "52", "99"]) + f"{rng.randrange(10**8):08d}"
        if number not in used:
            used.add(number)
            return number


def _child_name(rng, surname, gender):
    chars = BOY_CHARS if gender == "M" else GIRL_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.8 else "")
    return surname + given


def _adult_name(rng, surname, gender):
    chars = ADULT_MALE if gender == "M" else ADULT_FEMALE
    start = rng.randrange(0, len(chars) // 2) * 2
    return surname + chars[start:start + 2]


def demo_exists() -> bool:
    return Region.objects.filter(code=COUNTY_CODE).exists()


class Households:
    """Families with their guardians and children, drawn the way the demo county draws them: parents (away at work
    in a rural household more often), a grandparent who stays with left-behind children, younger siblings. The
    scaled county (`tongxin.demo.scale`) uses the same draws; `save()` writes them with their hash and masked
    columns computed and their personal fields encrypted."""

    def __init__(self, rng: random.Random, ids: _IdFactory, phones: set[str], rural: dict[str, bool]):
        self.rng, self.ids, self.phones, self.rural = rng, ids, phones, rural
        self.families: list[Family] = []
        self.children: list[Child] = []
        self.guardians: list[Guardian] = []
        # child index, guardian index, relationship, primary, lives with
        self.links: list[tuple[int, int, str, bool, bool]] = []

    def new_family(self, community: Region, surname: str) -> int:
        rng, guardians = self.rng, self.guardians
        is_rural = self.rural[community.code]
        non_local = not is_rural and rng.random() < 0.12
        address = (f"{community.name}{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号" if is_rural else
                   f"{community.name}{rng.choice(['人民路', '建设路', '文化路', '滨江路', '解放路'])}"
                   f"{rng.randrange(1, 300)}号{rng.randrange(1, 6)}单元{rng.randrange(1, 7)}0{rng.randrange(1, 4)}室")
        self.families.append(Family(
            head_name="", community=community, address=address,
            hukou=Family.Hukou.NON_LOCAL if non_local else Family.Hukou.LOCAL,
            low_income=rng.random() < (0.08 if is_rural else 0.03),
            extreme_poverty=rng.random() < 0.01,
            military=rng.random() < 0.015,
            dual_earner=(not is_rural) and rng.random() < 0.45,
            migrant_worker=non_local,
        ))
        family_index = len(self.families) - 1
        region6 = rng.choice(OTHER_COUNTY_CODES) if non_local else COUNTY_CODE[:6]
        # Parents, and for left-behind households a grandparent who stays with the children.
        both_away = rng.random() < (0.32 if is_rural else 0.05)
        one_parent = rng.random() < 0.06
        father_gender, mother_gender = "M", "F"
        members = []
        for gender, relationship in ((father_gender, Guardianship.Relationship.FATHER),
                                     (mother_gender, Guardianship.Relationship.MOTHER)):
            if one_parent and relationship == Guardianship.Relationship.MOTHER:
                continue
            birth = _random_date(rng, dt.date(1982, 1, 1), dt.date(1996, 12, 31))
            name = _adult_name(rng, surname if gender == "M" else rng.choice(SURNAMES), gender)
            away = both_away or (is_rural and rng.random() < 0.15)
            city = rng.choice(WORK_CITIES) if away else ""
            guardians.append(Guardian(
                family=None, name=name, gender=gender, id_number=self.ids.make(rng, region6, birth, gender),
                phone=_phone(rng, self.phones), works_away=away, work_city=city,
                workplace=f"{city}{rng.choice(WORKPLACES)}" if away else "",
                capable=rng.random() > 0.02,
            ))
            members.append((len(guardians) - 1, relationship, not away))
        if both_away or one_parent:
            gender = rng.choice("MF")
            birth = _random_date(rng, dt.date(1952, 1, 1), dt.date(1966, 12, 31))
            guardians.append(Guardian(
                family=None, name=_adult_name(rng, surname if gender == "M" else rng.choice(SURNAMES), gender),
                gender=gender, id_number=self.ids.make(rng, region6, birth, gender), phone=_phone(rng, self.phones),
            ))
            members.append((len(guardians) - 1, Guardianship.Relationship.GRANDPARENT, True))
        self.families[family_index].head_name = guardians[members[0][0]].name
        self.families[family_index]._demo = {"members": members, "both_away": both_away, "region6": region6}
        for gi, _, _ in members:
            guardians[gi]._family_index = family_index
        return family_index

    def add_child(self, family_index: int, surname: str, birth: dt.date, school_class: SchoolClass | None) -> None:
        rng, guardians = self.rng, self.guardians
        family = self.families[family_index]
        gender = rng.choice("MF")
        members = family._demo["members"]
        incapable = any(not guardians[gi].capable for gi, rel, _ in members if rel != Guardianship.Relationship.GRANDPARENT)
        status = (Child.CareStatus.LEFT_BEHIND if family._demo["both_away"] else
                  Child.CareStatus.VULNERABLE if incapable or (family.extreme_poverty and rng.random() < 0.6) else
                  Child.CareStatus.NONE)
        name = _child_name(rng, surname, gender)
        child = Child(
            name=name, gender=gender, birth_date=birth, family=None,
            school=school_class.school if school_class else None, school_class=school_class,
            id_number=self.ids.make(rng, family._demo["region6"], birth, gender),
            disability=rng.random() < 0.012, care_status=status,
            health_notes=rng.choice(["", "", "", "", "过敏性鼻炎", "轻度近视", "花生过敏", "哮喘（随身带药）"]),
        )
        child._family_index = family_index
        self.children.append(child)
        ci = len(self.children) - 1
        primary_done = False
        for gi, rel, lives_with in members:
            primary = lives_with and not primary_done
            primary_done = primary_done or primary
            self.links.append((ci, gi, rel, primary, lives_with))

    def fill_school(self, classes: dict[tuple[int, int], SchoolClass], per_class: int, home_comms: list[Region],
                    all_comms: list[Region]) -> None:
        """Fill a school's classes ({(grade, number): class}) with about `per_class` pupils each, most of them
        living in `home_comms`; some have a younger sibling in a lower grade or an infant at home."""
        rng = self.rng
        numbers: dict[int, tuple[int, ...]] = {}
        for year, number in sorted(classes):
            numbers[year] = (*numbers.get(year, ()), number)
        for year, number in sorted(classes):
            school_class = classes[(year, number)]
            size = per_class - rng.randrange(0, 4)
            filled = 0
            while filled < size:
                community = rng.choice(home_comms) if rng.random() < 0.93 else rng.choice(all_comms)
                surname = rng.choice(SURNAMES)
                fi = self.new_family(community, surname)
                start = dt.date(SCHOOL_YEAR_START - 6 - year, 9, 1)
                self.add_child(fi, surname, _random_date(rng, start, start.replace(year=start.year + 1) - dt.timedelta(days=1)), school_class)
                filled += 1
                # A younger sibling: a pupil in a lower grade of the same school, or an infant at home.
                if rng.random() < 0.14:
                    if year > 1 and rng.random() < 0.7:
                        sib_year = rng.randrange(1, year)
                        sib_class = classes[(sib_year, rng.choice(numbers[sib_year]))]
                        s_start = dt.date(SCHOOL_YEAR_START - 6 - sib_year, 9, 1)
                        self.add_child(fi, surname, _random_date(rng, s_start, s_start.replace(year=s_start.year + 1) - dt.timedelta(days=1)), sib_class)
                    else:
                        self.add_child(fi, surname, _random_date(rng, dt.date(2023, 12, 1), dt.date(2026, 10, 31)), None)

    def add_infant_families(self, count: int, communities: list[Region]) -> None:
        """Families with only a child under three (for community childcare)."""
        for _ in range(count):
            community = self.rng.choice(communities)
            surname = self.rng.choice(SURNAMES)
            fi = self.new_family(community, surname)
            self.add_child(fi, surname, _random_date(self.rng, dt.date(2023, 12, 1), dt.date(2026, 10, 31)), None)

    def save(self) -> None:
        families, guardians, children = self.families, self.guardians, self.children
        Family.objects.bulk_create(families, batch_size=500)
        for g in guardians:
            g.family = families[g._family_index]
            g.sync_id_columns()
            g.phone_masked = mask_phone(g.phone)
            g.phone_hash = lookup_hash(g.phone)
        Guardian.objects.bulk_create(guardians, batch_size=500)
        for c in children:
            c.family = families[c._family_index]
            c.initials = pinyin_initials(c.name)
            c.sync_id_columns()
        Child.objects.bulk_create(children, batch_size=500)
        Guardianship.objects.bulk_create(
            [Guardianship(child=children[ci], guardian=guardians[gi], relationship=rel, is_primary=primary,
                          lives_with_child=lives, can_pickup=lives)
             for ci, gi, rel, primary, lives in self.links],
            batch_size=1000,
        )


@transaction.atomic
def build_demo_county(seed: int = 20261123) -> DemoSummary:
    rng = random.Random(seed)
    ids = _IdFactory()
    phones: set[str] = set()

    county = Region.objects.create(name="青溪县", code=COUNTY_CODE, kind=Region.Kind.COUNTY)
    townships, communities, rural = {}, {}, {}
    for code, name, kind, is_rural, comms in TOWNSHIPS:
        t = Region.objects.create(name=name, code=code, kind=kind, parent=county)
        townships[code] = t
        for ccode, cname, ckind in comms:
            communities[ccode] = Region.objects.create(name=cname, code=ccode, kind=ckind, parent=t)
            rural[ccode] = is_rural
    comms_of = {tcode: [c for c in communities.values() if c.parent_id == t.pk] for tcode, t in townships.items()}

    schools, classes = {}, {}
    for code, name, comm_code, _, _ in SCHOOLS:
        s = School.objects.create(name=name, code=code, region=communities[comm_code],
                                  address=f"{communities[comm_code].full_name}学府路{rng.randrange(1, 99)}号")
        schools[code] = s
        Site.objects.bulk_create([
            Site(name=f"{name}教学楼教室", kind=Site.Kind.CLASSROOM, school=s, region=s.region, capacity=45),
            Site(name=f"{name}图书室", kind=Site.Kind.LIBRARY, school=s, region=s.region, capacity=60),
            Site(name=f"{name}操场", kind=Site.Kind.PLAYGROUND, school=s, region=s.region, capacity=200),
        ])
        for year in range(1, 7):
            grade = Grade.objects.create(school=s, year=year)
            for number in (1, 2):
                classes[(code, year, number)] = SchoolClass.objects.create(grade=grade, number=number)
    for c in communities.values():
        Site.objects.create(name=f"{c.name}儿童之家", kind=Site.Kind.CHILDREN_HOME, region=c, capacity=40,
                            address=f"{c.full_name}党群服务中心")
        if rural[c.code]:
            Site.objects.create(name=f"{c.name}新时代文明实践站", kind=Site.Kind.CIVILIZATION_STATION, region=c, capacity=50)
    # County venues that lend rooms to custody programmes (C-37, S-10).
    seat = communities["361199100001"]
    Site.objects.bulk_create([
        Site(name="青溪县青少年宫", kind=Site.Kind.YOUTH_PALACE, region=seat, capacity=120, address=f"{seat.full_name}文化路8号"),
        Site(name="青溪县图书馆少儿阅览室", kind=Site.Kind.PUBLIC_LIBRARY, region=seat, capacity=60,
             address=f"{seat.full_name}文化路10号"),
    ])

    people = Households(rng, ids, phones, rural)
    # Pupils: each school's classes are filled from its township; a few come from elsewhere in the county.
    for code, _, _, township_code, per_class in SCHOOLS:
        people.fill_school({(y, n): c for (s, y, n), c in classes.items() if s == code}, per_class,
                           comms_of[township_code], list(communities.values()))
    # Families with only children under three (for community childcare).
    people.add_infant_families(90, list(communities.values()))
    people.save()
    families, children, guardians, links = people.families, people.children, people.guardians, people.links

    users = _create_staff(rng, county, townships, communities, schools, classes, guardians, children, links)

    # The care line first: its files set the registry's care flags that custody's priority and waivers read.
    from .care import build_care_demo

    build_care_demo(random.Random(seed + 3))
    from .care import build_subject_talks

    build_subject_talks(random.Random(seed + 5))
    from .reports import build_reports_demo

    build_reports_demo()
    from .handovers import build_handovers_demo

    build_handovers_demo()
    from .aid import build_aid_demo

    build_aid_demo(random.Random(seed + 4))
    from .activities import build_activities_demo

    build_activities_demo(random.Random(seed + 5))
    from .group import build_group_demo

    build_group_demo()
    from .absence import build_absence_demo

    build_absence_demo(random.Random(seed + 4))
    from .counsel import build_counsel_demo

    build_counsel_demo()
    from .custody import build_custody_demo

    build_custody_demo(random.Random(seed + 1))
    from .partners import build_partners_demo

    build_partners_demo(random.Random(seed + 7))
    from .surveys import build_survey_demo

    build_survey_demo(random.Random(seed + 2))
    from .nursery import build_nursery_demo

    build_nursery_demo(random.Random(seed + 6))
    from .volunteers import build_volunteers_demo

    build_volunteers_demo(random.Random(seed + 7))
    return DemoSummary(
        regions=Region.objects.filter(path__startswith=county.path).count(), schools=len(schools),
        classes=len(classes), families=len(families), children=len(children), guardians=len(guardians), users=users,
    )


def _create_staff(rng, county, townships, communities, schools, classes, guardians, children, links) -> int:
    password = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}

    def user(username, real_name, **extra):
        # Fictitious mobiles (139 0000 xxxx, in order) so that SMS can be tried against a provider's test account.
        extra.setdefault("phone", f"1390000{len(users) + 1:04d}")
        u = User(username=username, real_name=real_name, password=password, **extra)
        users[username] = u
        return u

    assignments = []
    by_code = {r.code: r for r in [county, *townships.values(), *communities.values()]}
    # A demo login that heads a class other than the demo teacher's is made where that class's own account would
    # be (the same place in the order, so every later row keeps its identifier).
    in_class_loop = {target: (username, real_name) for username, real_name, role, target in DEMO_LOGINS
                     if role == Role.CLASS_TEACHER and username != "teacher"}
    for username, real_name, role, target in DEMO_LOGINS:
        if role == Role.PARENT or role in LATER_LOGIN_ROLES or target in in_class_loop:
            continue
        u = user(username, real_name, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
        if role == Role.ADMIN:
            assignments.append((u, dict(role=role)))
        elif role == Role.SCHOOL_LEADER:
            assignments.append((u, dict(role=role, school=schools[target])))
        elif role == Role.CLASS_TEACHER:
            assignments.append((u, dict(role=role, school_class=classes[target])))
        elif role == Role.SUBJECT_TEACHER:
            assignments += [(u, dict(role=role, school_class=classes[key])) for key in target]
        else:
            assignments.append((u, dict(role=role, region=by_code[target])))
    # The rest of the county's staff: a head teacher for every class, a leader per school, a children's
    # director per community and an officer per township (they can log in with the same demo password).
    for (code, year, number), school_class in classes.items():
        username = f"t{code[-1]}{year}{number}"
        if (code, year, number) == ("3611990001", 3, 1):
            continue
        username, real_name = in_class_loop.get(
            (code, year, number), (username, f"{school_class.school.name.removeprefix('青溪县')}{school_class.label}班主任"))
        u = user(username, real_name)
        assignments.append((u, dict(role=Role.CLASS_TEACHER, school_class=school_class)))
    for username, real_name, code, taught in SUBJECT_TEACHERS:
        u = user(username, real_name)
        assignments += [(u, dict(role=Role.SUBJECT_TEACHER, school_class=classes[(code, year, number)]))
                        for year, number in taught]
    for code, school in schools.items():
        if code != "3611990001":
            u = user(f"leader{code[-1]}", f"{school.name}校长")
            assignments.append((u, dict(role=Role.SCHOOL_LEADER, school=school)))
    for code, community in communities.items():
        if code != "361199100001":
            u = user(f"c{code[-6:]}", f"{community.name}儿童主任")
            assignments.append((u, dict(role=Role.COMMUNITY_WORKER, region=community)))
    for code, township in townships.items():
        if code != "361199100000":
            u = user(f"tw{code[-6:-3]}", f"{township.name}干部")
            assignments.append((u, dict(role=Role.TOWNSHIP_OFFICER, region=township)))

    # The demo parent: the primary guardian of the first pupil of the demo teacher's class.
    demo_class = classes[("3611990001", 3, 1)]
    first = next(i for i, c in enumerate(children) if c.school_class is demo_class)
    guardian_index = next(gi for ci, gi, rel, primary, lives in links if ci == first and primary)
    parent = user("parent", f"{guardians[guardian_index].name}（家长）")

    User.objects.bulk_create(users.values())
    saved = {u.username: u for u in User.objects.filter(username__in=users.keys())}
    RoleAssignment.objects.bulk_create([RoleAssignment(user=saved[u.username], **kw) for u, kw in assignments])
    Guardian.objects.filter(pk=guardians[guardian_index].pk).update(user=saved[parent.username])
    return len(users)
