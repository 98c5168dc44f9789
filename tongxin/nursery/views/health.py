"""The health pages: a centre's 健康 tab (children who may not come for their health, today's 晨午检 by room, the
staff's certificates and health worker) and a child's health record (vaccinations, checks, findings)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from tongxin.orgs.calendar import is_working_day

from .. import access, forms_health
from .. import rules_health as rh
from ..selectors import health as health_sel
from ..selectors.records import carer_choices
from ..services import health as health_svc
from ._base import _status, _submit

MANAGER_ACTIONS = ("certificate", "worker")


@login_required
def centre_health(request, centre_id: int):
    """健康: the centre's children missing a check or a dose, today's morning and midday checks per room (a whole
    room well in one tap, only the abnormal recorded), the staff's certificates."""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    manages = access.manages(request.user, found)
    today, now = timezone.localdate(), timezone.now()
    action = request.POST.get("action") if request.method == "POST" else None
    if action in MANAGER_ACTIONS and not manages:
        raise PermissionDenied("只有本托育机构的负责人可以登记健康证、指定卫生保健人员")
    rooms = health_sel.daily_checks(found, today)
    staff = carer_choices(found)
    who = [(f"{r.room_id}-{pk}", f"{r.name} · {name}") for r in rooms for pk, name in r.children]

    def bound(name):
        return request.POST if action == name else None

    done_form = forms_health.RoomDoneForm(bound("done"), rooms=[r.room_id for r in rooms])
    finding_form = forms_health.FindingForm(bound("finding"), children=who)
    check_form = forms_health.CheckNewForm(bound("check"), initial={"checked_on": today})
    cert_form = forms_health.CertificateForm(bound("certificate"), staff=staff, initial={"issued_on": today})
    worker_form = forms_health.WorkerForm(bound("worker"), staff=staff)
    done = None
    if action == "done" and done_form.is_valid():
        d = done_form.cleaned_data
        done = _submit(request, done_form, health_svc.room_check_done, request.user, room_id=d["room"], day=today,
                       session=d["session"], today=today, now=now, success="已记录：全班其余幼儿正常")
    elif action == "finding" and finding_form.is_valid():
        d = finding_form.cleaned_data
        done = _submit(request, finding_form, health_svc.finding_add, request.user, room_id=d["room"], day=today,
                       session=d["session"], child_id=d["child_id"], temperature=d["temperature"],
                       symptom=d["symptom"], action=d["handling"], today=today, now=now, success="已记录，并已通知家长")
    elif action == "check" and check_form.is_valid():
        d = check_form.cleaned_data
        done = _submit(request, check_form, health_svc.check_record, request.user, centre_id=found.pk,
                       child_id=d["child_id"], kind=d["kind"], checked_on=d["checked_on"], clinic=d["clinic"],
                       passed=d["passed"], notes=d["notes"], today=today, now=now, success="已登记体检")
        if done:
            return redirect("nursery:child_health", found.pk, d["child_id"])
    elif action == "certificate" and cert_form.is_valid():
        d = cert_form.cleaned_data
        done = _submit(request, cert_form, health_svc.certificate_record, request.user, centre_id=found.pk,
                       user_id=d["user"], issued_on=d["issued_on"], issuer=d["issuer"], today=today, now=now,
                       success="已登记健康证")
    elif action == "worker" and worker_form.is_valid():
        done = _submit(request, worker_form, health_svc.health_worker_name, request.user, centre_id=found.pk,
                       user_id=worker_form.cleaned_data["user"], now=now, success="已指定卫生保健人员")
    elif action is not None and action not in ("done", "finding", "check", *MANAGER_ACTIONS):
        done_form = forms_health.RoomDoneForm({}, rooms=[])
        done_form.add_error(None, "未知的操作")
    if done:
        return redirect("nursery:centre_health", found.pk)
    forms = (done_form, finding_form, check_form, cert_form, worker_form)
    return render(request, "nursery/health_centre.html", {
        "centre": found, "manages": manages, "staff": True, "today": today, "rooms": rooms,
        "missing": health_sel.children_missing(found, today), "certificates": health_sel.staff_certificates(
            found, today), "worker": health_sel.health_worker(found), "done_form": done_form,
        "finding_form": finding_form, "check_form": check_form, "cert_form": cert_form, "worker_form": worker_form,
        "fever": rh.FEVER, "open_day": is_working_day(today)}, status=_status(*[f for f in forms if f.is_bound]))


@login_required
def child_health(request, centre_id: int, child_id: int):
    """A child's health record at a centre: whether they may come and why not, the vaccination schedule with the
    doses entered, the checks, the findings; the staff enter checks and doses."""
    found = access.access_centre(request.user, centre_id)
    access.require_staff(request.user, found)
    if not health_sel.knows_child(found, child_id):
        raise Http404("本机构没有该幼儿的记录")
    today, now = timezone.localdate(), timezone.now()
    record = health_sel.child_health(child_id, today)
    missing = [d for d, row in zip(rh.SCHEDULE, record.doses, strict=True) if row.given_on is None]
    action = request.POST.get("action") if request.method == "POST" else None
    check_form = forms_health.CheckForm(request.POST if action == "check" else None,
                                        initial={"checked_on": today, "kind": "recheck" if record.checks else "entry"})
    doses_form = forms_health.DosesForm(request.POST if action == "doses" else None, missing=missing)
    done = None
    if action == "check" and check_form.is_valid():
        d = check_form.cleaned_data
        done = _submit(request, check_form, health_svc.check_record, request.user, centre_id=found.pk,
                       child_id=child_id, kind=d["kind"], checked_on=d["checked_on"], clinic=d["clinic"],
                       passed=d["passed"], notes=d["notes"], today=today, now=now, success="已登记体检")
    elif action == "doses" and doses_form.is_valid():
        done = _submit(request, doses_form, health_svc.doses_record, request.user, centre_id=found.pk,
                       child_id=child_id, given=doses_form.given(), today=today, now=now, success="已登记预防接种")
    elif action is not None and action not in ("check", "doses"):
        check_form = forms_health.CheckForm({})
    if done:
        return redirect("nursery:child_health", found.pk, child_id)
    return render(request, "nursery/health_child.html", {
        "centre": found, "manages": access.manages(request.user, found), "staff": True, "record": record,
        "check_form": check_form, "doses_form": doses_form, "today": today},
        status=_status(*[f for f in (check_form, doses_form) if f.is_bound]))
