"""django-tasks-db (the database task backend's queue table) under a Chinese name; in INSTALLED_APPS instead of
"django_tasks_db". Its English admin is taken off the admin site: the workers' and the scheduler's logs report
failed tasks, and `manage.py prune_db_task_results` clears old rows. Kept out of apps.py, where a second AppConfig
would stop Django from picking WebConfig."""

from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "后台任务队列"

    def ready(self) -> None:
        super().ready()
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
