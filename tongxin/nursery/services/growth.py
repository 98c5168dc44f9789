"""Recording a child's height and weight (生长发育监测). The centre's staff measure any child the centre knows (a
child in care under a contract, a temporary-care child, one on its waiting list or whose health record it keeps),
from the day it first knew them. The figures are checked before they are stored: within what a child could
measure, not in the future, one measurement a child a day, and not implausible against the WHO standard (a slip of
the finger is refused, with the reason)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User
from tongxin.people import selectors as people

from .. import access_growth, rules_growth
from ..models import Centre, Measurement
from ..selectors.growth import known_since
from ..selectors.health import knows_child
from ._common import day_label

A = AuditEntry.Action


def _plausible(child, day: dt.date, height_cm: float, weight_kg: float) -> None:
    for measure, value in ((rules_growth.HEIGHT, height_cm), (rules_growth.WEIGHT, weight_kg)):
        z = rules_growth.measure_z(measure, child.gender, child.birth_date, day, value)
        if z is not None and abs(z) > rules_growth.PLAUSIBLE_Z:
            name = "身长/身高" if measure == rules_growth.HEIGHT else "体重"
            raise ValidationError(f"{name} {value:g} 与该年龄相差过大，请核对后再记录")


@transaction.atomic
def measurement_record(actor: User, *, centre_id: int, child_id: int, measured_on: dt.date,
                       height_cm: Decimal, weight_kg: Decimal, today: dt.date) -> Measurement:
    centre = Centre.objects.filter(pk=centre_id).select_related("site").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    access_growth.require_recorder(actor, centre)
    if measured_on > today:
        raise ValidationError("测量日期不能晚于今天")
    child = people.children_by_ids([child_id]).first()
    if child is None or not knows_child(centre, child_id):
        raise ValidationError("本机构没有该幼儿的托育、预约、排队或健康记录，不能记录身长体重")
    since = known_since(centre, child_id)
    if since is not None and measured_on < since:
        raise ValidationError(f"该幼儿{measured_on.year}年{day_label(measured_on)}还不在本机构托育"
                              f"（本机构最早的记录在{since.year}年{day_label(since)}）")
    if measured_on < child.birth_date:
        raise ValidationError("测量日期不能早于出生日期")
    problems = rules_growth.check_measurement(height_cm=float(height_cm), weight_kg=float(weight_kg))
    if problems:
        raise ValidationError(problems)
    _plausible(child, measured_on, float(height_cm), float(weight_kg))
    if Measurement.objects.filter(child_id=child_id, measured_on=measured_on).exists():
        raise ValidationError(f"{child.name}{day_label(measured_on)}已有测量记录")
    try:
        with transaction.atomic():
            m = Measurement.objects.create(centre=centre, child=child, measured_on=measured_on, height_cm=height_cm,
                                           weight_kg=weight_kg, measured_by=actor, created_at=timezone.now())
    except IntegrityError as exc:
        raise ValidationError(f"{child.name}{day_label(measured_on)}已有测量记录") from exc
    record(actor, A.CREATE, m, reason=f"生长发育测量：{child.name} {day_label(measured_on)} "
                                      f"身长/身高 {height_cm} cm，体重 {weight_kg} kg")
    return m
