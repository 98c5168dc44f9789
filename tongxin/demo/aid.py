"""The demo county's aid (P-62, P-63) this school year: cash aid to about a fifth of each school's pupils and
material aid to about a quarter, the left-behind and vulnerable first; 城关第二小学 past the guide's 50 % cap (its
page warns); policy subsidies and the nutrition plan; receipts for the gifts of 200 yuan or more.

Written in bulk through the model (the services' rules are what the tests exercise)."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from tongxin.care import aid_rules
from tongxin.care.aid_models import AidKind, AidRecord
from tongxin.care.models import CareFile
from tongxin.orgs.models import Role, School, User
from tongxin.people.models import Child

DONORS = ["县慈善总会", "爱心企业 青溪建材有限公司", "县妇联“春蕾计划”", "在外乡贤 刘先生", "县红十字会", "县关工委"]
CASH = [("助学金", Decimal("500")), ("生活补贴", Decimal("300")), ("交通补贴", Decimal("150"))]
MATERIAL = [("冬衣一套", Decimal("180")), ("学习用品一套", Decimal("80")), ("书包文具", Decimal("120")),
            ("棉被一床", Decimal("220"))]
# (cash share, material share, overlap share) of each school's pupils
SHARES = {"城关第二小学": (0.26, 0.36, 0.0)}
USUAL = (0.18, 0.27, 0.05)


def build_aid_demo(rng: random.Random, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    start, _ = aid_rules.school_year(today)
    days = max(1, (today - start).days)
    rows: list[AidRecord] = []
    sequence: dict[tuple[str, int], int] = {}
    categories = dict(CareFile.objects.values_list("child_id", "category"))
    for school in School.objects.order_by("code"):
        leader = User.objects.filter(assignments__role=Role.SCHOOL_LEADER, assignments__school=school).first()
        if leader is None:
            continue
        pupils = list(Child.objects.filter(school=school, school_class__isnull=False).order_by("pk")
                      .values_list("pk", flat=True))
        pupils.sort(key=lambda pk: (categories.get(pk, "none") == "none", rng.random()))  # the cared-for first
        cash_share, material_share, overlap = SHARES.get(school.name, USUAL)
        n_cash, n_material = round(len(pupils) * cash_share), round(len(pupils) * material_share)
        n_overlap = round(len(pupils) * overlap)
        cash = pupils[:n_cash]
        material = pupils[n_cash - n_overlap:n_cash - n_overlap + n_material]

        def add(child_id: int, kind: str, what: str, amount: Decimal) -> None:
            given = start + dt.timedelta(days=rng.randrange(days))
            receipt = ""
            if kind in (AidKind.CASH, AidKind.MATERIAL) and aid_rules.needs_receipt(amount):
                key = (school.code, given.year)
                sequence[key] = sequence.get(key, 0) + 1
                receipt = aid_rules.receipt_number(school.code, given.year, sequence[key])
            rows.append(AidRecord(child_id=child_id, school=school, kind=kind, donor=rng.choice(DONORS), what=what,
                                  amount=amount, given_on=given, receipt_no=receipt, recorded_by=leader))

        for child_id in cash:
            add(child_id, AidKind.CASH, *rng.choice(CASH))
        for child_id in material:
            add(child_id, AidKind.MATERIAL, *rng.choice(MATERIAL))
        for child_id in pupils[:max(1, len(pupils) // 10)]:
            add(child_id, AidKind.NUTRITION, "农村义务教育学生营养改善计划（本学期）", Decimal("0"))
    AidRecord.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
