"""Background work of the shell: keeping the task queue's table small (`manage.py schedule` enqueues it hourly)."""

import datetime as dt

from django.db.models import Q
from django.tasks import TaskResultStatus, task
from django.utils import timezone

KEEP_SUCCESSFUL_DAYS = 7  # a week of finished runs, to look back at what the workers did
KEEP_FAILED_DAYS = 30  # failures (with their tracebacks) longer


@task()
def prune_task_results_task() -> int:
    """Delete the database backend's rows of tasks that succeeded more than a week ago or failed more than thirty
    days ago (the scheduler alone adds thousands a day); returns how many. Idempotent; nothing to do on the
    immediate backend, which stores nothing."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    deleted, _ = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - dt.timedelta(days=KEEP_SUCCESSFUL_DAYS))
        | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - dt.timedelta(days=KEEP_FAILED_DAYS))
    ).delete()
    return deleted
