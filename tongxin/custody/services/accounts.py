"""Each programme's money (C-07, S-09): income by fund, spending charged to one fund, ring-fenced per programme;
and guest sessions (S-04)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from tongxin.audit.services import record
from tongxin.db import stored_text
from tongxin.orgs.models import User

from .. import partner_rules, permissions
from ..models import Attendance, DrillSetting, Fund, GuestSession, Income, Partner, Programme, Spending
from ._common import A, changed_fields, refuse_if_withdrawn, withdraw_record

MAX_AMOUNT = Decimal("99999999.99")


def _amount(amount: Decimal) -> Decimal:
    if amount <= 0 or amount > MAX_AMOUNT:
        raise ValidationError({"amount": "金额须大于 0 且不超过 99999999.99 元"})
    return amount.quantize(partner_rules.CENT)


def _live_sum(model, programme: Programme, fund: str, exclude_pk: int | None = None) -> Decimal:
    qs = model.objects.filter(programme=programme, fund=fund, withdrawn_at__isnull=True)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(s=Sum("amount"))["s"] or Decimal(0)


def _lock_programme(programme: Programme) -> None:
    Programme.objects.select_for_update().get(pk=programme.pk)  # one change of a programme's money at a time


def _income_fields(*, fund: str, payer: str, amount: Decimal, received_on: dt.date, note: str) -> dict:
    if fund not in Fund.values:
        raise ValidationError({"fund": "请选择资金来源"})
    fields = {"fund": fund, "payer": stored_text(payer, label="拨付单位或捐赠人", max_length=64),
              "amount": _amount(amount), "received_on": received_on,
              "note": stored_text(note, label="说明", max_length=128)}
    if not fields["payer"]:
        raise ValidationError({"payer": "请填写拨付单位或捐赠人"})
    return fields


def _spending_fields(*, fund: str, category: str, item: str, amount: Decimal, spent_on: dt.date, note: str) -> dict:
    if fund not in Fund.values:
        raise ValidationError({"fund": "请选择列支资金"})
    if category not in Spending.Category.values:
        raise ValidationError({"category": "请选择支出类别"})
    fields = {"fund": fund, "category": category, "item": stored_text(item, label="支出事项", max_length=64),
              "amount": _amount(amount), "spent_on": spent_on,
              "note": stored_text(note, label="说明", max_length=128)}
    if not fields["item"]:
        raise ValidationError({"item": "请填写支出事项"})
    return fields


def _fund_still_covers(programme: Programme, fund: str, *, income_less: Decimal) -> None:
    """专款专用 after an income is lowered, moved to another fund or withdrawn: the fund's spending stays covered."""
    received = _live_sum(Income, programme, fund) - income_less
    spent = _live_sum(Spending, programme, fund)
    if spent > received:
        raise ValidationError(f"专款专用：本项目{Fund(fund).label}已支出 {spent:.2f} 元，更正后收入仅 {received:.2f} 元，"
                              f"请先更正或撤销相应支出")


@transaction.atomic
def record_income(*, actor: User, programme: Programme, fund: str, payer: str, amount: Decimal,
                  received_on: dt.date, note: str = "") -> Income:
    permissions.require_accounts_keeper(actor, programme)
    fields = _income_fields(fund=fund, payer=payer, amount=amount, received_on=received_on, note=note)
    income = Income.objects.create(programme=programme, **fields, recorded_by=actor)
    record(actor, A.CREATE, income, fields=["fund", "payer", "amount", "received_on"])
    return income


@transaction.atomic
def record_spending(*, actor: User, programme: Programme, fund: str, category: str, item: str, amount: Decimal,
                    spent_on: dt.date, note: str = "") -> Spending:
    """Charge a spending to one of the programme's funds. 专款专用: refused when the fund has not that much left
    in this programme (what it brought the programme less what was charged to it)."""
    permissions.require_accounts_keeper(actor, programme)
    fields = _spending_fields(fund=fund, category=category, item=item, amount=amount, spent_on=spent_on, note=note)
    _lock_programme(programme)  # two spendings at once cannot both take the last yuan
    _spending_fits(programme, fields["fund"], fields["amount"])
    spending = Spending.objects.create(programme=programme, **fields, recorded_by=actor)
    record(actor, A.CREATE, spending, fields=["fund", "category", "item", "amount", "spent_on"])
    return spending


