"""Django's Simplified Chinese formats, but a date (and a date and time) is written first as a browser's date
picker reads it: `<input type="date">` takes only 2026-01-02, never Django's 2026/01/02, and shows an empty
picker otherwise — an edit page would show a blank date. The other formats are still read."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # <input type="datetime-local">
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
]
