"""Aid (P-62, P-63): record cash and material aid, subsidies and rescue given to a child; a gift of 200 yuan or
more gets a numbered donation receipt."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import User
from tongxin.people import selectors as people

from .. import access, aid_rules
from ..aid_models import AidKind, AidRecord
from .common import clean_text

# Gifts get a donation receipt; policy subsidies and the nutrition plan are not gifts.
GIFTS = frozenset({AidKind.CASH, AidKind.MATERIAL, AidKind.RESCUE})


def _text(value: str, label: str, limit: int) -> str:
    return clean_text(value, label, limit=limit)


def _next_receipt(school_code: str, year: int) -> str:
    prefix = aid_rules.receipt_number(school_code, year, 0)[:-4]
    taken = AidRecord.objects.filter(receipt_no__startswith=prefix).values_list("receipt_no", flat=True)
    last = max((int(n.rsplit("-", 1)[1]) for n in taken), default=0)
    return aid_rules.receipt_number(school_code, year, last + 1)


@transaction.atomic
def aid_add(actor: User, *, child_id: int, kind: str, donor: str, what: str, amount: Decimal | str,
            given_on: dt.date, today: dt.date) -> AidRecord:
    """Record aid given to a child in the actor's scope (those who keep the care ledger)."""
    if not access.is_editor(actor):
        raise PermissionDenied("当前角色不能登记资助")
    if not scope.children(actor).filter(scope.child_q(actor, roles_allowed=access.EDITORS), pk=child_id).exists():
        raise PermissionDenied("该儿童不在您负责的范围内")
    if kind not in AidKind.values:
        raise ValidationError("请选择资助类别")
    donor, what = _text(donor, "资助方", 64), _text(what, "资助内容", 128)
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError("金额应为数字") from None
    if not Decimal("0") <= amount <= Decimal("1000000"):
        raise ValidationError("金额应在 0 到 100 万元之间")
    if kind == AidKind.CASH and amount == 0:
        raise ValidationError("现金帮扶请填写金额")
    if given_on > today:
        raise ValidationError("发放日期不能晚于今天")
    if given_on < today - dt.timedelta(days=3 * 366):
        raise ValidationError("发放日期过早，请核对")
    school = people.school_of(child_id)
    receipt = ""
    if kind in GIFTS and aid_rules.needs_receipt(amount):
        receipt = _next_receipt(school[1] if school else "0000000000", given_on.year)
    found = AidRecord(child_id=child_id, school_id=school[0] if school else None, kind=kind, donor=donor,
                      what=what, amount=amount, given_on=given_on, receipt_no=receipt, recorded_by=actor)
    try:
        with transaction.atomic():
            found.save()
    except IntegrityError:  # another record took the same receipt number at the same moment
        raise ValidationError("收据编号冲突，请重新提交") from None
    record(actor, AuditEntry.Action.CREATE, found, child_id=child_id,
           reason=f"登记资助：{found.get_kind_display()} {amount} 元" + (f"，收据 {receipt}" if receipt else ""))
    return found
