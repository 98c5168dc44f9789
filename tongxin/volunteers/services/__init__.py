"""Writes of the pool: a person registers themselves; the community, township or school vets them and records the
checks (入职查询, health). Each service is one transaction with one audit entry."""

import datetime as dt
import zlib

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.db import stored_text as _text
from tongxin.orgs.models import Region, Role, RoleAssignment, School, User

from .. import access, rules
from ..choices import CheckKind, CheckResult, Source, State
from ..models import Check, Person

A = AuditEntry.Action


class RegistrationThrottled(ValidationError):
    """Too many self-registrations from one client address within the hour (the page answers 429)."""


def _throttle(client_address: str | None, now: dt.datetime) -> None:
    """At most settings.VOLUNTEER_REGISTRATIONS_PER_HOUR registrations from one address in any hour, counted from
    the stored registrations. Two registrations from one address at the same moment take turns (PostgreSQL: a
    transaction lock on the address; SQLite: its one write lock), so both cannot slip under the limit."""
    if not client_address:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x766F6C, zlib.crc32(client_address.encode()) - 2**31])
    recent = Person.objects.filter(registered_from=client_address,
                                   registered_at__gt=now - dt.timedelta(hours=1)).count()
    per_hour = settings.VOLUNTEER_REGISTRATIONS_PER_HOUR
    if rules.registration_throttled(recent=recent, per_hour=per_hour):
        raise RegistrationThrottled(f"同一网络地址一小时内最多登记 {per_hour} 次，请一小时后再试；"
                                    f"如需集体登记，请联系所在社区（村）或学校统一办理")


def _communities(ids: list[int]) -> list[Region]:
    found = list(Region.objects.filter(pk__in=set(ids), level=Region.Level.COMMUNITY))
    if len(found) != len(set(ids)):
        raise ValidationError("所选社区（村）不存在")
    return found


def _details(*, source: str, home_id: int, area_ids: list[int], school_id: int | None) -> tuple:
    if source not in Source.values:
        raise ValidationError("来源选项无效")
    problem = rules.registration_problem(source=source, school_id=school_id, area_count=len(set(area_ids)))
    if problem:
        raise ValidationError(problem)
    school = School.objects.filter(pk=school_id).first() if school_id else None
    if school_id and school is None:
        raise ValidationError("所选学校不存在")
    return school if source == Source.TEACHER else None, _communities([home_id])[0], _communities(area_ids)


def _create(user: User, *, source: str, school, home: Region, areas: list[Region], affiliation: str, skills: str,
            weekdays: str, holidays: bool, hours: str, registered_from: str | None = None) -> Person:
    if not RoleAssignment.objects.filter(user=user, role=Role.VOLUNTEER).exists():
        RoleAssignment.objects.create(user=user, role=Role.VOLUNTEER, region=home, active=False)
    person = Person.objects.create(
        user=user, source=source, school=school, affiliation=_text(affiliation, label="单位、学校或组织", max_length=64),
        skills=_text(skills, label="特长", max_length=200), home=home,
        weekdays="".join(sorted(set(weekdays) & set("1234567"))), holidays=holidays,
        hours=_text(hours, label="可服务时段", max_length=32), registered_from=registered_from)
    person.areas.set(areas)
    return person


@transaction.atomic
def person_register(*, username: str, password: str, real_name: str, phone: str, source: str, home_id: int,
                    area_ids: list[int], school_id: int | None = None, affiliation: str = "", skills: str = "",
                    weekdays: str = "", holidays: bool = False, hours: str = "", client_address: str | None = None,
                    now: dt.datetime | None = None) -> Person:
    """A person registers themselves on a phone: a login (its volunteer role inactive until accepted) and a
    pending record for the community (or, for an in-service teacher, the school) to vet. Throttled per client
    address (RegistrationThrottled)."""
    _throttle(client_address, now or timezone.now())
    username = _text(username, label="用户名", max_length=150)
    if not username or User.objects.filter(username__iexact=username).exists():
        raise ValidationError("该用户名已被使用，请换一个")
    real_name = _text(real_name, label="姓名", max_length=32)
    if not real_name:
        raise ValidationError("请填写姓名")
    school, home, areas = _details(source=source, home_id=home_id, area_ids=area_ids, school_id=school_id)
    user = User(username=username, real_name=real_name, phone=_text(phone, label="手机号", max_length=16))
    validate_password(password, user)
    user.set_password(password)
    user.save()
    person = _create(user, source=source, school=school, home=home, areas=areas, affiliation=affiliation,
                     skills=skills, weekdays=weekdays, holidays=holidays, hours=hours, registered_from=client_address)
    record(user, A.CREATE, person, reason=f"志愿者（师资）自助登记：{person.get_source_display()}")
    return person


