"""The demo county at a larger scale, for benchmarks: `manage.py load_demo --scale N` builds 青溪县 as the demo does
and then N − 1 more parts of the county of the same shape, each with its own townships/streets, communities and
villages, four primary schools with their classes of 40–44 pupils, their families and guardians, staff accounts
with their roles, and the custody record of its first school (a finished summer with its whole history, a winter
programme open for applications, the after-school programme running this term) and a community's draft.

Every new township lies in 青溪县, so the county roles see it all; the demo logins keep their scope (the township
officer sees 城关镇, the teacher one class). The same seed and scale always give the same county.
"""

import itertools
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from tongxin.orgs.models import Grade, Region, Role, RoleAssignment, School, SchoolClass, Site, User
from tongxin.people.models import Child, Guardian

from . import COUNTY_CODE, DEMO_PASSWORD, SCHOOLS, TOWNSHIPS, Households, _IdFactory
from .custody import build_custody_demo

MAX_SCALE = 200  # township codes 361199300 … 361199897 stay within the county's 3-digit township field

# Two-character place names: a first character and a second that together read like a Jiangxi place name.
NAME_FIRST = "青龙凤金银石桃柳梅竹松柏兰云霞溪江湖山岭峰田泉黄白红东西南北新高长大小上下平安太福"
NAME_SECOND = "山溪河桥坪塘口湾岗坝源岭洲港田峰林冲垅陂岩"
RESERVED = {"城关", "滨河", "石门", "东门", "西街", "柳塘", "滨江", "文苑", "桃源", "枫树"}
SCHOOL_SUFFIXES = ("第一小学", "第二小学", "小学", "中心小学")  # the demo's four schools, in SCHOOLS order


@dataclass
class ScaleSummary:
    parts: int
    townships: int
    communities: int
    schools: int
    classes: int
    children: int
    programmes: int
    pool: int = 0  # people in the added parts' volunteer and teacher pool


def _place_names(rng: random.Random) -> list[str]:
    names = ["".join(pair) for pair in itertools.product(NAME_FIRST, NAME_SECOND)]
    names = [n for n in names if n not in RESERVED and n[0] != n[1]]
    rng.shuffle(names)
    return names


def _region(name: str, code: str, kind: str, parent: Region) -> Region:
    """A region row ready for bulk_create (Region.save() would set level and path)."""
    return Region(name=name, code=code, kind=kind, parent=parent, level=Region.LEVEL_OF_KIND[Region.Kind(kind)],
                  path=f"{parent.path}{code}/")


def _township_suffix(kind: str, template_name: str) -> str:
    return "街道" if kind == Region.Kind.STREET else template_name[-1]


