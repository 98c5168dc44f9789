from django.core.management.base import BaseCommand

from tongxin.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo_county, demo_exists


class Command(BaseCommand):
    help = "载入演示数据：青溪县（3个乡镇/街道、8个社区/村、4所小学、约2000名儿童）。已存在时跳过。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20261123)

    def handle(self, *args, seed, verbosity=1, **options):
        if demo_exists():
            if verbosity:
                self.stdout.write("演示数据已存在，跳过。")
            return
        summary = build_demo_county(seed=seed)
        if not verbosity:
            return
        self.stdout.write(self.style.SUCCESS(
            f"已生成演示县：{summary.regions}个区划、{summary.schools}所学校、{summary.classes}个班级、"
            f"{summary.families}户家庭、{summary.children}名儿童、{summary.guardians}名监护人、{summary.users}个账号"
        ))
        self.stdout.write("演示账号（密码均为 %s）：%s" % (DEMO_PASSWORD, "、".join(u for u, *_ in DEMO_LOGINS)))
