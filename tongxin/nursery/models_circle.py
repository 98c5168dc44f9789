"""The 15-minute childcare circle's data (N-10): each county's bounding box, within which a household's position
is entered (a typo or a position copied from another county is refused)."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from tongxin.orgs.models import Region

from . import rules_circle


class CountyBounds(models.Model):
    """A county's extent in WGS-84 degrees (its bounding box, a little wider than its border)."""

    county = models.OneToOneField(Region, verbose_name="县（区）", on_delete=models.PROTECT, related_name="+",
                                  limit_choices_to={"level": Region.Level.COUNTY})
    south = models.DecimalField("最南纬度", max_digits=9, decimal_places=6)
    north = models.DecimalField("最北纬度", max_digits=9, decimal_places=6)
    west = models.DecimalField("最西经度", max_digits=9, decimal_places=6)
    east = models.DecimalField("最东经度", max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = verbose_name_plural = "县域经纬度范围"
        constraints = [
            models.CheckConstraint(condition=Q(south__lt=F("north")) & Q(west__lt=F("east"))
                                   & Q(south__gte=-90, north__lte=90, west__gte=-180, east__lte=180),
                                   name="nursery_county_bounds_in_order"),
        ]

    def __str__(self):
        return f"{self.county.name} {self.bounds.label}"

    @property
    def bounds(self) -> rules_circle.Bounds:
        return rules_circle.Bounds(south=Decimal(self.south), west=Decimal(self.west), north=Decimal(self.north),
                                   east=Decimal(self.east))
