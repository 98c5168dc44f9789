"""Bad input never gives a 500, and a refused POST stores nothing (issue 6).

Pages: every route of the URL resolver (but admin, API and logout) is opened as every demo role (and anonymously),
with its id parameters filled from real demo rows that role can reach. Every kind of POST form found is then sent
once per field per poison value (all other fields as the page filled them), and each page's query string is
poisoned, as the first role to reach that form or page (everyday users first), which keeps the run near a minute
and a half on SQLite.
API: every parameter of every operation of the OpenAPI schema gets the same values, as an administrator and as a
class teacher; input that cannot be right must be answered 400 with a Chinese message.

PostgreSQL refuses NUL characters in any text it is sent and text longer than its column; SQLite takes both. So
that a run on SQLite finds what PostgreSQL would refuse, on SQLite a query carrying a NUL is refused here as
PostgreSQL refuses it, and after an accepted POST no text column may hold more characters than its max_length.

A failure is reported as a subtest naming the page, the form's target, the role, the field and the value. Cases
listed in KNOWN_CUSTODY_FAILURES (custody and people pages being rewritten by others) are xfailed instead, not
strictly: once fixed they pass.
"""

import itertools
import json
import re
import sys
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import messages
from django.core.signals import got_request_exception
from django.db import DataError, connection, models, transaction
from django.db.models import Case, Q, When
from django.db.models.functions import Length
from django.forms import BaseForm
from django.test import Client
from django.urls import URLResolver, get_resolver, path
from django.urls.exceptions import Resolver404
from django.utils import timezone

from tongxin.demo import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------- the poison

LONG = "长" * 10_000
OUTSIDE = object()  # an option outside the field's choices (made per field)
POISON = {
    "abc": "abc", "-1": "-1", "9x30": "9" * 30, "NaN": "NaN", "inf": "inf", "1e309": "1e309", "NUL": "\x00",
    "aNULb": "a\x00b", "long": LONG, "superscript2": "²", "fullwidth3": "３", "outside": OUTSIDE, "empty": "",
}
QUERY_PARAMS = ("page", "group", "class", "state", "q", "care", "reason", "period", "date", "next", "on", "only",
                "category", "school_class", "kind")
SKIPPED_ROUTES = ("admin/", "static/", "api/", "logout/")
MAX_FORMS_PER_PAGE = 8
ROLES_PER_FORM = 1  # each kind of form, and each page's query string, is poisoned as the first role to reach it
BIGINT = 2**63 - 1
FUZZ_ADDRESS = "192.0.2.44"  # a documentation address: failed logins here lock out no other test's client

# Everyday users first: a form they all see is poisoned as the first of them to reach it.
ROLES = ["leader", "teacher", "subject", "counsellor", "community", "volunteer", "parent", "nparent", "nursery",
         "carer", "township", "county_edu", "county_civil", "county_health", "admin", "anonymous"]
assert set(ROLES) == {username for username, *_ in DEMO_LOGINS} | {"anonymous"}
API_ROLES = ["admin", "teacher"]

# Tables a refused POST may still write to: the record of the refusal itself.
MAY_GROW_WHEN_REFUSED = {
    "login": {"audit_auditentry"},
}

# Failures in code other helpers are rewriting (tongxin/custody/**, and the child pages moving to
# tongxin/people/views.py): xfailed, not strictly, so that each passes once fixed. A case is (target, field,
# poison): the target is the view a form posts to, the page whose query string is poisoned (field "?name"), or the
# API operation. The role is no part of it: the same input breaks the same view whoever sends it (the role and the
# exception, as found on SQLite and PostgreSQL, are in the comments).
_ANY_ID = "abc NaN inf 1e309 NUL aNULb long superscript2 empty"


def _cases(target: str, field_name: str, labels: str) -> set[tuple[str, str, str]]:
    return {(target, field_name, label) for label in labels.split()}


KNOWN_CUSTODY_FAILURES: set[tuple[str, str, str]] = set()  # all fixed; a new one is listed here with its cause


def _known(target: str, field_name: str, label: str) -> bool:
    return (target, field_name, label) in KNOWN_CUSTODY_FAILURES


# ---------------------------------------------------------------- routes (collected without a database)

@dataclass(frozen=True)
class Route:
    name: str
    route: str
    params: tuple[str, ...]

    def url(self, values: dict) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), self.route)


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from _walk(p.url_patterns, route, ns)
        else:
            yield Route(":".join(filter(None, [namespace, p.name])) or route, route,
                        tuple(re.findall(r"<(?:\w+:)?(\w+)>", route)))


def _routes() -> list[Route]:
    return [r for r in _walk(get_resolver().url_patterns) if not r.route.startswith(SKIPPED_ROUTES)]


def _route_name(path: str) -> str:
    from django.urls import resolve

    try:
        match = resolve(urllib.parse.urlsplit(path).path)
    except Resolver404:
        return path
    return match.view_name


# ---------------------------------------------------------------- ids a role can reach

def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _ids(queryset, n=2) -> list[int]:
    return list(queryset.values_list("pk", flat=True)[:n])


