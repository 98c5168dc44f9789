"""A programme's statement in Excel, for the street office and donors (the bureau layout of `exports`)."""

from django.http import HttpResponse
from openpyxl import Workbook

from .exports import _sheet, xlsx_response
from .models import Programme
from .selectors import partners as read


def statement_book(programme: Programme) -> Workbook:
    s = read.statement(programme)
    unit = str(programme.organiser)
    wb = Workbook()
    cost = float(s.cost_per_child_day) if s.cost_per_child_day is not None else "—"
    _sheet(wb, "收支汇总", f"{programme.name}经费收支表", unit, ["项目", "金额（元）"], [
        ["收入合计", float(s.received)],
        *[[f"其中：{label}", float(r)] for label, r, _, _ in s.by_fund],
        ["支出合计", float(s.spent)],
        *[[f"其中：{label}", float(v)] for label, v in s.by_category],
        ["结余", float(s.balance)],
        ["出勤人天（人·天）", s.child_days],
        ["生均每天成本（元）", cost],
    ], first=True)
    _sheet(wb, "分资金", "各项资金收支（专款专用）", unit, ["资金", "收入", "支出", "余额"],
           [[label, float(r), float(sp), float(b)] for label, r, sp, b in s.by_fund] or [["无", 0, 0, 0]])
    _sheet(wb, "收入明细", "收入明细", unit, ["到账日期", "资金来源", "拨付单位或捐赠人", "金额（元）", "说明"],
           [[i.received_on, i.get_fund_display(), i.payer, float(i.amount), i.note] for i in s.incomes])
    _sheet(wb, "支出明细", "支出明细", unit, ["支出日期", "列支资金", "类别", "事项", "金额（元）", "说明"],
           [[x.spent_on, x.get_fund_display(), x.get_category_display(), x.item, float(x.amount), x.note]
            for x in s.spendings])
    return wb


def xlsx_statement(programme: Programme, user) -> HttpResponse:
    return xlsx_response(statement_book(programme), f"{programme.name}-经费收支表.xlsx", user, programme)