@transaction.atomic
def person_join(*, actor: User, source: str, home_id: int, area_ids: list[int], school_id: int | None = None,
                affiliation: str = "", skills: str = "", weekdays: str = "", holidays: bool = False,
                hours: str = "") -> Person:
    """Someone with a login already (a teacher, a parent) joins the pool with it: a pending record to vet."""
    if Person.objects.filter(user=actor).exists():
        raise ValidationError("您已登记，无需重复登记")
    school, home, areas = _details(source=source, home_id=home_id, area_ids=area_ids, school_id=school_id)
    person = _create(actor, source=source, school=school, home=home, areas=areas, affiliation=affiliation,
                     skills=skills, weekdays=weekdays, holidays=holidays, hours=hours)
    record(actor, A.CREATE, person, reason=f"以现有账号登记为志愿者（师资）：{person.get_source_display()}")
    return person


def _locked(person_id: int) -> Person:
    person = Person.objects.select_for_update(of=("self",)).select_related("user").filter(pk=person_id).first()
    if person is None:
        raise ValidationError("未找到该人员")
    return person


@transaction.atomic
def person_vet(*, actor: User, person_id: int, accept: bool, reason: str = "") -> Person:
    """Accept a pending person into the pool (their volunteer role becomes active) or reject them with a reason."""
    person = _locked(person_id)
    access.require_vetter(actor, person)
    if person.state != State.PENDING:
        raise ValidationError(f"该人员已{person.get_state_display()}，不能重复审核")
    reason = _text(reason, label="原因", max_length=200)
    if not accept and not reason:
        raise ValidationError("不通过时请填写原因")
    person.state = State.ACCEPTED if accept else State.REJECTED
    person.reject_reason = "" if accept else reason
    person.vetted_by, person.vetted_at = actor, timezone.now()
    person.save(update_fields=["state", "reject_reason", "vetted_by", "vetted_at"])
    if accept:
        RoleAssignment.objects.filter(user=person.user, role=Role.VOLUNTEER).update(active=True)
    record(actor, A.UPDATE, person, fields=["state"], reason="审核通过" if accept else f"审核不通过：{reason}")
    return person


@transaction.atomic
def check_record(*, actor: User, person_id: int, kind: str, result: str, checked_on: dt.date, valid_until: dt.date,
                 today: dt.date, note: str = "") -> Check:
    """Record a check made (the employment inquiry or a health check), its result and how long it holds. For an
    in-service teacher the school's hiring included the inquiry: the school leader records it here all the same."""
    person = _locked(person_id)
    access.require_vetter(actor, person)
    if kind not in CheckKind.values:
        raise ValidationError("查询类别无效")
    if result not in CheckResult.values:
        raise ValidationError("查询结果无效")
    if checked_on > today:
        raise ValidationError("查询日期不能晚于今天")
    if valid_until < checked_on:
        raise ValidationError("有效期不能早于查询日期")
    if valid_until > rules.add_months(checked_on, 60):
        raise ValidationError("有效期最长五年")
    check = Check.objects.create(person=person, kind=kind, result=result, checked_on=checked_on,
                                 valid_until=valid_until, checked_by=actor,
                                 note=_text(note, label="备注", max_length=200))
    record(actor, A.CREATE, check, reason=f"{check.get_kind_display()}：{check.result_text}，"
                                         f"有效期至 {valid_until:%Y-%m-%d}")
    return check
