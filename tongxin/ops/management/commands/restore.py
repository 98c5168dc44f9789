import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongxin.ops.backup import VENDORS, database_label, opened, restore
from tongxin.ops.errors import as_command_errors


class Command(BaseCommand):
    help = ("用 manage.py backup 做的备份文件替换整个数据库（表结构和数据），然后逐表核对行数和校验和。"
            "密钥与备份时不同、数据库类型不同、文件损坏或备份来自更新的程序版本时拒绝恢复。恢复前请停止网站。")

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="不询问确认")

    def handle(self, *args, path: str, interactive: bool = True, **options):
        with as_command_errors():
            with opened(Path(path)) as plan:
                m = plan.manifest
                self.stdout.write(f"备份：{VENDORS.get(m['vendor'], m['vendor'])} 数据库 {m.get('database', '')}，"
                                  f"{plan.created_local} 备份，{len(m['tables'])} 张表、{plan.rows} 行；"
                                  "文件完整，密钥指纹一致。")
                for note in plan.notes:
                    self.stdout.write(note)
                if interactive:
                    question = (f"将用这份备份替换数据库 {database_label()} 的全部内容，现有数据将全部丢失。"
                                "确认请输入 yes：")
                    try:
                        answer = input(question)
                    except EOFError:
                        answer = ""
                    if answer.strip().lower() != "yes":
                        raise CommandError("已取消，数据库未改动。")
                started = time.monotonic()
                result = restore(plan)
        if not result.ok:
            raise CommandError(f"已恢复，但核对发现 {len(result.differing)} 张表与备份不符："
                               + "；".join(result.differing[:20]))
        self.stdout.write(self.style.SUCCESS(
            f"已恢复并核对：{result.tables} 张表、{result.rows} 行，行数和校验和与备份一致"
            f"（用时 {time.monotonic() - started:.1f} 秒）。"))
        if any("manage.py migrate" in note for note in plan.notes):
            self.stdout.write("下一步：备份比当前程序旧，请运行 manage.py migrate，再启动网站。")
