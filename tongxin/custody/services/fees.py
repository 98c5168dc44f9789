"""Fees and exemptions.

C-08: a pupil of a hard-up family (低保, 特困, a 困境 child, or certified 家庭经济困难 by the school for the school
year) pays no care fee as of right. The 100 % waiver is written when the child is placed (`waive_as_of_right`,
called by the placement flow) or when the school certifies the hardship of a child already placed, with its
basis on record; nobody asks for it. Others may still ask for a partial (or full) reduction, which the
organiser decides.
"""

import datetime as dt
from collections.abc import Iterable
from itertools import batched
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tongxin.audit.services import record, record_each
from tongxin.db import insert_rows
from tongxin.orgs.models import User
from tongxin.people import selectors as people
from tongxin.people.models import Child

from .. import permissions, rules
from ..models import Application, FeeExemption, HardshipCertificate, Period, Placement
from ._common import IN_LIST_MAX, A

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


# What every waiver as of right says (besides its reason, certificate and time).
_WAIVER = {"percent": 100, "state": FeeExemption.State.APPROVED, "basis": FeeExemption.Basis.ENTITLEMENT,
           "decided_by": None, "requested_by": None}


@transaction.atomic
def waive_as_of_right(*, application_ids: Iterable[int] | QuerySet) -> list[FeeExemption]:
    """Write the 100 % care-fee waiver of every placed application whose child is entitled to it (C-08).
    Called from the placement flow; idempotent. A pending or partial request is replaced by the waiver.

    Works for a whole placement run at once: the registry's flags, the placed periods, the school's
    certificates and the existing exemptions are read in a few statements (never the child's encrypted
    fields), and the waivers and their audit entries written in bulk. `application_ids` may be a query of ids
    (e.g. a run's placements), read by the database rather than sent back as a list."""
    chunks = [application_ids] if isinstance(application_ids, QuerySet) else batched(list(application_ids), IN_LIST_MAX)
    # Only a child with a registry flag or a school's certificate (of any year) can be entitled: the database
    # leaves out everyone else.
    maybe = (Q(child__family__low_income=True) | Q(child__family__extreme_poverty=True)
             | Q(child__care_status=Child.CareStatus.VULNERABLE)
             | Exists(HardshipCertificate.objects.filter(child_id=OuterRef("child_id"))))
    apps: list[tuple[Any, ...]] = []  # (application, child, programme, child's name, programme's name, vulnerable, 低保, 特困)
    for chunk in chunks:
        apps += (Application.objects.filter(maybe, pk__in=chunk, state=Application.State.PLACED).order_by()
                 .values_list("pk", "child_id", "programme_id", "child__name", "programme__name", "child__care_status",
                              "child__family__low_income", "child__family__extreme_poverty"))
    first_day: dict[int, dt.date] = {}  # application -> start of its first placed period
    for chunk in batched([a[0] for a in apps], IN_LIST_MAX):
        for app_id, start in (Placement.objects.filter(application_id__in=chunk, state=Placement.State.PLACED)
                              .values_list("application_id", "period__start")):
            first_day[app_id] = min(start, first_day.get(app_id, start))
    if not apps:
        return []
    without_seat = {a[2] for a in apps if a[0] not in first_day}
    programme_start: dict[int, dt.date] = {}
    if without_seat:
        for programme_id, start in Period.objects.filter(programme_id__in=without_seat).values_list("programme_id", "start"):
            programme_start[programme_id] = min(start, programme_start.get(programme_id, start))
    certificates: dict[tuple[int, int], tuple[int, int]] = {}  # (child, school year) -> (certificate, its year)
    for chunk in batched(sorted({a[1] for a in apps}), IN_LIST_MAX):
        for pk, child_id, year in HardshipCertificate.objects.filter(child_id__in=chunk).values_list(
                "pk", "child_id", "school_year"):
            certificates[(child_id, year)] = (pk, year)
    today = timezone.localdate()
    entitled = []
    for app_id, child_id, programme_id, child_name, programme_name, care_status, low_income, poverty in apps:
        day = first_day.get(app_id) or programme_start.get(programme_id) or today
        certificate = certificates.get((child_id, rules.school_year_of(day)))
        reasons = rules.fee_waiver_reasons(rules.HardshipFacts(
            low_income=low_income, extreme_poverty=poverty, vulnerable=care_status == Child.CareStatus.VULNERABLE,
            school_certified=certificate is not None))
        if reasons:
            entitled.append((app_id, child_id, f"{child_name} · {programme_name}", reasons, certificate))
    existing: dict[int, FeeExemption] = {}
    for chunk in batched([e[0] for e in entitled], IN_LIST_MAX):
        existing.update((x.application_id, x) for x in FeeExemption.objects.select_for_update().filter(application_id__in=chunk))
    now = timezone.now()
    created, updated, entries = [], [], []
    for app_id, child_id, application_repr, reasons, certificate in entitled:
        exemption = existing.get(app_id)
        if exemption and exemption.basis == FeeExemption.Basis.ENTITLEMENT and exemption.percent == 100 \
                and exemption.state == FeeExemption.State.APPROVED:
            continue
        reason = "依规全免：" + "、".join(reasons)
        if certificate is not None:
            reason += f"（{certificate[1]}-{certificate[1] + 1}学年学校认定）"
        if exemption:
            exemption.reason, exemption.certificate_id = reason[:255], certificate[0] if certificate else None
            for k, v in _WAIVER.items():
                setattr(exemption, k, v)
            exemption.decided_at = now
            updated.append(exemption)
        else:
            created.append((app_id, reason[:255], certificate[0] if certificate else None))
        entries.append((app_id, child_id, reason, f"{application_repr} 减免100%"))
    # Thousands of new waivers in a run: plain rows in one statement, then their ids read back.
    insert_rows(FeeExemption, ["application_id", "reason", "certificate_id"], created, decided_at=now, **_WAIVER)
    new_ids: dict[int, int] = {}
    for chunk in batched([c[0] for c in created], IN_LIST_MAX):
        new_ids.update(FeeExemption.objects.filter(application_id__in=chunk).values_list("application_id", "pk"))
    FeeExemption.objects.bulk_update(updated, [*_WAIVER, "reason", "certificate", "decided_at"])
    by_app = {x.application_id: x for x in updated}
    for app_id, reason, certificate_id in created:
        by_app[app_id] = FeeExemption(pk=new_ids[app_id], application_id=app_id, reason=reason,
                                      certificate_id=certificate_id, decided_at=now, **_WAIVER)
    waived = [by_app[app_id] for app_id, *_ in entries]
    record_each(None, FeeExemption, [(A.UPDATE if app_id in existing else A.CREATE, by_app[app_id].pk, child_id, reason,
                                      target_repr) for app_id, child_id, reason, target_repr in entries],
                fields=["percent", "state", "basis"])
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