def _candidates(username: str, param: str) -> list[int]:
    """Real ids for a path parameter, those the role is most likely to reach first."""
    from tongxin.custody.models import Application, Group, Placement, Programme
    from tongxin.orgs import scope

    user = _user("admin" if username == "anonymous" else username)
    today = timezone.localdate()
    mine = scope.children(user)
    own = mine.filter(guardianships__guardian__user=user)
    busiest_first = Case(*(When(status=s, then=i) for i, s in enumerate(["running", "open", "closed", "finished"])),
                         default=9)
    programmes = _ids(Programme.objects.order_by(busiest_first, "-pk"), 8)
    if param == "programme_id":
        ids = programmes
    elif param == "group_id":
        ids = [_ids(Group.objects.filter(period__programme_id=p).order_by("pk"), 1) for p in programmes]
        ids = [i for group in ids for i in group]
    elif param == "application_id":
        ids = (_ids(Application.objects.filter(applicant=user)) + _ids(Application.objects.filter(child__in=mine))
               + _ids(Application.objects.all(), 1))
    elif param == "placement_id":
        placements = Placement.objects.order_by("-pk")
        ids = (_ids(placements.filter(application__applicant=user))
               + _ids(scope.on_duty(user, placements, today)) + _ids(placements.filter(child__in=mine), 1)
               + _ids(placements, 1))
    elif param == "child_id":
        ids = _ids(own, 1) + _ids(mine.order_by("pk"), 2) + _nursery_children(user)
        from tongxin.nursery.models import Measurement  # a nursery's staff: the children they measured (growth)

        ids += list(Measurement.objects.filter(scope.nursery_staff_q(user, "centre__site__")).order_by("pk")
                    .values_list("child_id", flat=True)[:1])
    elif param == "file_id":
        from tongxin.care.models import CareFile

        ids = _ids(CareFile.objects.filter(scope.care_ledger_q(user, prefix="child__")).order_by("pk"), 2)
    elif param == "class_id":
        ids = [a.school_class_id for a in scope.assignments(user) if a.school_class_id]
    elif param == "handover_id":
        from tongxin.care.handover_models import HandoverList

        ids = _ids(HandoverList.objects.filter(scope.handover_q(user)).order_by("received_at", "pk"), 2)
    elif param == "round_id":
        from tongxin.care.handover_models import HandoverRound

        ids = _ids(HandoverRound.objects.order_by("pk"), 2)
    elif param == "aid_id":
        from tongxin.care.aid_models import AidRecord

        ids = _ids(AidRecord.objects.filter(scope.care_ledger_q(user, prefix="child__")).exclude(receipt_no="")
                   .order_by("pk"), 2)
    elif param == "activity_id":
        from tongxin.care.activity_models import Activity

        ids = _ids(Activity.objects.filter(scope.activity_q(user)).order_by("pk"), 2)
    elif param == "report_id":
        from tongxin.care.report_models import MandatoryReport

        ids = _ids(MandatoryReport.objects.filter(scope.report_q(user)).order_by("pk"), 2)
    elif param == "case_id":
        from tongxin.care.absence_models import DropoutCase
        from tongxin.care.selectors.absence import case_q

        ids = _ids(DropoutCase.objects.filter(case_q(user)).order_by("pk"), 2)
    elif param == "partner_id":
        from tongxin.custody.models import Partner
        from tongxin.custody.permissions import partner_read_q

        ids = _ids(Partner.objects.filter(partner_read_q(user)).order_by("pk"), 2) + _ids(Partner.objects.order_by("-pk"), 1)
    elif param == "record_id":
        from tongxin.care.counsel_models import CounsellingRecord

        ids = _ids(CounsellingRecord.objects.filter(scope.counselling_q(user)).order_by("pk"), 2)
    elif param == "message_id":
        from tongxin.care.counsel_models import MailboxMessage

        ids = (_ids(MailboxMessage.objects.filter(scope.mailbox_q(user), answer__isnull=True).order_by("pk"), 1)
               + _ids(MailboxMessage.objects.filter(scope.mailbox_q(user)).order_by("pk"), 1))
    elif param == "notice_id":
        from tongxin.notifications.models import Notice

        ids = _ids(Notice.objects.filter(scope.notice_q(user)).order_by("pk"), 2)
    elif param == "outbox_id":
        from tongxin.notifications.models import OutboundMessage

        ids = _ids(OutboundMessage.objects.filter(scope.outbox_q(user)).order_by("pk"), 2)
    elif param in ("centre_id", "contract_id", "entry_id", "booking_id", "shift_id", "bill_id", "room_id"):
        ids = _nursery_candidates(user, param, today)
    elif param == "person_id":
        from tongxin.volunteers.models import Person

        ids = (_ids(Person.objects.filter(scope.volunteer_pool_q(user, vet=True), state="pending").order_by("pk"), 1)
               + _ids(Person.objects.filter(scope.volunteer_pool_q(user)).order_by("pk"), 1)
               + _ids(Person.objects.filter(user=user), 1))
    elif param in ("item_id", "class_id", "seat_id"):
        ids = _nursery_class_candidates(user, param, today)
    elif param == "township_id":
        from tongxin.orgs.models import Region

        ids = ([a.region_id for a in scope.assignments(user) if a.region is not None and a.region.level == 2]
               + _ids(Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("path"), 2))
    else:
        ids = [1]
    return list(dict.fromkeys(ids)) or [1]


