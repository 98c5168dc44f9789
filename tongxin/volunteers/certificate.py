"""The certificate of volunteer hours (志愿服务时长证明) as a printable PDF, laid out by WeasyPrint as care's
written report is (Debian's pango and fonts-noto-cjk)."""

from pathlib import Path

from django.template.loader import render_to_string

TEMPLATE = "volunteers/certificate_pdf.html"
STYLESHEET = Path(__file__).resolve().parent.parent / "care" / "pdf" / "absence_report.css"


def render_html(context: dict) -> str:
    return render_to_string(TEMPLATE, context)


def render_pdf(context: dict) -> bytes:
    from weasyprint import CSS, HTML  # imported when a certificate is made: it loads pango

    return HTML(string=render_html(context)).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
