from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from . import context
from .models import AuditEntry


def _child_id_of(obj) -> int | None:
    if obj is None:
        return None
    if obj._meta.label == "people.Child":
        return obj.pk
    return getattr(obj, "child_id", None)


def _entry(actor, action: str, target: models.Model | None, *, fields: Iterable[str] = (), reason: str = "",
           child_id: int | None = None, target_repr: str | None = None) -> AuditEntry:
    meta = context.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        actor=actor if authenticated else None,
        actor_name=(getattr(actor, "display_name", "") or str(actor))[:64] if authenticated else "",
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr if target_repr is not None else str(target) if target is not None else "")[:128],
        child_id=child_id if child_id is not None else _child_id_of(target),
        fields=sorted(fields),
        reason=reason[:255],
        ip=meta.ip,
        user_agent=meta.user_agent,
        path=meta.path,
        channel=meta.channel,
    )


def record(actor, action: str, target: models.Model | None = None, **details) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the change it records."""
    entry = _entry(actor, action, target, **details)
    entry.save()
    return entry


def record_many(actor, action: str, targets: Iterable[models.Model], *, reason: str = "") -> int:
    """One entry per record (e.g. the children in an export), written in one statement."""
    rows = [_entry(actor, action, t, reason=reason) for t in targets]
    AuditEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)



def record_each(actor, model: type[models.Model], entries: Iterable[tuple[str, Any, int | None, str, str]], *,
                fields: Iterable[str] = ()) -> int:
    """One entry per (action, target id, child id, reason, target repr) on records of one model, all naming the
    same `fields`, written as plain rows in one statement: for the thousands of fee waivers of a placement run,
    where building and saving an entry object each would cost more than the change it records."""
    from tongxin.db import insert_rows

    who = _entry(actor, "", None, fields=fields)  # who, when, from where: the same on every entry
    rows = [(action, model._meta.label, str(pk), target_repr[:128], child_id, reason[:255])
            for action, pk, child_id, reason, target_repr in entries]
    insert_rows(AuditEntry, ("action", "target_type", "target_id", "target_repr", "child_id", "reason"), rows,
                at=timezone.now(), actor=who.actor_id, actor_name=who.actor_name, fields=who.fields,
                children=who.children, ip=who.ip, user_agent=who.user_agent, path=who.path, channel=who.channel)
    return len(rows)


def changed_fields(before: models.Model | None, after: models.Model) -> list[str]:
    """Names of concrete fields whose values differ (values themselves are never logged)."""
    names = []
    for field in after._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        if before is None or getattr(before, field.attname) != getattr(after, field.attname):
            names.append(field.name)
    return names
