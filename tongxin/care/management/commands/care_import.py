"""manage.py care_import FILE --user USERNAME: import a ledger exchange file as that user (the same checks and
scope as the upload page); every bad row is listed and nothing is imported while any row is bad."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tongxin.orgs.models import User

from ... import services


class Command(BaseCommand):
    help = "导入关爱台账（Excel 交换格式）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件（.xlsx）")
        parser.add_argument("--user", required=True, help="以哪个账号的身份和管辖范围导入")

    def handle(self, *args, file: str, user: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有这个账号或已停用：{user}")
        try:
            result = services.ledger_import(actor, data=path.read_bytes(), on=timezone.localdate(), source=path.name)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if result.errors:
            for e in result.errors[:200]:
                self.stderr.write(f"第 {e.line} 行{'「' + e.column + '」' if e.column else ''}：{e.message}")
            if len(result.errors) > 200:
                self.stderr.write(f"……另有 {len(result.errors) - 200} 处问题未列出")
            raise CommandError(f"有 {len(result.errors)} 处问题，未导入任何数据")
        self.stdout.write(f"已导入 {result.rows} 行：新建档案 {result.opened} 份，修改 {result.changed} 份，"
                          f"无变化 {result.unchanged} 份；新登记儿童 {result.created} 名"
                          + (f"；{result.reviews} 份因家庭情况变动需重新进行风险评估" if result.reviews else ""))
