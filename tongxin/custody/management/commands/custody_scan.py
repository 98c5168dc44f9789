from django.core.management.base import BaseCommand

from tongxin.custody.tasks import scan_alerts_task


class Command(BaseCommand):
    help = "检查今天所有托管项目：未到且未请假、超时未接的儿童，向值班领导发出预警（可由定时任务每5分钟调用）。"

    def handle(self, *args, **options):
        result = scan_alerts_task.enqueue()
        if result.is_finished:
            self.stdout.write(f"新发出预警 {result.return_value} 条")
        else:
            self.stdout.write(f"已提交后台任务 {result.id}")
