"""Aid shares (P-63): pure functions. The volunteer aid plan's guide: cash aid to about 20 % of a school's pupils,
material aid to about 30 %, together (children aided either way) no more than 50 %; a gift of 200 yuan or more
gets a donation receipt."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

CASH_GUIDE = 20  # per cent of enrolled pupils, "左右"
MATERIAL_GUIDE = 30
TOTAL_CAP = 50  # "总计不超过50%"
RECEIPT_FROM = Decimal("200")  # "凡捐赠200元以上者" get a receipt


def needs_receipt(amount: Decimal) -> bool:
    return amount >= RECEIPT_FROM


def school_year(on: dt.date) -> tuple[dt.date, dt.date]:
    """The school year holding `on`: 9-01 to the next 8-31."""
    start = dt.date(on.year if on.month >= 9 else on.year - 1, 9, 1)
    return start, dt.date(start.year + 1, 8, 31)


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass(frozen=True)
class Shares:
    enrolled: int
    cash: int  # children given cash aid in the school year
    material: int
    either: int  # children given one or the other (each counted once)

    @property
    def cash_percent(self) -> float:
        return percent(self.cash, self.enrolled)

    @property
    def material_percent(self) -> float:
        return percent(self.material, self.enrolled)

    @property
    def either_percent(self) -> float:
        return percent(self.either, self.enrolled)

    @property
    def over_cap(self) -> bool:
        return self.either_percent > TOTAL_CAP

    def notes(self) -> list[str]:
        """What a school leader should notice against the guide."""
        out = []
        if self.over_cap:
            out.append(f"受助学生占 {self.either_percent}%，超过指导比例上限 {TOTAL_CAP}%")
        if self.enrolled and self.cash_percent > CASH_GUIDE * 1.25:
            out.append(f"现金帮扶占 {self.cash_percent}%，明显高于指导比例（约 {CASH_GUIDE}%）")
        if self.enrolled and self.material_percent > MATERIAL_GUIDE * 1.25:
            out.append(f"物资帮扶占 {self.material_percent}%，明显高于指导比例（约 {MATERIAL_GUIDE}%）")
        return out


def shares(enrolled: int, cash_children: set[int], material_children: set[int]) -> Shares:
    return Shares(enrolled, len(cash_children), len(material_children), len(cash_children | material_children))


def receipt_number(school_code: str, year: int, sequence: int) -> str:
    """JZ-<school code>-<year>-<4-digit sequence>, e.g. JZ-3611990004-2026-0007."""
    return f"JZ-{school_code}-{year}-{sequence:04d}"
