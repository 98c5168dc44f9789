from django.conf import settings
from django.core.management.base import BaseCommand

from tongxin.web.loop import stop_on_signals
from tongxin.web.schedule import ENTRIES, ScheduleLock, Scheduler, period_of


class Command(BaseCommand):
    help = ("按 tongxin/web/schedule.py 中的调度表定时提交后台任务（托管预警检查、强制报告逾期检查等），"
            "常驻运行，Ctrl+C 或 SIGTERM 停止。每个部署只运行一个：PostgreSQL 上第二个会待命，第一个停止后接替。"
            "使用数据库任务后端时任务由 manage.py db_worker 执行；使用默认的 immediate 后端时在本进程内执行。")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="每项提交一次后退出（可由定时任务调用）")
        parser.add_argument("--list", action="store_true", dest="show_list", help="列出调度表（已乘 TONGXIN_SCHEDULE_SCALE）后退出")

    def handle(self, *args, once: bool = False, show_list: bool = False, **options):
        scale = settings.SCHEDULE_SCALE
        if show_list:
            for entry in ENTRIES:
                condition = f"，条件 {entry.when}" if entry.when else ""
                self.stdout.write(f"{entry.name}：每 {period_of(entry, scale):g} 秒，{entry.task}{condition}")
            return
        scheduler = Scheduler(ENTRIES, scale=scale, out=self.stdout.write, err=self.stderr.write,
                              verbose=once or options["verbosity"] >= 2)
        if once:
            scheduler.run_all()
            return
        backend = settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]
        with stop_on_signals() as stop:
            periods = "，".join(f"{e.name}每 {period_of(e, scale):g} 秒" for e in ENTRIES)
            self.stdout.write(f"调度：{periods}（任务后端 {backend}；Ctrl+C 停止）")
            scheduler.run(stop, ScheduleLock())
        self.stdout.write("调度已停止")
