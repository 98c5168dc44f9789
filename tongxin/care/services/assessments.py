"""Risk assessments (P-14, P-15): the five dimensions scored, the level with its reasons; the level sets the care
plan (P-09) and which contact rules apply."""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs.models import User

from .. import access, rules
from ..choices import Dimension, Level, Problem
from ..models import Assessment, CareFile, FileVersion


@transaction.atomic
def assessment_add(actor: User, file: CareFile, *, on: dt.date, scores: Mapping[str, int],
                   problems: Iterable[str] = (), measures: str = "", today: dt.date) -> Assessment:
    """Record an assessment dated `on` (not in the future, not before the file was opened)."""
    access.require_editor(actor, file)
    if on > today:
        raise ValidationError("评估日期不能晚于今天")
    if on < file.added_on:
        raise ValidationError(f"评估日期不能早于建档日期（{file.added_on:%Y-%m-%d}）")
    problems = list(dict.fromkeys(problems))
    if set(problems) - set(Problem.values):
        raise ValidationError("问题类型不正确")
    if set(scores) != set(Dimension.values):
        raise ValidationError("请为监护、生活、学习、安全、身心健康五个维度逐项评分")
    try:
        level, reasons = rules.risk_level({Dimension(k): v for k, v in scores.items()},
                                          [Problem(p) for p in problems])
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    assessment = Assessment(file=file, on=on, scores={str(k): int(v) for k, v in scores.items()}, problems=problems,
                            level=level, reasons=list(reasons), measures=measures.strip()[:255], by=actor)
    assessment.full_clean(exclude=["file"])
    assessment.save()
    latest = Assessment.objects.filter(file=file).order_by("-on", "-id").first()
    assert latest is not None
    was, review_from = CareFile.objects.select_for_update().values_list("level", "review_from").get(pk=file.pk)
    # A change in the family waits for an assessment dated on or after it (动态管理, P-10).
    reviewed = review_from is not None and assessment.on >= review_from
    CareFile.objects.filter(pk=file.pk).update(level=latest.level, assessed_on=latest.on,
                                               **({"review_from": None, "review_reason": ""} if reviewed else {}))
    changes = []
    if was != latest.level:
        changes.append(["风险等级", Level(was).label if was else "未评估", Level(latest.level).label])
    if reviewed:
        changes.append(["家庭情况变动", "待复核", "已复核"])
    if changes:
        FileVersion.objects.create(file=file, by=actor, note=f"{assessment.on:%Y-%m-%d}风险评估", changes=changes)
    record(actor, AuditEntry.Action.CREATE, assessment, child_id=file.child_id,
           reason=f"风险评估：{assessment.get_level_display()}")
    return assessment
