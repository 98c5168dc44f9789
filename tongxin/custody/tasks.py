"""Background work of the custody line (Django's tasks framework: inline on the default backend, on a real
worker in production). Enqueue `scan_alerts_task` every few minutes, e.g. `manage.py custody_scan` from cron."""

from django.tasks import task
from django.utils import timezone

from . import services
from .models import Programme


@task()
def scan_alerts_task() -> int:
    """Raise missing-child and late-pickup alerts for every programme running today; returns how many."""
    today = timezone.localdate()
    raised = 0
    for programme in Programme.objects.filter(periods__start__lte=today, periods__end__gte=today).distinct():
        raised += len(services.scan_alerts(programme))
    return raised