def _nursery_candidates(user, param: str, today) -> list[int]:
    """Community childcare: the centres the role opens (the one they run first), and the records of those."""
    from tongxin.nursery import models as nursery
    from tongxin.orgs import scope

    staff = scope.nursery_staff_q(user, "centre__site__")
    records = scope.nursery_record_q(user, "centre__site__")
    if param == "centre_id":
        return (_ids(nursery.Centre.objects.filter(scope.nursery_manage_q(user, "site__")).order_by("pk"), 1)
                + _ids(nursery.Centre.objects.filter(scope.nursery_sites_q(user, "site__")).order_by("pk"), 2))
    if param == "contract_id":
        return _ids(nursery.Contract.objects.filter(staff).order_by("-pk"), 2)
    if param == "entry_id":
        return _ids(nursery.WaitlistEntry.objects.filter(records).order_by("-state", "pk"), 2)
    if param == "booking_id":
        return _ids(nursery.Booking.objects.filter(records, day__gte=today).order_by("pk"), 2)
    if param == "shift_id":
        return _ids(nursery.DutyShift.objects.filter(room__centre__in=nursery.Centre.objects.filter(
            scope.nursery_manage_q(user, "site__")), day__gte=today).order_by("-day", "-pk"), 2)
    if param == "room_id":  # the day's room pages: a room of the role's own centre first
        return (_ids(nursery.Room.objects.filter(staff).order_by("pk"), 1)
                + _ids(nursery.Room.objects.filter(scope.nursery_sites_q(user, "centre__site__")).order_by("-pk"), 1))
    return _ids(nursery.Bill.objects.filter(staff, state=nursery.Bill.State.ISSUED).order_by("pk"), 2)


def _nursery_children(user) -> list[int]:
    """A child with a contract at a centre the role works at (a child's health record there)."""
    from tongxin.nursery import models as nursery
    from tongxin.orgs import scope

    return list(nursery.Contract.objects.filter(scope.nursery_staff_q(user, "centre__site__")).order_by("pk")
                .values_list("child_id", flat=True)[:1])
def _nursery_class_candidates(user, param: str, today) -> list[int]:
    """Age packages and parent classes: the week plans of the centres the role works at (to come), the classes of
    those and the ones to come (which a parent books), a parent's own seats."""
    from tongxin.nursery import models as nursery
    from tongxin.orgs import scope

    works = nursery.Centre.objects.filter(scope.nursery_staff_q(user, "site__"))
    if param == "item_id":
        return _ids(nursery.PlanItem.objects.filter(room__centre__in=works, day__gte=today).order_by("day", "pk"), 2)
    if param == "class_id":
        return (_ids(nursery.ParentClass.objects.filter(centre__in=works).order_by("starts_at", "pk"), 1)
                + _ids(nursery.ParentClass.objects.filter(starts_at__date__gt=today).order_by("starts_at", "pk"), 2))
    return _ids(nursery.Seat.objects.filter(parent=user).order_by("-pk"), 2)


# ---------------------------------------------------------------- HTML forms

@dataclass
class Control:
    kind: str
    name: str
    value: str = ""
    checked: bool = False
    required: bool = False
    options: list = field(default_factory=list)
    selected: list = field(default_factory=list)
    multiple: bool = False
    attrs: dict = field(default_factory=dict)


