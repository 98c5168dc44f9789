"""Each programme's money (C-07, S-09): income by fund, spending charged to one fund, ring-fenced per programme;
and guest sessions (S-04)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import partner_rules, permissions
from ..models import Attendance, DrillSetting, Fund, GuestSession, Income, Partner, Programme, Spending
from ._common import A

MAX_AMOUNT = Decimal("99999999.99")


def _amount(amount: Decimal) -> Decimal:
    if amount <= 0 or amount > MAX_AMOUNT:
        raise ValidationError({"amount": "金额须大于 0 且不超过 99999999.99 元"})
    return amount.quantize(partner_rules.CENT)


@transaction.atomic
def record_income(*, actor: User, programme: Programme, fund: str, payer: str, amount: Decimal,
                  received_on: dt.date, note: str = "") -> Income:
    permissions.require_accounts_keeper(actor, programme)
    if fund not in Fund.values:
        raise ValidationError({"fund": "请选择资金来源"})
    if not payer.strip():
        raise ValidationError({"payer": "请填写拨付单位或捐赠人"})
    income = Income.objects.create(programme=programme, fund=fund, payer=payer.strip(), amount=_amount(amount),
                                   received_on=received_on, note=note.strip(), recorded_by=actor)
    record(actor, A.CREATE, income, fields=["fund", "payer", "amount", "received_on"])
    return income


@transaction.atomic
def record_spending(*, actor: User, programme: Programme, fund: str, category: str, item: str, amount: Decimal,
                    spent_on: dt.date, note: str = "") -> Spending:
    """Charge a spending to one of the programme's funds. 专款专用: refused when the fund has not that much left
    in this programme (what it brought the programme less what was charged to it)."""
    permissions.require_accounts_keeper(actor, programme)
    if fund not in Fund.values:
        raise ValidationError({"fund": "请选择列支资金"})
    if category not in Spending.Category.values:
        raise ValidationError({"category": "请选择支出类别"})
    if not item.strip():
        raise ValidationError({"item": "请填写支出事项"})
    amount = _amount(amount)
    Programme.objects.select_for_update().get(pk=programme.pk)  # two spendings at once cannot both take the last yuan
    received = Income.objects.filter(programme=programme, fund=fund).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    spent = Spending.objects.filter(programme=programme, fund=fund).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    problem = partner_rules.spending_problem(fund_label=Fund(fund).label, amount=amount, received=received, spent=spent)
    if problem:
        raise ValidationError(problem)
    spending = Spending.objects.create(programme=programme, fund=fund, category=category, item=item.strip(),
                                       amount=amount, spent_on=spent_on, note=note.strip(), recorded_by=actor)
    record(actor, A.CREATE, spending, fields=["fund", "category", "item", "amount", "spent_on"])
    return spending


@transaction.atomic
def record_guest_session(*, actor: User, programme: Programme, date: dt.date, kind: str, teacher: str,
                         teacher_unit: str = "", partner: Partner | None = None, topic: str, children_present: int,
                         drill_kind: str = "", drill_minutes: int | None = None, drill_result: str = "") -> GuestSession:
    """A safety lecture and drill or an artisan's class, on a custody day: who taught, the topic, how many of the
    children checked in that day took part, and the drill held."""
    permissions.require_organiser(actor, programme)
    if kind not in GuestSession.Kind.values:
        raise ValidationError({"kind": "请选择活动类型"})
    if drill_kind and drill_kind not in GuestSession.DrillKind.values:
        raise ValidationError({"drill_kind": "请选择演练类型"})
    if not teacher.strip() or not topic.strip():
        raise ValidationError("请填写授课人和主题")
    problem = partner_rules.drill_problem(is_drill=kind == GuestSession.Kind.DRILL, drill_kind=drill_kind,
                                          minutes=drill_minutes, result=drill_result)
    if problem:
        raise ValidationError(problem)
    if partner is not None and not Partner.objects.filter(permissions.partner_read_q(actor)).filter(pk=partner.pk).exists():
        raise ValidationError({"partner": "请选择本乡镇（街道）名录中的合作单位"})
    if not permissions.runs_on(programme, date):
        raise ValidationError({"date": f"{date:%Y-%m-%d} 不是本项目的托管日"})
    present = Attendance.objects.filter(placement__period__programme=programme, date=date,
                                        check_in_at__isnull=False).count()
    if not 1 <= children_present <= present:
        raise ValidationError({"children_present": f"当天入托 {present} 人，参加人数须在 1 到 {present} 之间"})
    session = GuestSession.objects.create(
        programme=programme, date=date, kind=kind, teacher=teacher.strip(), teacher_unit=teacher_unit.strip(),
        partner=partner, topic=topic.strip(), children_present=children_present, drill_kind=drill_kind,
        drill_minutes=drill_minutes if drill_kind else None, drill_result=drill_result.strip(), recorded_by=actor)
    record(actor, A.CREATE, session, fields=["date", "kind", "teacher", "topic", "children_present", "drill_kind"])
    return session


@transaction.atomic
def set_drill_frequency(*, actor: User, programme: Programme, every_weeks: int) -> DrillSetting:
    """The office running the programme (its school or community) sets how often its programmes drill (S-04): only
    more often than the seed default. Applies to every programme of that office."""
    permissions.require_organiser(actor, programme)
    problem = partner_rules.drill_every_weeks_problem(every_weeks)
    if problem:
        raise ValidationError({"every_weeks": problem})
    office = {"school": programme.school} if programme.school_id else {"community": programme.community}
    setting, _ = DrillSetting.objects.select_for_update().get_or_create(
        **office, defaults={"every_weeks": every_weeks, "updated_by": actor})
    setting.every_weeks, setting.updated_by = every_weeks, actor
    setting.save(update_fields=["every_weeks", "updated_by", "updated_at"])
    record(actor, A.UPDATE, setting, fields=["every_weeks"], reason=f"安全演练至少每 {every_weeks} 周一次")
    return setting
