"""A child's height (length) and weight as a centre measured them (生长发育监测), read against the WHO standards."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tongxin.people.models import Child

from . import rules_growth


class Measurement(models.Model):
    """One day's height (lying before 24 months, standing after) and weight of a child, taken at a centre."""

    centre = models.ForeignKey("nursery.Centre", verbose_name="托育中心（服务点）", on_delete=models.PROTECT,
                               related_name="measurements")
    child = models.ForeignKey(Child, verbose_name="幼儿", on_delete=models.PROTECT, related_name="+")
    measured_on = models.DateField("测量日期")
    height_cm = models.DecimalField(
        "身长/身高（cm）", max_digits=4, decimal_places=1,
        validators=[MinValueValidator(rules_growth.HEIGHT_RANGE[0]), MaxValueValidator(rules_growth.HEIGHT_RANGE[1])])
    weight_kg = models.DecimalField(
        "体重（kg）", max_digits=4, decimal_places=2,
        validators=[MinValueValidator(rules_growth.WEIGHT_RANGE[0]), MaxValueValidator(rules_growth.WEIGHT_RANGE[1])])
    measured_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="测量人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "生长发育测量"
        ordering = ["child", "measured_on"]
        constraints = [models.UniqueConstraint(fields=["child", "measured_on"], name="nursery_measure_one_a_day")]

    def __str__(self):
        return f"{self.child} {self.measured_on}"