@dataclass
class Form:
    method: str
    action: str
    controls: list = field(default_factory=list)


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form = self._select = self._textarea = self._option = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form((a.get("method") or "get").lower(), a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            self._form.controls.append(Control(kind, a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                                               "checked" in a, "required" in a, attrs=a))
        elif tag == "button" and a.get("name") and (a.get("type") or "submit").lower() == "submit":
            self._form.controls.append(Control("submit", a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = Control("select", a["name"], required="required" in a, multiple="multiple" in a)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "", "selected" in a]
        elif tag == "textarea" and a.get("name"):
            self._textarea = Control("textarea", a["name"], required="required" in a)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            value, text, selected = self._option
            value = text.strip() if value is None else value
            self._select.options.append(value)
            if selected:
                self._select.selected.append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            if self._form is not None:
                self._form.controls.append(self._select)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._textarea.value = self._textarea.value.removeprefix("\n")
                self._form.controls.append(self._textarea)
            self._textarea = None


def _plausible(control: Control) -> str:
    """A value for an empty required control, so that poisoning one field does not drown in other errors."""
    now = timezone.localtime()
    return {"date": f"{now:%Y-%m-%d}", "time": "16:00", "datetime-local": f"{now:%Y-%m-%dT%H:%M}",
            "number": control.attrs.get("min") or "1", "email": "fuzz@example.com", "tel": "13800000000"}.get(control.kind, "测试")


def form_fields(form: Form) -> tuple[dict[str, list[str]], dict[str, Control]]:
    """What a browser would send for this form, and the fields (one per name) that can be poisoned."""
    data: dict[str, list[str]] = {}
    fields: dict[str, Control] = {}
    for c in form.controls:
        first = c.name not in fields
        if first:
            fields[c.name] = c
        if c.kind in ("checkbox", "radio"):
            fields[c.name].options.append(c.value)
            if c.checked:
                data.setdefault(c.name, []).append(c.value)
        elif c.kind == "select":
            chosen = c.selected or ([] if c.multiple else [next((o for o in c.options if o), "")])
            data.setdefault(c.name, []).extend(chosen)
        elif c.kind == "submit":
            data.setdefault(c.name, [c.value])
        elif c.kind not in ("file", "image", "reset", "button"):
            value = c.value or (_plausible(c) if c.required else "")
            data.setdefault(c.name, []).append(value)
    for name, c in fields.items():
        if c.kind == "radio" and name not in data and c.options:
            data[name] = [c.options[0]]
    fields.pop("csrfmiddlewaretoken", None)
    return data, fields


def _outside(control: Control) -> str | None:
    if not control.options:
        return None
    return "999999999" if all(o.isdigit() for o in control.options if o) else "不存在的选项"


def parse_forms(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


# ---------------------------------------------------------------- one case, in its own savepoint

def _project_tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)
                   if m.__module__.startswith("tongxin.") and m._meta.managed and not m._meta.proxy})


def _row_counts() -> dict[str, int]:
    tables = _project_tables()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _overlong() -> set[str]:
    """Text columns holding more characters than their max_length (PostgreSQL refuses them; SQLite stores them)."""
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("tongxin.") or model._meta.proxy:
            continue
        limited = [f for f in model._meta.concrete_fields if isinstance(f, models.CharField) and f.max_length]
        if not limited:
            continue
        lengths = {f"n_{f.attname}": Length(f.attname) for f in limited}
        over = Q()
        for f in limited:
            over |= Q(**{f"n_{f.attname}__gt": f.max_length})
        for row in model._base_manager.annotate(**lengths).filter(over).values_list(*lengths)[:5]:
            found |= {f"{model._meta.label}.{f.name}" for f, n in zip(limited, row, strict=True) if (n or 0) > f.max_length}
    return found


def _refuse_nul_like_postgresql(execute, sql, params, many, context):
    rows = params if many else [params]
    rows = [list(r.values()) if isinstance(r, dict) else r for r in (rows or [])]
    if any(isinstance(v, str) and "\x00" in v for row in rows for v in (row or ())):
        raise DataError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)


@pytest.fixture
def strict_db():
    """On SQLite, refuse NUL characters in queries as PostgreSQL does. Yields the over-long columns to begin with."""
    if connection.vendor == "sqlite":
        with connection.execute_wrapper(_refuse_nul_like_postgresql):
            yield _overlong()
    else:
        yield set()


@dataclass
class Outcome:
    status: int
    error: str = ""
    refused: str = ""
    stored: dict = field(default_factory=dict)
    overlong: set = field(default_factory=set)


def _queued_errors(response) -> list[str]:
    storage = getattr(response.wsgi_request, "_messages", None)
    return [str(m) for m in getattr(storage, "_queued_messages", []) if m.level >= messages.ERROR]


def _form_errors(response) -> list[str]:
    contexts = response.context if isinstance(response.context, list) else [response.context] if response.context else []
    return [f"{name}: {form.errors.as_text()[:80]}" for c in contexts for name, form in c.flatten().items()
            if isinstance(form, BaseForm) and form.is_bound and form.errors]


def send(client: Client, method: str, url: str, data=None, *, check_storage=False, baseline_overlong=None,
         may_grow=frozenset(), with_response=False, **extra):
    """One request in a savepoint that is rolled back: its status, the exception behind a 5xx, and for a POST
    whether it was refused and what it stored anyway; on SQLite, given the over-long columns there were before,
    the columns an accepted POST made over-long."""
    outcome, response = _send(client, method, url, data, check_storage=check_storage,
                              baseline_overlong=baseline_overlong, may_grow=may_grow, **extra)
    return (outcome, response) if with_response else outcome