def _spending_fits(programme: Programme, fund: str, amount: Decimal, exclude_pk: int | None = None) -> None:
    problem = partner_rules.spending_problem(
        fund_label=Fund(fund).label, amount=amount, received=_live_sum(Income, programme, fund),
        spent=_live_sum(Spending, programme, fund, exclude_pk))
    if problem:
        raise ValidationError(problem)


@transaction.atomic
def edit_income(*, actor: User, income: Income, fund: str, payer: str, amount: Decimal, received_on: dt.date,
                note: str = "") -> Income:
    """Correct an income entry. Refused when it would leave a fund of the programme spending more than it took in."""
    programme = income.programme
    permissions.require_accounts_keeper(actor, programme)
    _lock_programme(programme)
    income = Income.objects.get(pk=income.pk)
    refuse_if_withdrawn(income)
    fields = _income_fields(fund=fund, payer=payer, amount=amount, received_on=received_on, note=note)
    old_fund, old_amount = income.fund, income.amount
    less = old_amount - fields["amount"] if fields["fund"] == old_fund else old_amount
    if less > 0:
        _fund_still_covers(programme, old_fund, income_less=less)
    changed = changed_fields(income, fields)
    if changed:
        income.save(update_fields=changed)
        record(actor, A.UPDATE, income, fields=changed,
               reason=f"更正收入：原 {Fund(old_fund).label} {old_amount:.2f} 元")
    return income


@transaction.atomic
def withdraw_income(*, actor: User, income: Income, reason: str) -> Income:
    """Withdraw an income entered by mistake: the row stays, marked; the statement leaves it out. Refused while the
    fund's spending needs it."""
    programme = income.programme
    permissions.require_accounts_keeper(actor, programme)
    _lock_programme(programme)
    income = Income.objects.get(pk=income.pk)
    if income.withdrawn_at is None:
        _fund_still_covers(programme, income.fund, income_less=income.amount)
    withdraw_record(actor, income, reason)
    return income


@transaction.atomic
def edit_spending(*, actor: User, spending: Spending, fund: str, category: str, item: str, amount: Decimal,
                  spent_on: dt.date, note: str = "") -> Spending:
    """Correct a spending entry; 专款专用 is checked again without the entry's old amount."""
    programme = spending.programme
    permissions.require_accounts_keeper(actor, programme)
    _lock_programme(programme)
    spending = Spending.objects.get(pk=spending.pk)
    refuse_if_withdrawn(spending)
    fields = _spending_fields(fund=fund, category=category, item=item, amount=amount, spent_on=spent_on, note=note)
    _spending_fits(programme, fields["fund"], fields["amount"], exclude_pk=spending.pk)
    old = f"原 {Fund(spending.fund).label} {spending.amount:.2f} 元"
    changed = changed_fields(spending, fields)
    if changed:
        spending.save(update_fields=changed)
        record(actor, A.UPDATE, spending, fields=changed, reason=f"更正支出：{old}")
    return spending


@transaction.atomic
def withdraw_spending(*, actor: User, spending: Spending, reason: str) -> Spending:
    """Withdraw a spending entered by mistake: the row stays, marked; its fund's balance comes back."""
    permissions.require_accounts_keeper(actor, spending.programme)
    _lock_programme(spending.programme)
    spending = Spending.objects.get(pk=spending.pk)
    withdraw_record(actor, spending, reason)
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
    teacher = stored_text(teacher, label="授课人", max_length=32)
    teacher_unit = stored_text(teacher_unit, label="授课人单位", max_length=64)
    topic = stored_text(topic, label="主题", max_length=64)
    drill_result = stored_text(drill_result, label="演练效果", max_length=200)
    if not teacher or not topic:
        raise ValidationError("请填写授课人和主题")
    problem = partner_rules.drill_problem(is_drill=kind == GuestSession.Kind.DRILL, drill_kind=drill_kind,
                                          minutes=drill_minutes, result=drill_result)
    if problem:
        raise ValidationError(problem)
    if partner is not None and not Partner.objects.filter(permissions.partner_read_q(actor), withdrawn_at__isnull=True).filter(pk=partner.pk).exists():
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
