"""Training sessions attended, the responsibility letters signed online, and the county's newcomer rule (P-39,
C-25): each one transaction, one audit entry."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import access, rules
from ..choices import LetterKind, State, TrainingPhase
from ..models import Letter, Person, PoolRule, Training
from . import A, _locked, _text


def _hours(value, *, label: str, high: Decimal) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(f"{label}应为数字") from None
    if not amount.is_finite() or not Decimal(0) < amount <= high:
        raise ValidationError(f"{label}应大于 0、不超过 {high}")
    return amount.quantize(Decimal("0.1"))


@transaction.atomic
def training_record(*, actor: User, person_id: int, phase: str, title: str, held_on: dt.date, hours,
                    today: dt.date) -> Training:
    person = _locked(person_id)
    access.require_vetter(actor, person)
    if phase not in TrainingPhase.values:
        raise ValidationError("培训阶段无效")
    title = _text(title, label="培训内容", max_length=100)
    if not title:
        raise ValidationError("请填写培训内容")
    if held_on > today:
        raise ValidationError("培训日期不能晚于今天")
    row = Training.objects.create(person=person, phase=phase, title=title, held_on=held_on,
                                  hours=_hours(hours, label="学时", high=Decimal("40")), recorded_by=actor)
    record(actor, A.CREATE, row, reason=f"{row.get_phase_display()}：{title}，{row.hours} 学时")
    return row


@transaction.atomic
def letter_sign(*, actor: User, kind: str, now: dt.datetime) -> Letter:
    """The person signs a responsibility letter themselves; the text signed is kept with them. Only a letter still
    to sign (`rules.letters_to_sign`) is taken."""
    person = Person.objects.select_for_update(of=("self",)).filter(user=actor).first()
    if person is None:
        raise PermissionDenied("请先登记为志愿者")
    if person.state == State.REJECTED:
        raise ValidationError("登记未通过，无需签署责任书")
    if kind not in LetterKind.values:
        raise ValidationError("责任书类别无效")
    if kind not in rules.letters_to_sign(Letter.objects.filter(person=person).values_list("kind", "text")):
        raise ValidationError(f"您已签署过这份{LetterKind(kind).label}，无需重复签署")
    letter = Letter.objects.create(person=person, kind=kind, text=rules.LETTER_TEXTS[kind], signed_at=now)
    record(actor, A.CREATE, letter, reason=f"在线签署{letter.get_kind_display()}")
    return letter


@transaction.atomic
def rule_set(*, actor: User, training_hours_before, services_before_alone: int) -> PoolRule:
    county = access.access_office_county(actor)
    if not 0 <= services_before_alone <= 20:
        raise ValidationError("跟岗服务次数应在 0 到 20 之间")
    hours = Decimal(0) if str(training_hours_before).strip() in ("0", "0.0") else _hours(
        training_hours_before, label="岗前培训学时", high=Decimal("40"))
    row, _ = PoolRule.objects.select_for_update().get_or_create(county=county)
    row.training_hours_before, row.services_before_alone, row.updated_by = hours, services_before_alone, actor
    row.save()
    record(actor, A.UPDATE, row, fields=["training_hours_before", "services_before_alone"],
           reason=f"岗前培训 {hours} 学时，跟岗 {services_before_alone} 次后独立服务")
    return row
