"""Files the pages hand out: an Excel workbook as a download, and a workbook of plain tables (one sheet each)."""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(data: bytes, filename: str) -> HttpResponse:
    """`data` (an .xlsx file) as an attachment named `filename` (Chinese names kept, RFC 5987)."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@dataclass
class Table:
    sheet: str  # at most 31 characters; "/" and the like are replaced
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    notes: list[str] = field(default_factory=list)  # lines under the title (goals, warnings)
    widths: dict[int, int] = field(default_factory=dict)  # column -> width


def tables_book(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet a table: the title, its notes, then the headers and rows."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    for t in tables:
        name = "".join("／" if ch in "/\\?*[]:" else ch for ch in t.sheet)[:31]
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, [t.title], bold)
        for i, note in enumerate(t.notes, start=1):
            ws.write_row(i, 0, [note])
        top = len(t.notes) + 2
        ws.write_row(top, 0, list(t.headers), bold)
        for i, row in enumerate(t.rows, start=top + 1):
            ws.write_row(i, 0, list(row))
        ws.set_column(0, 0, 24)
        ws.set_column(1, max(1, len(t.headers)), 14)
        for column, width in t.widths.items():
            ws.set_column(column, column, width)
    book.close()
    return buffer.getvalue()
