"""Where the demo county's households live, for the 15-minute childcare circle (N-10).

Each community (village) has a centre point — the town's communities around the county seat near the childcare
centre and its points, the villages further out — and its households are placed around it, deterministically
(seeded by the community's code): a town community within about 1 km, a village spread over about 2 km. So in
城关镇 most families of 东门社区 and 西街社区 reach the centre or a point within 15 minutes' walk, 柳塘村's mostly do
not; in 滨河街道 滨江社区 is covered and 文苑社区 only in part; 石门乡 has no point at all. Communities the demo does
not name (those of a scaled county) get a centre point drawn from their code around the county seat.

Written through `people.services.households_locate` (one transaction, one audit entry, in the administrator's
name); only households with no position yet are placed, so calling it again after scaling places the new ones.
Three households of 东门社区 (those of its three youngest infants) are left unplaced, for its children's worker
(`community`) to place on 「家庭定位」. The county's bounding box (`nursery.CountyBounds`) is set around the seat
wide enough for a scaled county's communities (at most 35 km out)."""

import math
import random
from decimal import Decimal

from tongxin.nursery.models import CountyBounds
from tongxin.orgs.models import Region, User
from tongxin.people import selectors as people_sel
from tongxin.people import services as people_svc
from tongxin.people.models import Child

COUNTY_SEAT = (28.7020, 116.0100)
# community code -> (latitude, longitude) of its centre point, spread of its households (metres, one sigma)
COMMUNITY_CENTRES: dict[str, tuple[float, float, float]] = {
    "361199100001": (28.70300, 116.01120, 420),   # 东门社区, around the centre (28.702310, 116.012480)
    "361199100002": (28.69820, 116.00350, 450),   # 西街社区, around its point (28.698920, 116.004150)
    "361199100201": (28.68600, 115.99200, 700),   # 柳塘村, 2.5 km south-west of the town
    "361199001001": (28.71200, 116.03250, 450),   # 滨江社区, around its point (28.711540, 116.031870)
    "361199001002": (28.72050, 116.04350, 500),   # 文苑社区, 1.4 km north-east of the 滨江 point
    "361199200201": (28.61500, 115.93000, 800),   # 石门村
    "361199200202": (28.60200, 115.95100, 800),   # 桃源村
    "361199200203": (28.63100, 115.90800, 900),   # 枫树坪村
}
METRES_PER_DEGREE = 111_195.0
COUNTY_CODE = "361199000000"
COUNTY_BOUNDS = (Decimal("28.350000"), Decimal("115.600000"), Decimal("29.050000"), Decimal("116.420000"))  # S W N E
LEFT_FOR_WORKER = ("361199100001", 3)  # 东门社区: households its worker has not placed yet


def community_centre(code: str) -> tuple[float, float, float]:
    """A community's centre point and spread: the demo's own, or one drawn from its code (10–35 km from the seat)."""
    if code in COMMUNITY_CENTRES:
        return COMMUNITY_CENTRES[code]
    rng = random.Random(f"circle-{code}")
    angle, km = rng.uniform(0, 2 * math.pi), rng.uniform(10, 35)
    lat = COUNTY_SEAT[0] + km * 1000 * math.sin(angle) / METRES_PER_DEGREE
    lon = COUNTY_SEAT[1] + km * 1000 * math.cos(angle) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return lat, lon, rng.choice([500, 700, 900])


def _position(rng: random.Random, centre: tuple[float, float, float]) -> tuple[Decimal, Decimal]:
    lat0, lon0, spread = centre
    north, east = rng.gauss(0, spread), rng.gauss(0, spread)
    lat = lat0 + north / METRES_PER_DEGREE
    lon = lon0 + east / (METRES_PER_DEGREE * math.cos(math.radians(lat0)))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def left_for_worker() -> set[int]:
    """The households the demo leaves for 东门社区's worker to place: those of its youngest infants."""
    code, count = LEFT_FOR_WORKER
    rows = (Child.objects.filter(family__community__code=code).order_by("-birth_date", "-pk")
            .values_list("family_id", flat=True))
    found: list[int] = []
    for family_id in rows.iterator():
        if family_id not in found:
            found.append(family_id)
        if len(found) == count:
            break
    return set(found)


def place_households() -> int:
    """Give every household without a position one around its community's centre point (but those left for
    东门社区's worker). Returns how many."""
    skip = left_for_worker()
    unplaced = people_sel.unplaced_households()
    if not [f for f, _ in unplaced if f not in skip]:
        return 0
    codes = dict(Region.objects.filter(pk__in={c for _, c in unplaced}).values_list("pk", "code"))
    rngs: dict[int, random.Random] = {}
    positions = {}
    for family_id, community_id in unplaced:
        rng = rngs.setdefault(community_id, random.Random(f"households-{codes[community_id]}"))
        at = _position(rng, community_centre(codes[community_id]))  # drawn for every household: the rest keep theirs
        if family_id not in skip:
            positions[family_id] = at
    admin = User.objects.get(username="admin")
    return people_svc.households_locate(actor=admin, positions=positions, reason="演示数据：家庭住址位置")


def build_circle_demo() -> int:
    south, west, north, east = COUNTY_BOUNDS
    CountyBounds.objects.update_or_create(county=Region.objects.get(code=COUNTY_CODE),
                                          defaults=dict(south=south, west=west, north=north, east=east))
    return place_households()
