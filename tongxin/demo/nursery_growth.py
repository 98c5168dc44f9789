"""Demo growth records: the children in care measured about once a month since they started (by a carer at the
centre, by the manager at the points), most following their centile, a few crossing lines or below the 3rd."""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q

from tongxin.nursery import rules_growth as G
from tongxin.nursery.models import Centre, Contract
from tongxin.nursery.services import growth as growth_svc
from tongxin.orgs.models import User

MONTH = 30


def _value(measure: str, sex: str, birth: dt.date, on: dt.date, z: float) -> Decimal | None:
    lms = G.lms_at(measure, sex, G.age_months_exact(birth, on))
    if lms is None:
        return None
    v = G.value_at_z(lms, z)
    return Decimal(f"{v:.1f}") if measure == G.HEIGHT else Decimal(f"{v:.2f}")


def build_growth_demo(manager: User, carer: User, centres: dict[str, Centre], main: str, today: dt.date) -> int:
    rng = random.Random(11)  # its own seed: the rest of the demo draws the same numbers as before
    made = 0
    contracts = (Contract.objects.filter(centre__in=list(centres.values()), state=Contract.State.ACTIVE,
                                         starts_on__lte=today)
                 .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).select_related("child", "centre")
                 .order_by("pk"))
    for i, c in enumerate(contracts):
        child = c.child
        hz, wz = rng.gauss(0, 0.7), rng.gauss(0, 0.8)
        drift = -0.55 if i % 7 == 3 else (0.5 if i % 11 == 5 else 0.0)  # a few lose (or gain) weight month on month
        if i % 13 == 8:
            wz = -2.2  # one child below the 3rd centile
        elif drift < 0:
            wz = 1.0  # a child losing weight starts well up, crosses the 50th and the 15th, stays above the 3rd
        by = carer if c.centre.name == main else manager
        day, k = c.starts_on + dt.timedelta(days=2), 0
        months = (today - day).days // MONTH + 1
        while day <= today:
            h = _value(G.HEIGHT, child.gender, child.birth_date, day, hz + rng.gauss(0, 0.1))
            w = _value(G.WEIGHT, child.gender, child.birth_date, day, wz + drift * max(0, k - (months - 5)) + rng.gauss(0, 0.08))
            if h is not None and w is not None:
                growth_svc.measurement_record(by, centre_id=c.centre_id, child_id=child.pk, measured_on=day,
                                              height_cm=h, weight_kg=w, today=today)
                made += 1
            day, k = day + dt.timedelta(days=MONTH), k + 1
    return made
