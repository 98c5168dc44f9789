"""The written report on failed persuasion (劝返无效书面报告, P-23) as a printable PDF: an HTML template laid out
by WeasyPrint (fonts found through fontconfig: Debian's fonts-noto-cjk; layout by Debian's pango)."""

from pathlib import Path

from django.template.loader import render_to_string

from .selectors.absence import WrittenReport

TEMPLATE = "care/absence_report_pdf.html"
STYLESHEET = Path(__file__).resolve().parent / "pdf" / "absence_report.css"


def render_html(report: WrittenReport) -> str:
    return render_to_string(TEMPLATE, {"r": report})


def render_pdf(report: WrittenReport) -> bytes:
    from weasyprint import CSS, HTML  # imported when a report is made: it loads pango, which no other page needs

    return HTML(string=render_html(report)).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
