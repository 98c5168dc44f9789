"""The care line's API: a person's to-do list for any date (`?on=YYYY-MM-DD`), the same answer as the page."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema

from .selectors.todo import todo_for

router = Router(tags=["关爱"])


class DutyOut(Schema):
    file_id: int
    child: str
    school_class: str
    rule: str
    rule_key: str
    source: str
    window_start: dt.date
    window_end: dt.date
    done: int
    needed: int
    state: str = Field(description="done 已完成 / due 本期未完成")
    missed_last: int = Field(description="上一期未达标的次数（0 为达标或不计）")


class FileDueOut(Schema):
    file_id: int
    child: str
    school_class: str


class AssessmentDueOut(FileDueOut):
    reason: str
    deadline: dt.date
    state: str = Field(description="due 待评估 / overdue 逾期")


class ReviewDueOut(FileDueOut):
    since: dt.date = Field(description="家庭情况变动日期")
    reason: str = Field(description="变动情况（家长外出或返乡、照料人变化、类别改变）")


class TodoOut(Schema):
    on: dt.date
    duties: list[DutyOut]
    unchecked: list[FileDueOut]
    assessments: list[AssessmentDueOut]
    census_due: list[str]
    reviews: list[ReviewDueOut] = Field(description="家庭情况变动，需重新评估风险")


@router.get("/todo", response=TodoOut, summary="关爱待办（任意日期）")
def todo(request, on: dt.date | None = None):
    """The caller's care to-do list on `on` (today when absent): every contact rule of every child they help,
    with this window's done/needed and last window's shortfall; the files of their class not checked this month;
    the assessments due or overdue; their class's census if not confirmed this term; the files whose family changed
    and wait for a new assessment."""
    day = on or timezone.localdate()
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise ValidationError({"on": ["日期超出范围（2000–2100年）"]})
    found = todo_for(request.auth, day)
    return {
        "on": day,
        "duties": [{"file_id": d.file.file_id, "child": d.file.name, "school_class": d.file.class_label,
                    "rule": d.status.rule.title, "rule_key": d.status.rule.key, "source": d.status.rule.source,
                    "window_start": d.status.start, "window_end": d.status.end, "done": d.status.done,
                    "needed": d.status.needed, "state": d.status.state, "missed_last": d.status.missed_last}
                   for d in found.duties],
        "unchecked": [{"file_id": r.file_id, "child": r.name, "school_class": r.class_label} for r in found.unchecked],
        "assessments": [{"file_id": f.file_id, "child": f.name, "school_class": f.class_label, "reason": due.reason,
                         "deadline": due.deadline, "state": due.state} for f, due in found.assessments],
        "census_due": [label for _, label in found.census_due],
        "reviews": [{"file_id": f.file_id, "child": f.name, "school_class": f.class_label, "since": since,
                     "reason": reason} for f, since, reason in found.reviews],
    }
