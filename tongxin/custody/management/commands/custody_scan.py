from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus
from django.utils import timezone

from tongxin.custody import selectors
from tongxin.custody.tasks import refresh_figures_task, scan_alerts_task
from tongxin.web.loop import run_every


class Command(BaseCommand):
    help = ("检查今天所有托管项目：未到且未请假、超时未接、一日三检不全的儿童，向值班领导发出预警；"
            "统计数据超过 TONGXIN_FIGURES_EVERY_MINUTES 分钟未更新时，同时重算各项目汇总数据。"
            "单次运行可由定时任务调用；加 --every 秒数 则常驻运行，每隔这么多秒提交一次检查（Ctrl+C 或 SIGTERM 停止）。")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, metavar="SECONDS",
                            help="常驻运行，每隔 SECONDS 秒提交一次检查（至少 10 秒）")

    def handle(self, *args, every: int | None = None, **options):
        run_every(self, every, self.scan, name="托管预警检查", quiet=options["verbosity"] < 2)

    def scan(self, quiet: bool = False) -> None:
        """Enqueue one scan, and the figures' refresh when due; report what they did (in a loop, `quiet` leaves
        out the rounds that raised nothing)."""
        if selectors.figures_due(timezone.now(), settings.CUSTODY_FIGURES_EVERY_MINUTES):
            figures = refresh_figures_task.enqueue()
            if figures.status == TaskResultStatus.SUCCESSFUL:
                self.stdout.write(f"已更新 {figures.return_value} 个项目的汇总数据")
            elif figures.status == TaskResultStatus.FAILED:
                self.stderr.write("汇总数据更新失败：" + "；".join(e.exception_class_path for e in figures.errors))
        result = scan_alerts_task.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:
            if result.return_value or not quiet:
                self.stdout.write(f"新发出预警 {result.return_value} 条")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError("预警检查失败：" + "；".join(e.exception_class_path for e in result.errors))
        else:
            self.stdout.write(f"已提交后台任务 {result.id}")