def build_scaled_county(scale: int, seed: int = 20261123, progress=None) -> ScaleSummary:
    """Add `scale` − 1 parts to the demo county (built already with the same seed)."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_SCALE}")
    county = Region.objects.get(code=COUNTY_CODE)
    ids = _IdFactory()
    phones: set[str] = set()
    # The numbers the demo county used already: ID numbers and phones stay unique across the whole county.
    for model in (Child, Guardian):
        ids.used.update(n for n in model.objects.values_list("id_number", flat=True) if n)
    phones.update(p for p in Guardian.objects.values_list("phone", flat=True) if p)
    names = _place_names(random.Random(f"{seed}-names"))
    password = make_password(DEMO_PASSWORD)
    summary = ScaleSummary(parts=scale, townships=0, communities=0, schools=0, classes=0, children=0, programmes=0)
    pool_parts = []
    for part in range(1, scale):
        pool_parts.append(_build_part(part, county, random.Random(f"{seed}-{part}"), ids, phones, names, password,
                                      summary))
        if progress:
            progress(part, scale)
    from .volunteers import build_scaled_pool

    summary.pool = build_scaled_pool(random.Random(f"{seed}-pool"), pool_parts)  # the parts' teachers and volunteers
    from .care import build_care_demo

    build_care_demo(random.Random(f"{seed}-care"))  # the added parts' care files, pairings and records
    from .nursery_circle import place_households

    place_households()  # where the added parts' households live (the 15-minute childcare circle)
    return summary


@transaction.atomic
def _build_part(part: int, county: Region, rng: random.Random, ids: _IdFactory, phones: set[str], names: list[str],
                password: str, summary: ScaleSummary) -> tuple[str, list[str], str]:
    """One part; returns what its volunteer pool needs: (its tag, its communities' codes, its volunteer's login)."""
    # ------------------------------------------------------------ regions: the demo's three townships, renamed
    townships: list[Region] = []
    communities: dict[str, Region] = {}
    rural: dict[str, bool] = {}
    comms_of: list[list[Region]] = []
    counterpart: dict[str, Region] = {}  # the demo's community code → this part's community
    for i, (_, template_name, kind, is_rural, comms) in enumerate(TOWNSHIPS):
        tname = names[(part - 1) * len(TOWNSHIPS) + i]
        code = f"{COUNTY_CODE[:6]}{300 + (part - 1) * len(TOWNSHIPS) + i:03d}000"
        township = _region(tname + _township_suffix(kind, template_name), code, kind, county)
        townships.append(township)
        own: list[Region] = []
        for ccode, cname, ckind in comms:
            cname_new = rng.choice(names[len(names) // 2:]) + ("村" if ckind == Region.Kind.VILLAGE else "社区")
            community = _region(cname_new, code[:9] + ccode[-3:], ckind, township)
            communities[community.code] = community
            counterpart[ccode] = community
            rural[community.code] = is_rural
            own.append(community)
        comms_of.append(own)
    Region.objects.bulk_create(townships)
    for township, own in zip(townships, comms_of):
        for community in own:
            community.parent = township
    Region.objects.bulk_create(list(communities.values()))
    all_comms = list(communities.values())
    township_index = {code: i for i, (code, *_) in enumerate(TOWNSHIPS)}

    # ------------------------------------------------------------ schools, grades, classes, sites
    schools: list[School] = []
    per_class: list[int] = []
    home: list[list[Region]] = []
    for j, (_, _, comm_code, township_code, size) in enumerate(SCHOOLS):
        ti = township_index[township_code]
        community = counterpart[comm_code]
        schools.append(School(name=f"{townships[ti].name}{SCHOOL_SUFFIXES[j]}",
                              code=f"{COUNTY_CODE[:6]}{len(SCHOOLS) * part + j + 1:04d}", region=community,
                              address=f"{townships[ti].name}{community.name}学府路{rng.randrange(1, 99)}号"))
        per_class.append(size)
        home.append(comms_of[ti])
    School.objects.bulk_create(schools)
    grades = [Grade(school=s, year=year) for s in schools for year in range(1, 7)]
    Grade.objects.bulk_create(grades)
    classes = [SchoolClass(grade=g, school=g.school, number=n) for g in grades for n in (1, 2)]
    SchoolClass.objects.bulk_create(classes)
    sites = []
    for s in schools:
        sites += [Site(name=f"{s.name}教学楼教室", kind=Site.Kind.CLASSROOM, school=s, region=s.region, capacity=45),
                  Site(name=f"{s.name}图书室", kind=Site.Kind.LIBRARY, school=s, region=s.region, capacity=60),
                  Site(name=f"{s.name}操场", kind=Site.Kind.PLAYGROUND, school=s, region=s.region, capacity=200)]
    for township, own in zip(townships, comms_of):
        for c in own:
            sites.append(Site(name=f"{c.name}儿童之家", kind=Site.Kind.CHILDREN_HOME, region=c, capacity=40,
                              address=f"{township.name}{c.name}党群服务中心"))
            if rural[c.code]:
                sites.append(Site(name=f"{c.name}新时代文明实践站", kind=Site.Kind.CIVILIZATION_STATION, region=c,
                                  capacity=50))
    Site.objects.bulk_create(sites)

    # ------------------------------------------------------------ families, guardians, children (the demo's draws)
    people = Households(rng, ids, phones, rural)
    for j, school in enumerate(schools):
        of_school = {(sc.grade.year, sc.number): sc for sc in classes if sc.school_id == school.pk}
        people.fill_school(of_school, per_class[j], home[j], all_comms)
    people.add_infant_families(90, all_comms)
    people.save()

    # ------------------------------------------------------------ staff: every class, school, community, township
    tag = f"{part:03d}"
    users: list[User] = []
    assignments: list[tuple[User, dict]] = []

    def staff(username: str, real_name: str, **scope) -> str:
        u = User(username=username, real_name=real_name, password=password)
        users.append(u)
        assignments.append((u, scope))
        return username

    for sc in classes:
        staff(f"t{sc.school.code[-4:]}{sc.grade.year}{sc.number}", f"{sc.school.name}{sc.label}班主任",
              role=Role.CLASS_TEACHER, school_class=sc)
    for s in schools:
        staff(f"leader{s.code[-4:]}", f"{s.name}校长", role=Role.SCHOOL_LEADER, school=s)
    for c in all_comms:
        staff(f"c{c.code[-6:]}", f"{c.name}儿童主任", role=Role.COMMUNITY_WORKER, region=c)
    for t in townships:
        staff(f"tw{t.code[-6:-3]}", f"{t.name}干部", role=Role.TOWNSHIP_OFFICER, region=t)
    volunteer = staff(f"v{tag}", f"{all_comms[0].name}志愿者", role=Role.VOLUNTEER, region=all_comms[0])
    User.objects.bulk_create(users)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, **scope) for u, scope in assignments])

    # ------------------------------------------------------------ custody at the part's first school
    first = schools[0]
    build_custody_demo(random.Random(rng.random()), school_code=first.code, leader_name=f"leader{first.code[-4:]}",
                       teacher_name=f"t{first.code[-4:]}31", volunteer_name=volunteer,
                       worker_name=f"c{all_comms[0].code[-6:]}", community_code=all_comms[0].code, holidays=False)

    summary.townships += len(townships)
    summary.communities += len(all_comms)
    summary.schools += len(schools)
    summary.classes += len(classes)
    summary.children += len(people.children)
    summary.programmes += 4
    return tag, [c.code for c in all_comms], volunteer