def _send(client, method, url, data, *, check_storage, baseline_overlong, may_grow, **extra):
    caught = []

    def on_exception(sender, request=None, **kwargs):
        caught.append(sys.exc_info()[1])

    got_request_exception.connect(on_exception)
    client.cookies.pop("messages", None)
    try:
        with transaction.atomic():
            before = _row_counts() if check_storage else None
            try:
                response = getattr(client, method)(url, data, **extra)
            except Exception as exc:  # the error page itself failed (e.g. the transaction was already aborted)
                caught.append(exc)
                transaction.set_rollback(True)
                return Outcome(599, _describe(caught)), None
            outcome = Outcome(response.status_code, _describe(caught) if response.status_code >= 500 else "")
            if check_storage and response.status_code < 500:
                refusals = _queued_errors(response) + _form_errors(response)
                if 400 <= response.status_code < 500:
                    refusals.insert(0, f"HTTP {response.status_code}")
                outcome.refused = "；".join(refusals)
                after = _row_counts()
                grew = {t: after[t] - before[t] for t in after if after[t] != before[t] and t not in may_grow}
                if outcome.refused:
                    outcome.stored = grew
                elif connection.vendor == "sqlite" and baseline_overlong is not None:
                    outcome.overlong = _overlong() - baseline_overlong
            transaction.set_rollback(True)
            return outcome, response
    finally:
        got_request_exception.disconnect(on_exception)


def _describe(caught) -> str:
    exc = caught[0] if caught else None
    return f"{type(exc).__name__}: {str(exc)[:200]}" if exc else "(no exception recorded)"


def _label(value) -> str:
    return next(k for k, v in POISON.items() if v is value or v == value)


# ---------------------------------------------------------------- pages

def _open(client, route: Route, username: str):
    """The role's richest reachable instance of the page (of the first three it reaches), and every try."""
    combos = itertools.islice(itertools.product(*(_candidates(username, p) for p in route.params)), 12)
    best, tried = None, []
    for combo in combos:
        url = route.url(dict(zip(route.params, combo, strict=True)))
        outcome, response = send(client, "get", url, with_response=True)
        tried.append((url, outcome))
        if outcome.status == 200:
            html = response.content.decode() if _is_html(response) else ""
            forms = parse_forms(html)
            richness = sum(f.method == "post" for f in forms)
            if best is None or richness > best[2]:
                best = (url, forms, richness, bool(html))
            if sum(o.status == 200 for _, o in tried) == 3:
                break
    return best, tried


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _post_targets(page_url: str, forms: list[Form]):
    """The page's POST forms to this site, one per kind (target view, field names, hidden action)."""
    seen, kept = set(), []
    for form in forms:
        if form.method != "post":
            continue
        target = urllib.parse.urljoin(page_url, form.action) if form.action else page_url
        parts = urllib.parse.urlsplit(target)
        if parts.netloc and parts.netloc != "testserver":
            continue
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.path.startswith(tuple("/" + s for s in SKIPPED_ROUTES)):
            continue
        data, fields = form_fields(form)
        key = (_route_name(target), tuple(sorted(fields)), tuple(data.get("action", [])))
        if key not in seen:
            seen.add(key)
            kept.append((target, data, fields))
    return kept[:MAX_FORMS_PER_PAGE]


_poisoned_as: dict[tuple, list[str]] = {}  # (what) -> the roles it was poisoned as, over the whole run


def _first_roles(what: tuple, username: str) -> bool:
    """Whether `what` is still to be poisoned as this role (so that a form every role sees costs two roles)."""
    roles = _poisoned_as.setdefault(what, [])
    if username in roles or len(roles) >= ROLES_PER_FORM:
        return False
    roles.append(username)
    return True


def _get_params(forms: list[Form]) -> list[str]:
    names = [c.name for f in forms if f.method == "get" for c in f.controls]
    return list(dict.fromkeys(names + list(QUERY_PARAMS)))


@pytest.mark.parametrize("route, username", [
    pytest.param(route, username, id=f"{route.name}-{username}") for route in _routes() for username in ROLES
])
def test_page_answers_poisoned_forms_and_queries_without_server_error(route, username, subtests, strict_db):
    client = Client(raise_request_exception=False, REMOTE_ADDR=FUZZ_ADDRESS)
    if username != "anonymous":
        user = _user(username)
        user.set_password(DEMO_PASSWORD)  # with the tests' fast hasher: a password form checks it on every POST
        user.save(update_fields=["password"])
        client.force_login(user)
    failures = []  # (target, field, label, message)
    best, tried = _open(client, route, username)
    failures += [(route.name, "(open)", "-", f"GET {url}: {o.status} {o.error}") for url, o in tried if o.status >= 500]
    if best is not None:
        page_url, forms, _, html_page = best
        # the query string: every parameter at once, then one by one where that broke the page
        params = _get_params(forms)
        poison_query = html_page and _first_roles(("query", route.name), username)
        for label, value in POISON.items() if poison_query else ():
            if value is OUTSIDE:
                continue
            if send(client, "get", page_url, {p: value for p in params}).status >= 500:
                for p in params:
                    single = send(client, "get", page_url, {p: value})
                    if single.status >= 500:
                        failures.append((route.name, f"?{p}", label, f"GET {page_url}?{p}=…: {single.status} {single.error}"))
        # every POST form, one field at a time
        may_grow = MAY_GROW_WHEN_REFUSED.get(route.name, set())
        for target, data, fields in _post_targets(page_url, forms):
            target_name = _route_name(target)
            if not _first_roles(("form", target_name, tuple(fields), tuple(data.get("action", []))), username):
                continue
            for name, control in fields.items():
                for label, value in POISON.items():
                    if value is OUTSIDE:
                        value = _outside(control)
                        if value is None:
                            continue
                    outcome = send(client, "post", target, {**data, name: [value]}, check_storage=True,
                                   baseline_overlong=strict_db if value is LONG else None,
                                   may_grow=may_grow | MAY_GROW_WHEN_REFUSED.get(target_name, set()))
                    where = f"POST {target} (表单在 {page_url}) {name}={label}"
                    if outcome.status >= 500:
                        failures.append((target_name, name, label, f"{where}: {outcome.status} {outcome.error}"))
                    elif outcome.stored:
                        failures.append((target_name, name, label,
                                         f"{where}: 已拒绝（{outcome.refused[:120]}）却写入了 {outcome.stored}"))
                    elif outcome.overlong:
                        failures.append((target_name, name, label, f"{where}: 存入超长文本 {sorted(outcome.overlong)}"))
    _report(subtests, username, failures)


