"""Fees and exemptions.

C-08: a pupil of a hard-up family (低保, 特困, a 困境 child, or certified 家庭经济困难 by the school for the school
year) pays no care fee as of right. The 100 % waiver is written when the child is placed (`waive_as_of_right`,
called by the placement flow) or when the school certifies the hardship of a child already placed, with its
basis on record; nobody asks for it. Others may still ask for a partial (or full) reduction, which the
organiser decides.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.orgs.models import User
from tongxin.people import selectors as people
from tongxin.people.models import Child

from .. import permissions, rules
from ..models import Application, FeeExemption, HardshipCertificate, Placement
from ._common import A

EXEMPTION_ELIGIBLE = "低保、特困家庭、困境儿童和学校认定的家庭经济困难学生"


def _programme_day(application: Application) -> dt.date:
    """The day that decides the school year of a certificate: the first placed period's start."""
    first = application.placements.filter(state=Placement.State.PLACED).order_by("period__start").first()
    return first.period.start if first else application.programme.periods.order_by("start").values_list(
        "start", flat=True).first() or timezone.localdate()


def hardship_facts(child: Child, day: dt.date) -> tuple[rules.HardshipFacts, HardshipCertificate | None]:
    """The registry's flags and the school's certificate for the school year of `day`."""
    facts = people.priority_facts(child)
    certificate = HardshipCertificate.objects.filter(child=child, school_year=rules.school_year_of(day)).first()
    return rules.HardshipFacts(
        low_income=facts.low_income,
        extreme_poverty=facts.extreme_poverty,
        vulnerable=facts.vulnerable,
        school_certified=certificate is not None,
    ), certificate


def _waive(application: Application, now: dt.datetime) -> FeeExemption | None:
    facts, certificate = hardship_facts(application.child, _programme_day(application))
    reasons = rules.fee_waiver_reasons(facts)
    if not reasons:
        return None
    existing = FeeExemption.objects.select_for_update().filter(application=application).first()
    if existing and existing.basis == FeeExemption.Basis.ENTITLEMENT and existing.percent == 100 \
            and existing.state == FeeExemption.State.APPROVED:
        return None
    reason = "依规全免：" + "、".join(reasons)
    if certificate is not None:
        reason += f"（{certificate.school_year}-{certificate.school_year + 1}学年学校认定）"
    values = {"percent": 100, "reason": reason[:255], "state": FeeExemption.State.APPROVED,
              "basis": FeeExemption.Basis.ENTITLEMENT, "certificate": certificate, "decided_at": now,
              "decided_by": None, "requested_by": None}
    if existing:
        for k, v in values.items():
            setattr(existing, k, v)
        existing.save()
        exemption = existing
    else:
        exemption = FeeExemption.objects.create(application=application, **values)
    record(None, A.UPDATE if existing else A.CREATE, exemption, child_id=application.child_id,
           fields=["percent", "state", "basis"], reason=reason)
    return exemption


@transaction.atomic
def waive_as_of_right(*, application_ids) -> list[FeeExemption]:
    """Write the 100 % care-fee waiver of every placed application whose child is entitled to it (C-08).
    Called from the placement flow; idempotent. A pending or partial request is replaced by the waiver."""
    now = timezone.now()
    waived = []
    for application in (Application.objects.filter(pk__in=list(application_ids), state=Application.State.PLACED)
                        .select_related("child__family", "programme")):
        exemption = _waive(application, now)
        if exemption is not None:
            waived.append(exemption)
    return waived


@transaction.atomic
def certify_hardship(actor: User, child: Child, *, school_year: int, note: str = "") -> HardshipCertificate:
    """The school certifies a pupil's family as 家庭经济困难 for one school year; a placed application of
    that year is waived at once."""
    permissions.require_hardship_certifier(actor, child)
    if child.school is None:
        raise ValidationError("只有在校学生可以由学校认定家庭经济困难")
    this_year = rules.school_year_of(timezone.localdate())
    if not this_year - 1 <= school_year <= this_year + 1:
        raise ValidationError(f"学年须为 {this_year - 1} 至 {this_year + 1} 之间的起始年份")
    note = note.strip()
    if "\x00" in note or len(note) > 255:
        raise ValidationError("认定依据不能超过 255 个字，且不能含有控制字符")
    try:
        with transaction.atomic():
            certificate = HardshipCertificate.objects.create(child=child, school=child.school, school_year=school_year,
                                                             note=note, certified_by=actor)
    except IntegrityError:
        raise ValidationError(f"{child.name} 已有 {school_year}-{school_year + 1} 学年的家庭经济困难认定") from None
    record(actor, A.CREATE, certificate, child_id=child.pk, fields=["school_year", "note"])
    placed = [a.pk for a in Application.objects.filter(child=child, state=Application.State.PLACED)
              if rules.school_year_of(_programme_day(a)) == school_year]
    waive_as_of_right(application_ids=placed)
    return certificate


@transaction.atomic
def request_exemption(actor: User, application: Application, *, percent: int, reason: str) -> FeeExemption:
    """A parent or the class teacher asks for a reduction of the care fee (partial or full), decided by the
    organiser. A child entitled to the free place needs no request: it is already applied."""
    child = application.child
    try:
        permissions.require_guardian_of(actor, child)
    except PermissionDenied:
        permissions.require_class_teacher_of(actor, child)
    if not 1 <= percent <= 100:
        raise ValidationError("减免比例应在 1% 到 100% 之间")
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写申请减免的理由")
    if "\x00" in reason or len(reason) > 255:
        raise ValidationError("理由不能超过 255 个字，且不能含有控制字符")
    current = FeeExemption.objects.select_for_update().filter(application=application).first()
    if current and current.basis == FeeExemption.Basis.ENTITLEMENT:
        raise ValidationError("该生已按规定全免托管费，无需申请")
    facts, _ = hardship_facts(child, _programme_day(application))
    if rules.fee_waiver_reasons(facts):
        raise ValidationError(f"{EXEMPTION_ELIGIBLE}依规全免托管费，安置时自动减免，无需申请")
    if current and current.state == FeeExemption.State.APPROVED:
        raise ValidationError("该生的减免已批准")
    exemption, _ = FeeExemption.objects.update_or_create(
        application=application,
        defaults={"percent": percent, "reason": reason, "requested_by": actor, "state": FeeExemption.State.REQUESTED,
                  "decided_by": None, "decided_at": None, "basis": FeeExemption.Basis.REQUEST, "certificate": None},
    )
    record(actor, A.CREATE, exemption, child_id=child.pk, fields=["percent", "reason"])
    return exemption


@transaction.atomic
def decide_exemption(actor: User, exemption: FeeExemption, *, approve: bool, percent: int | None = None) -> FeeExemption:
    permissions.require_organiser(actor, exemption.application.programme)
    exemption = FeeExemption.objects.select_for_update().get(pk=exemption.pk)
    if exemption.state != FeeExemption.State.REQUESTED:
        raise ValidationError("该减免申请已审批")
    if percent is not None:
        if not 1 <= percent <= 100:
            raise ValidationError("减免比例应在 1% 到 100% 之间")
        exemption.percent = percent
    exemption.state = FeeExemption.State.APPROVED if approve else FeeExemption.State.REFUSED
    exemption.decided_by, exemption.decided_at = actor, timezone.now()
    exemption.save()
    record(actor, A.UPDATE, exemption, child_id=exemption.application.child_id, fields=["state", "percent"])
    return exemption
