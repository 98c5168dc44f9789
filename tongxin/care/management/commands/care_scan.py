from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from tongxin.care.tasks import escalate_reports_task
from tongxin.web.loop import run_every


class Command(BaseCommand):
    help = ("检查强制报告：规定时限内无人签收的，逐级上报乡镇分管领导、县民政局并记录。"
            "单次运行可由定时任务调用；加 --every 秒数 则常驻运行（Ctrl+C 或 SIGTERM 停止）。")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, metavar="SECONDS", help="常驻运行，每隔 SECONDS 秒检查一次（至少 10 秒）")

    def handle(self, *args, every: int | None = None, **options):
        run_every(self, every, self.scan, name="强制报告逾期检查", quiet=options["verbosity"] < 2)

    def scan(self, quiet: bool) -> None:
        result = escalate_reports_task.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:
            if result.return_value or not quiet:
                self.stdout.write(f"逐级上报 {result.return_value} 次")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError("强制报告逾期检查失败：" + "；".join(e.exception_class_path for e in result.errors))
        else:
            self.stdout.write(f"已提交后台任务 {result.id}")