def _report(subtests, username, failures):
    """One subtest per failing (target, field, value), the first message for it."""
    firsts = {}
    for target, field_name, label, message in failures:
        firsts.setdefault((target, field_name, label), message)
    for (target, field_name, label), message in firsts.items():
        with subtests.test(msg=f"{target} {username} {field_name}={label}"):
            if _known(target, field_name, label):
                pytest.xfail(f"KNOWN_CUSTODY_FAILURES: {message}")
            pytest.fail(message)


# ---------------------------------------------------------------- API

def _operations():
    from tongxin.api import api

    schema = api.get_openapi_schema()
    return [(method.upper(), path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def _types(schema: dict) -> set[str]:
    return {schema["type"]} if "type" in schema else {t for s in schema.get("anyOf", []) for t in _types(s)}


def _bounds(schema: dict) -> tuple[int, int]:
    parts = [schema] + schema.get("anyOf", [])
    low = max([-BIGINT - 1] + [p["minimum"] for p in parts if "minimum" in p])
    high = min([BIGINT] + [p["maximum"] for p in parts if "maximum" in p])
    return low, high


def must_refuse(schema: dict, value: str) -> bool:
    """Whether no correct reading of `value` fits the parameter's schema (so the answer has to be 400)."""
    types = _types(schema)
    if value == "":
        return False
    if types & {"integer", "number"}:
        if not re.fullmatch(r"-?[0-9]+", value.strip()):
            return not value.isdecimal()  # full-width digits may be read as digits
        low, high = _bounds(schema)
        return not low <= int(value) <= high
    if "string" in types:
        enum = [e for s in [schema] + schema.get("anyOf", []) for e in s.get("enum", [])]
        return "\x00" in value or len(value) > 1000 or bool(enum) and value not in enum
    if "boolean" in types:
        return value.lower() not in ("true", "false", "1", "0", "yes", "no", "on", "off")
    return False


def _api_values(username: str) -> dict:
    from tongxin.custody import permissions

    user = _user(username)
    return {"child_id": _candidates(username, "child_id")[0],
            "programme_id": (_ids(permissions.overseen_programmes(user).order_by("-pk"), 1) or [1])[0]}


def _cjk(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


@pytest.mark.parametrize("method, path, op, username", [
    pytest.param(method, path, op, username, id=f"{method} {path}-{username}")
    for method, path, op in _operations() for username in API_ROLES
])
def test_api_answers_poisoned_parameters_with_400_not_server_error(method, path, op, username, subtests, strict_db):
    client = Client(raise_request_exception=False, REMOTE_ADDR=FUZZ_ADDRESS)
    client.force_login(_user(username))
    values = _api_values(username)
    params = op.get("parameters", [])
    body_schema = (op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))

    def url_with(path_values):
        return re.sub(r"{(\w+)}", lambda m: urllib.parse.quote(str(path_values[m.group(1)]), safe=""), path)

    base_path = {p["name"]: values.get(p["name"], 1) for p in params if p["in"] == "path"}
    cases = []  # (parameter, location, schema, url, query, body)
    for p in params:
        for label, value in POISON.items():
            if value is OUTSIDE:
                continue
            if p["in"] == "path":
                cases.append((p["name"], "path", p.get("schema", {}), label, value,
                              url_with({**base_path, p["name"]: value}), {}))
            elif p["in"] == "query":
                cases.append((p["name"], "query", p.get("schema", {}), label, value, url_with(base_path), {p["name"]: value}))
    failures = []
    op_name = f"{method} {path}"
    for name, where, schema, label, value, url, query in cases:
        if method == "GET":
            outcome = send(client, "get", url, query)
        else:
            outcome = send(client, method.lower(), url + "?" + urllib.parse.urlencode(query), {},
                           content_type="application/json", check_storage=True)
        what = f"{op_name} {where} {name}={label}: {outcome.status}"
        if outcome.status >= 500:
            failures.append((op_name, name, label, f"{what} {outcome.error}"))
        elif must_refuse(schema, value) and outcome.status not in ((400, 404) if where == "path" else (400,)):
            failures.append((op_name, name, label, f"{what}，应为 400"))
    if body_schema:
        failures += _poison_body(client, method, url_with(base_path), op_name, body_schema)
    for op_name_, name, label, message in failures:
        with subtests.test(msg=f"{op_name_} {username} {name}={label}"):
            if _known(op_name_, name, label):
                pytest.xfail(f"KNOWN_CUSTODY_FAILURES: {message}")
            pytest.fail(message)


def _poison_body(client, method, url, op_name, schema):
    from tongxin.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    failures = []
    for name, prop in schema.get("properties", {}).items():
        for label, value in POISON.items():
            if value is OUTSIDE:
                continue
            outcome = send(client, method.lower(), url, {name: value}, content_type="application/json", check_storage=True)
            if outcome.status >= 500:
                failures.append((op_name, name, label, f"{op_name} body {name}={label}: {outcome.status} {outcome.error}"))
            elif outcome.status != 400:
                failures.append((op_name, name, label, f"{op_name} body {name}={label}: {outcome.status}，应为 400"))
    return failures


def test_the_form_parser_reads_what_a_browser_would_send():
    html = """<form method="post" action="act/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input type="hidden" name="action" value="in"><input name="note" required>
      <select name="slot"><option value="">-</option><option value="arrival">入园</option><option value="noon" selected>午</option></select>
      <input type="radio" name="score" value="5"><input type="radio" name="score" value="4">
      <input type="checkbox" name="needs" value="a" checked><input type="checkbox" name="needs" value="b">
      <textarea name="text">\nhello</textarea><button name="decision" value="approve">批准</button>
      <button name="decision" value="reject">退回</button></form><form><input name="q"></form>"""
    forms = parse_forms(html)
    assert [f.method for f in forms] == ["post", "get"]
    data, fields = form_fields(forms[0])
    assert data == {"csrfmiddlewaretoken": ["t"], "action": ["in"], "note": ["测试"], "slot": ["noon"], "score": ["5"],
                    "needs": ["a"], "text": ["hello"], "decision": ["approve"]}
    assert list(fields) == ["action", "note", "slot", "score", "needs", "text", "decision"]
    assert _outside(fields["slot"]) == "不存在的选项" and _outside(fields["note"]) is None


@pytest.mark.parametrize("schema, value, refuse", [
    ({"type": "integer"}, "abc", True), ({"type": "integer"}, "9" * 30, True), ({"type": "integer"}, "12", False),
    ({"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}, "-1", True), ({"type": "integer"}, "²", True),
    ({"type": "integer"}, "３", False), ({"type": "string"}, "a\x00b", True), ({"type": "string"}, LONG, True),
    ({"type": "string", "enum": ["a"]}, "b", True), ({"type": "string"}, "NaN", False), ({"type": "integer"}, "", False),
])
def test_must_refuse_knows_what_cannot_fit_a_schema(schema, value, refuse):
    assert must_refuse(schema, value) is refuse


def test_sqlite_is_made_to_refuse_nul_like_postgresql(strict_db):
    from tongxin.people.models import Child

    with pytest.raises((DataError, ValueError)), transaction.atomic():
        Child.objects.filter(name="a\x00b").exists()


# ---------------------------------------------------------------- the checks themselves can fail

def _half_stored(request):
    from django.shortcuts import redirect

    from tongxin.audit.models import AuditEntry
    from tongxin.audit.services import record

    record(request.user, AuditEntry.Action.UPDATE, request.user, fields=["name"])
    messages.error(request, "名称不正确")
    return redirect("/")


def _overlong_stored(request):
    from django.http import HttpResponse

    from tongxin.orgs.models import ApiToken

    ApiToken.objects.create(user=request.user, name=request.POST["name"], prefix="x", key_hash="x" * 64)
    return HttpResponse("ok")


def _crash(request):
    int(request.GET["n"])


urlpatterns = [path("half/", _half_stored), path("overlong/", _overlong_stored), path("crash/", _crash)]


@pytest.mark.urls(__name__)
def test_a_refused_post_that_stored_anyway_is_caught(demo_user, strict_db):
    client = Client(raise_request_exception=False, REMOTE_ADDR=FUZZ_ADDRESS)
    client.force_login(demo_user("admin"))
    outcome = send(client, "post", "/half/", {"name": "x"}, check_storage=True, baseline_overlong=strict_db)
    assert outcome.refused == "名称不正确" and outcome.stored == {"audit_auditentry": 1}


@pytest.mark.urls(__name__)
def test_a_server_error_is_caught_with_its_exception(demo_user):
    client = Client(raise_request_exception=False, REMOTE_ADDR=FUZZ_ADDRESS)
    client.force_login(demo_user("admin"))
    outcome = send(client, "get", "/crash/", {"n": "abc"})
    assert outcome.status == 500 and outcome.error.startswith("ValueError")


@pytest.mark.urls(__name__)
def test_overlong_text_is_caught_on_sqlite(demo_user, strict_db):
    client = Client(raise_request_exception=False, REMOTE_ADDR=FUZZ_ADDRESS)
    client.force_login(demo_user("admin"))
    outcome = send(client, "post", "/overlong/", {"name": LONG}, check_storage=True, baseline_overlong=strict_db)
    if connection.vendor == "sqlite":
        assert outcome.overlong == {"orgs.ApiToken.name"}
    else:
        assert outcome.status == 500


# ---------------------------------------------------------------- what the fuzzing found, fixed (one test each)

@pytest.mark.parametrize("params, field_name, text", [
    ({"school_class": "abc"}, "school_class", "应为整数"),
    ({"school_class": "9" * 30}, "school_class", f"不能大于 {BIGINT}"),
    ({"page": "9" * 30}, "page", "不能大于"),
    ({"q": "a\x00b"}, "q", ""),
    ({"care_status": "不存在的选项"}, "care_status", ""),
])
def test_api_answers_a_parameter_that_does_not_fit_with_400_in_chinese(params, field_name, text, demo_user):
    client = Client(raise_request_exception=False, REMOTE_ADDR=FUZZ_ADDRESS)
    client.force_login(demo_user("admin"))
    response = client.get("/api/children", params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith(f"请求不正确：{field_name}：") and text in body["detail"]
    assert all(_cjk(message) for message in body["errors"][field_name])


def test_a_validator_message_is_passed_on_and_pydantic_english_is_not():
    from tongxin.api import schema_error_text

    assert schema_error_text({"type": "value_error", "ctx": {"error": ValueError("搜索内容不能含空字符")}}) == "搜索内容不能含空字符"
    assert schema_error_text({"type": "literal_error", "ctx": {"expected": "'a', 'b' or 'c'"}}) == "应为以下之一：'a', 'b'、'c'"
    assert schema_error_text({"type": "something_new", "msg": "Input should be"}) == "格式不正确"


def test_api_bounds_the_child_id_and_the_audited_reason(demo_user):
    from tongxin.audit.models import AuditEntry
    from tongxin.people.models import Child

    client = Client(raise_request_exception=False, REMOTE_ADDR=FUZZ_ADDRESS)
    client.force_login(demo_user("admin"))
    child = Child.objects.order_by("pk").first()
    before = AuditEntry.objects.count()
    assert client.get(f"/api/children/{'9' * 30}").status_code in (400, 404)
    response = client.get(f"/api/children/{child.pk}", {"reason": "长" * 256})
    assert response.status_code == 400 and "最多 255 个字符" in response.json()["detail"]
    assert AuditEntry.objects.count() == before


def test_api_answers_a_refusal_by_the_rules_with_400(rf):
    from django.core.exceptions import ValidationError

    from tongxin.api import api

    response = api.on_exception(rf.get("/api/x"), ValidationError({"percent": ["减免比例应在 0 到 100 之间"]}))
    body = json.loads(response.content)
    assert response.status_code == 400 and body["detail"] == "请求不正确：percent：减免比例应在 0 到 100 之间"
    assert body["errors"] == {"percent": ["减免比例应在 0 到 100 之间"]}


@pytest.mark.parametrize("name, problem", [("a\x00b", "空字符"), ("长" * 65, "最多 64 个字符")])
def test_a_token_name_with_nul_or_too_long_is_refused_and_nothing_stored(name, problem, demo_user):
    from django.contrib.messages import get_messages

    from tongxin.orgs.models import ApiToken

    client = Client(raise_request_exception=False, REMOTE_ADDR=FUZZ_ADDRESS)
    client.force_login(demo_user("teacher"))
    response = client.post("/account/tokens/", {"name": name})
    assert response.status_code == 400
    assert any(problem in str(m) for m in get_messages(response.wsgi_request))
    assert not ApiToken.objects.filter(user__username="teacher").exists()


def test_a_token_name_is_kept_whole_and_an_empty_one_is_named(demo_user):
    from tongxin.orgs.models import ApiToken

    client = Client()
    client.force_login(demo_user("teacher"))
    assert client.post("/account/tokens/", {"name": "长" * 64}).status_code == 200
    assert client.post("/account/tokens/", {"name": " "}).status_code == 200
    assert sorted(ApiToken.objects.filter(user__username="teacher").values_list("name", flat=True)) == ["未命名", "长" * 64]


@pytest.mark.parametrize("revoke", ["abc", "9" * 30, "²", ""])
def test_revoking_a_token_by_a_value_that_is_no_id_is_not_found(revoke, demo_user):
    client = Client()
    client.force_login(demo_user("teacher"))
    assert client.post("/account/tokens/", {"revoke": revoke}).status_code == 404


@pytest.mark.parametrize("candidate, followed", [
    ("/custody/", True), ("abc", False), ("-1", False), ("/a\x00b", False), ("https://evil.example/", False),
    ("//evil.example/", False),
])
def test_next_is_followed_only_to_a_path_of_this_site(rf, candidate, followed):
    from tongxin.web.redirects import safe_next

    assert safe_next(rf.post("/", {"next": candidate}), "/default/") == (candidate if followed else "/default/")
