"""What offices set (N-11 and the national standard's limits), each a row in force from a day: the county health
bureau for its county (class limits within the national ones, the affordable 普惠 prices, subsidies), a centre's
manager for the centre (tighter limits, its own prices within the 普惠 price, its own subsidies)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import access, rules
from ..choices import AgeBand, ClassType, PriceItem, SubsidyKind
from ..models import Centre, ClassLimit, Price, Subsidy

A = AuditEntry.Action
MAX_AHEAD_DAYS = 366


def _office(actor: User, centre_id: int | None) -> tuple[dict, str]:
    """Where a value is set: {"centre": ...} for a manager's centre, {"region": ...} for the county; and its name."""
    if centre_id is None:
        county = access.require_office(actor)
        return {"region": county, "centre": None}, county.name
    centre = Centre.objects.filter(pk=centre_id).select_related("site").first()
    if centre is None:
        raise ValidationError("未找到该托育机构")
    access.require_manager(actor, centre, "只有本托育机构的负责人可以设置")
    return {"centre": centre, "region": None}, centre.name


def _effective_from(day: dt.date, today: dt.date) -> dt.date:
    if day < today.replace(day=1):
        raise ValidationError("起始日期不能早于本月1日（已开具的账单不再变动）")
    if (day - today).days > MAX_AHEAD_DAYS:
        raise ValidationError("起始日期不能晚于一年以后")
    return day


def _amount(value, *, high: Decimal, label: str) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(f"{label}应为数字") from None
    if not amount.is_finite() or not Decimal(0) <= amount <= high:
        raise ValidationError(f"{label}应在 0 到 {high} 之间")
    return rules.money(amount)


@transaction.atomic
def limit_set(actor: User, *, class_type: str, max_size: int | None, per_carer: int | None,
              centre_id: int | None = None) -> ClassLimit | None:
    """Set (or, both None, clear) an office's limits for a class type; they may only tighten the national ones."""
    where, office = _office(actor, centre_id)
    problem = rules.limit_problem(class_type, max_size, per_carer)
    if problem:
        raise ValidationError(problem)
    row = ClassLimit.objects.select_for_update().filter(class_type=class_type, **where).first()
    label = ClassType(class_type).label
    if max_size is None and per_carer is None:
        if row is not None:
            row.delete()
            record(actor, A.DELETE, None, target_repr=f"{office}{label}限额", reason="恢复为上级（国家标准）限额")
        return None
    row = row or ClassLimit(class_type=class_type, **where)
    row.max_size, row.per_carer, row.set_by, row.set_at = max_size, per_carer, actor, timezone.now()
    row.save()
    record(actor, A.UPDATE, row, fields=["max_size", "per_carer"],
           reason=f"{office}{label}：每班最多 {max_size or '—'} 人，每名保育人员最多照护 {per_carer or '—'} 名")
    return row


def affordable_price(county, item: str, band: str, day: dt.date) -> Decimal | None:
    rows = [rules.PriceRow(p.item, p.band, p.amount, p.effective_from)
            for p in Price.objects.filter(region=county, centre__isnull=True, item=item, band=band)]
    return rules.price_on(rows, item, band, day)


@transaction.atomic
def price_set(actor: User, *, item: str, band: str, amount, effective_from: dt.date, today: dt.date,
              centre_id: int | None = None) -> Price:
    """A price in force from a day: the county's affordable (普惠) price, or a centre's own (a 普惠 centre's at most
    the county's 普惠 price in force that day)."""
    where, office = _office(actor, centre_id)
    if item not in PriceItem.values or band not in AgeBand.values:
        raise ValidationError("请选择收费项目和年龄段")
    amount = _amount(amount, high=Decimal("99999.99"), label="价格（元）")
    effective_from = _effective_from(effective_from, today)
    label = f"{PriceItem(item).label}（{AgeBand(band).label}）"
    centre = where["centre"]
    if centre is not None:
        county = access.county_of(centre)
        cap = affordable_price(county, item, band, effective_from) if county else None
        problem = rules.price_problem(amount, cap, affordable=centre.affordable, item_label=label)
        if problem:
            raise ValidationError(problem)
    row, _ = Price.objects.update_or_create(item=item, band=band, effective_from=effective_from, **where,
                                            defaults={"amount": amount, "set_by": actor, "set_at": timezone.now()})
    record(actor, A.UPDATE, row, fields=["amount"],
           reason=f"{office}{'普惠价' if centre is None else '收费标准'}：{label} {amount} 元，{effective_from:%Y-%m-%d} 起")
    return row


@transaction.atomic
def subsidy_set(actor: User, *, kind: str, amount, effective_from: dt.date, today: dt.date,
                centre_id: int | None = None) -> Subsidy:
    """A subsidy in force from a day: per child and month at 普惠 centres (yuan), or the reduction for 低保 and 特困
    families (percent). 0 ends one."""
    where, office = _office(actor, centre_id)
    if kind not in SubsidyKind.values:
        raise ValidationError("请选择补贴类型")
    high = Decimal(100) if kind == SubsidyKind.HARDSHIP else Decimal("9999.99")
    amount = _amount(amount, high=high, label="比例（%）" if kind == SubsidyKind.HARDSHIP else "金额（元）")
    if kind == SubsidyKind.HARDSHIP and amount != amount.to_integral_value():
        raise ValidationError("减免比例应为整数")
    effective_from = _effective_from(effective_from, today)
    row, _ = Subsidy.objects.update_or_create(kind=kind, effective_from=effective_from, **where,
                                              defaults={"amount": amount, "set_by": actor, "set_at": timezone.now()})
    record(actor, A.UPDATE, row, fields=["amount"],
           reason=f"{office}{SubsidyKind(kind).label}：{amount}，{effective_from:%Y-%m-%d} 起")
    return row
