"""The inbox over the API: a phone app or another system reads a person's notices and marks them read."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from . import selectors
from .services import prefs

router = Router(tags=["消息"])


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    text: str
    link: str
    urgent: bool
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxOut(Schema):
    unread: int
    page: int
    pages: int
    notices: list[NoticeOut]


class ReadIn(Schema):
    ids: list[int] | None = Field(None, max_length=500, description="要标为已读的消息编号；不填则全部标为已读")


class ReadOut(Schema):
    marked: int


@router.get("", response=InboxOut, summary="我的消息")
def inbox(request, page: int = Query(1, ge=1, le=10_000), unread: bool = False):
    """The caller's own notices, newest first, 20 a page (`unread=true` for the unread ones only)."""
    found = selectors.inbox(request.auth, page=page, unread_only=unread)
    return {"unread": selectors.unread_count(request.auth), "page": found.number, "pages": found.paginator.num_pages,
            "notices": list(found.object_list)}


@router.post("/read", response=ReadOut, summary="标为已读")
def read(request, body: ReadIn):
    return {"marked": prefs.notices_read(request.auth, notice_ids=body.ids, now=timezone.now())}
