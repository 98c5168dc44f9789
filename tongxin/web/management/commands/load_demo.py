import time

from django.core.management.base import BaseCommand, CommandError

from tongxin.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo_county, demo_exists
from tongxin.demo.scale import MAX_SCALE, build_scaled_county


class Command(BaseCommand):
    help = ("载入演示数据：青溪县（3个乡镇/街道、8个社区/村、4所小学、约2000名儿童）。已存在时跳过。"
            "--scale N 把全县扩大到约 N 倍（更多乡镇、村社区、学校、班级、家庭与托管项目），供性能测试用。")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--scale", type=int, default=1, help=f"全县规模倍数，1–{MAX_SCALE}（默认 1：演示县本身）")

    def handle(self, *args, seed, scale=1, verbosity=1, **options):
        if not 1 <= scale <= MAX_SCALE:
            raise CommandError(f"--scale 须在 1 到 {MAX_SCALE} 之间")
        if demo_exists():
            if verbosity:
                self.stdout.write("演示数据已存在，跳过。")
            return
        started = time.monotonic()
        summary = build_demo_county(seed=seed)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                f"已生成演示县：{summary.regions}个区划、{summary.schools}所学校、{summary.classes}个班级、"
                f"{summary.families}户家庭、{summary.children}名儿童、{summary.guardians}名监护人、{summary.users}个账号"
            ))
        if scale > 1:
            def progress(part, total):
                if verbosity > 1 or (verbosity and (total <= 20 or part % 10 == 0)):
                    self.stdout.write(f"  扩充 {part}/{total - 1}（{time.monotonic() - started:.0f} 秒）")

            more = build_scaled_county(scale, seed=seed, progress=progress)
            if verbosity:
                self.stdout.write(self.style.SUCCESS(
                    f"已扩大到 {scale} 倍：另增{more.townships}个乡镇/街道、{more.communities}个社区/村、{more.schools}所学校、"
                    f"{more.classes}个班级、{more.children}名儿童、{more.programmes}个托管项目、志愿者（师资）库{more.pool}人"
                    f"（共用时 {time.monotonic() - started:.0f} 秒）"
                ))
        if verbosity:
            self.stdout.write("演示账号（密码均为 %s）：%s" % (DEMO_PASSWORD, "、".join(u for u, *_ in DEMO_LOGINS)))
