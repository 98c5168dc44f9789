"""Aid (P-62, P-63): cash and material aid, subsidies and rescue given to a child, with the donor, and the
donation receipt a gift of 200 yuan or more gets."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from tongxin.orgs.models import School
from tongxin.people.models import Child


class AidKind(models.TextChoices):
    CASH = "cash", "现金帮扶"
    MATERIAL = "material", "物资帮扶"
    SUBSIDY = "subsidy", "生活补助（政策资助）"
    NUTRITION = "nutrition", "营养改善计划"
    RESCUE = "rescue", "社会救助"


class AidRecord(models.Model):
    child = models.ForeignKey(Child, verbose_name="儿童", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, verbose_name="就读学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")  # where the child was at school when aided (for the shares)
    kind = models.CharField("资助类别", max_length=16, choices=AidKind.choices)
    donor = models.CharField("资助方", max_length=64)
    what = models.CharField("资助内容", max_length=128)
    amount = models.DecimalField("金额或折价（元）", max_digits=9, decimal_places=2, default=Decimal("0"),
                                 validators=[MinValueValidator(Decimal("0"))])
    given_on = models.DateField("发放日期")
    receipt_no = models.CharField("捐赠收据编号", max_length=32, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "资助记录"
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["school", "given_on"], name="aid_school_day")]
        constraints = [models.UniqueConstraint(fields=["receipt_no"], condition=~models.Q(receipt_no=""),
                                               name="one_aid_per_receipt_no")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.what}"
