"""Figures computed ahead: the worker snapshots every programme's summary figures, so an area's overview reads
one row per programme (see `selectors.figures_as_of`)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tongxin.audit.services import record

from .. import selectors
from ..models import FiguresSnapshot, Programme
from ._common import A

BATCH = 100  # programmes whose figures are read together (nine grouped queries a batch)
KEEP_DAYS = 7  # snapshots older than this are dropped: the pages read the latest day's


@transaction.atomic
def refresh_figures(*, upto: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Compute and store every programme's figures up to `upto` (default: yesterday); returns how many. Run by
    the worker on a schedule (`refresh_figures_task`); safe to run twice at once (the last write wins, and both
    computed the same records)."""
    now = now or timezone.now()
    upto = upto or timezone.localdate(now) - dt.timedelta(days=1)
    ids = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    stored = 0
    for start in range(0, len(ids), BATCH):
        programmes = list(Programme.objects.filter(pk__in=ids[start:start + BATCH]).order_by("pk"))
        rows = [FiguresSnapshot(programme=f.programme, upto=upto, computed_at=now, data=selectors.figures_data(f))
                for f in selectors.programme_figures(programmes, upto)]
        FiguresSnapshot.objects.bulk_create(rows, update_conflicts=True, unique_fields=["programme", "upto"],
                                            update_fields=["computed_at", "data"])
        stored += len(rows)
    FiguresSnapshot.objects.filter(upto__lt=upto - dt.timedelta(days=KEEP_DAYS)).delete()
    record(None, A.UPDATE, None, target_repr="托管统计快照", reason=f"{stored} 个项目，出勤截至 {upto:%Y-%m-%d}")
    return stored
