"""Excel workbooks in the layout a bureau expects: a title row, the unit and date, then plain tables."""

import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.web.downloads import xlsx_download

from . import selectors
from .models import DemandSurvey, Incident, Programme

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="E6F3EE")


def _sheet(wb: Workbook, title: str, heading: str, unit: str, columns: list[str], rows: list[list], first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    width = max(len(columns), 2)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"] = heading
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws["A2"] = f"填报单位：{unit}    填报日期：{timezone.localdate():%Y年%m月%d日}"
    for c, name in enumerate(columns, 1):
        cell = ws.cell(row=3, column=c, value=name)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = max(10, len(name) * 2 + 2)
    for r, row in enumerate(rows, 4):
        for c, value in enumerate(row, 1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.border = BOX
    ws.freeze_panes = "A4"
    return ws


def summary_book(programme: Programme) -> Workbook:
    s = selectors.programme_summary(programme)
    unit = str(programme.organiser)
    wb = Workbook()
    _sheet(wb, "总体情况", f"{programme.name}工作总结表", unit, ["项目", "数值"], [
        ["托管类型", programme.get_kind_display()],
        ["期次数", len(s.periods)],
        ["托管天数（合计）", sum(p["days"] for p in s.periods)],
        ["报名（人）", s.applicants],
        *[[f"其中：{label}（人）", n] for _, label, n in s.outcome_rows],
        ["出勤率（%）", s.attendance_rate if s.attendance_rate is not None else "—"],
        [f"应到（人次，截至{s.upto:%m月%d日}）", s.expected],
        ["实到（人次）", s.attended],
        ["参与教师、志愿者（人）", s.staff_people],
        ["值班总时长（小时）", float(s.staff_hours)],
        ["应收托管费（元）", float(s.fees["care_fee"])],
        ["减免金额（元）", float(s.fees["exemption"])],
        ["减免人数", s.fees["exempted_children"]],
        ["午餐费（元）", float(s.fees["lunch_fee"])],
        ["实收合计（元）", float(s.fees["total"])],
        ["安全事件（起）", sum(s.incidents.values())],
        ["家长评价份数", s.satisfaction["overall"]["n"]],
        ["总体满意度（5分制）", round(s.satisfaction["overall"]["overall"] or 0, 2)],
    ], first=True)
    _sheet(wb, "报名与安置", "报名与安置（按优先类别，人）", unit,
           ["优先类别", "报名", "已安置", "候补中", "审核中", "未通过", "已撤回"],
           [[t["tier"], t["applied"], t["placed"], t["waiting"], t["pending"], t["rejected"], t["withdrawn"]]
            for t in s.by_tier]
           + [[f"其中：{reason}", n, "", "", "", "", ""] for reason, n in s.tier_reasons])
    _sheet(wb, "期次班组", "各期次班组安置情况（人）", unit, ["期次", "起止日期", "托管天数", "班组", "人数上限", "安置"],
           [[p["period"].name, f"{p['period'].start:%m/%d}-{p['period'].end:%m/%d}", p["days"], g["name"], g["capacity"], g["placed"]]
            for p in s.periods for g in p["groups"]])
    _sheet(wb, "安全事件", "安全事件统计", unit, ["类型", "起数"],
           [[Incident.Kind(k).label, n] for k, n in s.incidents.items()] or [["无", 0]])
    _sheet(wb, "满意度", "家长满意度（按期次、班组）", unit, ["期次", "班组", "份数", "总体满意度"],
           [[r["placement__period__name"], r["placement__group__name"], r["n"], round(r["avg"], 2)] for r in s.satisfaction["by_group"]])
    work = selectors.workload(programme)
    _sheet(wb, "工作量", "教师、志愿者托管工作量", unit, ["姓名", "账号", "岗位", "值班天数", "已签到天数", "时长（小时）"],
           [[w["staff"].display_name, w["staff"].username, w["duties"], w["days"], w["signed_days"], float(w["hours"])] for w in work])
    return wb


def workload_book(programme: Programme, today=None) -> Workbook:
    """Duty for performance pay: only duty signed in and out counts, for the time on duty inside the rostered
    times; accepted shifts still to come are listed apart and not counted."""
    wb = Workbook()
    work = selectors.workload(programme, today=today)
    ws = _sheet(wb, "工作量", f"{programme.name}教师、志愿者工作量（绩效核算用）", str(programme.organiser),
                ["姓名", "账号", "岗位", "已完成值班（天）", "计酬时长（小时）", "已排未到（天）", "已排未到时长（小时，不计酬）",
                 "缺签到或签退（天，不计酬）"],
                [[w["staff"].display_name, w["staff"].username, w["duties"], w["days"], float(w["hours"]), w["future_days"],
                  float(w["future_hours"]), w["unsigned_days"]] for w in work], first=True)
    ws.cell(row=len(work) + 5, column=1,
            value="说明：只计已签到并签退的值班，时长按排班时间内的实际在岗时间计算（早到晚走不加计，早退按实际扣减）。")
    return wb


def county_book(overview: selectors.AreaOverview, *, unit: str, area: str) -> Workbook:
    """The overview table of every programme the exporting office oversees, in its own name and area, with the
    area's total under it and a sheet of totals by township (each adds up from the programmes' rows)."""
    wb = Workbook()
    rows = []
    for township, s in overview.rows:
        p = s.programme
        overall = s.satisfaction["overall"]["overall"]
        rows.append([township, str(p.organiser), p.name, p.get_kind_display(), p.get_status_display(), s.applicants,
                     s.placed_children, s.special_placed, s.waiting_children,
                     s.attendance_rate if s.attendance_rate is not None else "", float(s.staff_hours),
                     float(s.fees["total"]), float(s.fees["exemption"]), s.incident_count,
                     round(overall, 2) if overall is not None else ""])  # no rating: blank, not a score of 0
    t = overview.total
    rows.append([t.label, "", f"{t.programmes}个项目", "", "", *_total_figures(t)])
    _sheet(wb, "托管汇总", f"{area}中小学生假期（课后）托管服务情况汇总表", unit, [
        "乡镇（街道）", "主办单位", "项目", "类型", "状态", "报名（人）", "已安置（人）", "其中优先保障安置（人）", "候补中（人）",
        "出勤率%", "值班时长（小时）", "收费合计（元）", "减免金额（元）", "安全事件（起）", "满意度"], rows, first=True)
    _sheet(wb, "分乡镇", f"{area}托管服务情况（分乡镇合计）", unit, [
        "乡镇（街道）", "项目数", "报名（人次）", "已安置（人次）", "其中优先保障安置（人次）", "候补中（人次）", "出勤率%",
        "值班时长（小时）", "收费合计（元）", "减免金额（元）", "安全事件（起）", "满意度"],
        [[x.label, x.programmes, *_total_figures(x)] for x in [*overview.townships, t]])
    return wb


def _total_figures(t) -> list:
    return [t.applicants, t.placed, t.special_placed, t.waiting, t.attendance_rate if t.attendance_rate is not None else "",
            float(t.staff_hours), float(t.fee_total), float(t.exemption), t.incidents,
            round(t.satisfaction, 2) if t.satisfaction is not None else ""]


def xlsx_response(wb: Workbook, filename: str, user, programme: Programme | None) -> HttpResponse:
    buffer = io.BytesIO()
    wb.save(buffer)
    record(user, AuditEntry.Action.EXPORT, programme, reason=filename)
    return xlsx_download(buffer.getvalue(), filename)


def survey_book(survey: DemandSurvey) -> Workbook:
    """The survey's result in the layout of an upward report: totals, by grade, reasons, teachers."""
    f = selectors.survey_figures(survey)
    unit = str(survey.organiser)
    wb = Workbook()
    reported = (f"已于{timezone.localtime(survey.reported_at):%Y年%m月%d日}上报" if survey.reported_at
                else f"待上报（期限{survey.report_due:%Y年%m月%d日}）")
    _sheet(wb, "摸底情况", f"{survey.title}情况表", unit, ["项目", "数值"], [
        ["托管类型", survey.get_kind_display()],
        ["摸底时间", f"{survey.opens:%m月%d日}—{survey.closes:%m月%d日}"],
        ["上报情况", reported],
        ["摸底学生（人）", f.asked],
        ["已回执（人）", f.answered],
        ["需要托管（人）", f.need],
        ["其中：留守儿童（人）", f.priority["left_behind"]],
        ["其中：困境儿童（人）", f.priority["vulnerable"]],
        ["其中：残疾儿童（人）", f.priority["disabled"]],
        ["需要午餐（人）", f.lunch],
        ["愿意参加的教师、志愿者（人）", f.teachers_willing],
        ["暂不参加（人）", f.teachers_declining],
    ], first=True)
    if f.by_grade:
        _sheet(wb, "分年级", "分年级情况（人）", unit, ["年级", "摸底", "回执", "需要托管"],
               [[g["grade"], g["asked"], g["answered"], g["need"]] for g in f.by_grade])
    _sheet(wb, "需求原因", "托管需求原因（可多选，人次）", unit, ["原因", "人次"], [list(r) for r in f.reasons] or [["无", 0]])
    return wb
