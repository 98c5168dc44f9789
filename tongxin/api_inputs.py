"""Input types for the API routers: every parameter is bounded before it reaches a selector or a service.

A database id fits a bigint and is positive; a text has a length limit and no NUL character (PostgreSQL refuses
NUL in any text it is sent); a page number is small enough that its offset fits a query. Input that does not fit
is answered 400 with a Chinese message (see the handler in tongxin.api).
"""

from typing import Annotated, Any

from ninja import Field, Path, Query, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import PageNumberPagination

from tongxin.web.forms import BIGINT_MAX

__all__ = ["BIGINT_MAX", "BoundedPagination", "Id", "id_query", "text_query"]

NO_NUL = r"^[^\x00]*$"
MAX_PAGE = 100_000

Id = Annotated[int, Path(ge=1, le=BIGINT_MAX, description="编号")]
"""A database id in the path."""


def id_query(description: str = "编号") -> Any:
    """An optional database id in the query string."""
    return Query(None, ge=1, le=BIGINT_MAX, description=description)


def text_query(max_length: int, description: str = "", default: str = "") -> Any:
    """A text in the query string: at most `max_length` characters, no NUL."""
    return Query(default, max_length=max_length, pattern=NO_NUL, description=description)


class BoundedPagination(PageNumberPagination):
    """Page-number pagination whose page and page size are bounded (a 30-digit page would overflow the offset)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="页码")
        page_size: int | None = Field(None, ge=1, le=ninja_settings.PAGINATION_MAX_PER_PAGE_SIZE, description="每页条数")
