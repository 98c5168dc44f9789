import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.tasks import TaskResultStatus

from tongxin.care.tasks import escalate_reports_task


class Command(BaseCommand):
    help = ("检查强制报告：规定时限内无人签收的，逐级上报乡镇分管领导、县民政局并记录。"
            "单次运行可由定时任务调用；加 --every 秒数 则常驻运行（Ctrl+C 或 SIGTERM 停止）。")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, metavar="SECONDS", help="常驻运行，每隔 SECONDS 秒检查一次（至少 10 秒）")

    def handle(self, *args, every: int | None = None, **options):
        if every is None:
            self.scan(quiet=False)
            return
        if every < 10:
            raise CommandError("--every 至少为 10 秒")
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"强制报告逾期检查：每 {every} 秒一次（Ctrl+C 停止）")
        try:
            while not stop.is_set():
                try:
                    self.scan(quiet=options["verbosity"] < 2)
                except CommandError as exc:  # a failed round is reported; the next one runs anyway
                    self.stderr.write(str(exc))
                finally:
                    close_old_connections()
                stop.wait(every)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("强制报告逾期检查已停止")

    def scan(self, quiet: bool) -> None:
        result = escalate_reports_task.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:
            if result.return_value or not quiet:
                self.stdout.write(f"逐级上报 {result.return_value} 次")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError("强制报告逾期检查失败：" + "；".join(e.exception_class_path for e in result.errors))
        else:
            self.stdout.write(f"已提交后台任务 {result.id}")
