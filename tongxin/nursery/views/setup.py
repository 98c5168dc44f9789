"""Setting up the network: the county health bureau opens a centre or a point; a manager keeps the centre's own
details and its classes."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from tongxin.orgs import selectors as orgs

from .. import access, forms_setup
from ..models import Centre, Room
from ..services import network as network_svc
from ._base import _status, _submit


@login_required
def centre_new(request):
    """设立托育中心（服务点）: the county health bureau's (or the administrator's) act."""
    county = access.require_office(request.user)
    centres = [(c.pk, c.name) for c in Centre.objects.filter(kind=Centre.Kind.CENTRE, active=True,
                                                            site__region__path__startswith=county.path)
               .select_related("site").order_by("site__name")]
    communities = [(pk, f"{township}{name}") for pk, name, township, _ in
                   sorted(orgs.communities_of([county.path]), key=lambda r: r[3])]
    form = forms_setup.CentreNewForm(request.POST or None, centres=centres, communities=communities)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = _submit(request, form, network_svc.centre_create, request.user, name=d["name"],
                       community_id=d["community"], address=d["address"], latitude=d["latitude"],
                       longitude=d["longitude"], centre_id=d["centre"] or None, host=d["host"], hours=form.hours(),
                       affordable=d["affordable"], phone=d["phone"], success="已设立，请为其指定负责人并开设班级")
        if made:
            return redirect("nursery:centre", made.pk)
    return render(request, "nursery/centre_new.html", {"form": form, "county": county}, status=_status(form))


def _room_forms(request, centre: Centre, action: str | None, room_id: int | None):
    rooms = list(Room.objects.filter(centre=centre).order_by("-active", "class_type", "name"))
    edits = [(r, forms_setup.RoomEditForm(request.POST if action == "room" and room_id == r.pk else None,
                                          initial={"name": r.name, "places": r.places, "active": r.active},
                                          prefix=f"room{r.pk}")) for r in rooms]
    return edits


@login_required
def centre_settings(request, centre_id: int):
    """机构设置: the manager's centre details (hours, phone, reply days) and classes (open, rename, places, close)."""
    found = access.access_centre(request.user, centre_id)
    access.require_manager(request.user, found, "只有本托育机构的负责人可以修改机构设置")
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        room_id = int(request.POST.get("room", "")) if action == "room" else None
    except ValueError:
        room_id = None
    details = forms_setup.CentreSettingsForm(request.POST if action == "centre" else None, initial={
        "opens": f"{found.opens:%H:%M}", "midday": f"{found.midday:%H:%M}", "closes": f"{found.closes:%H:%M}",
        "extended_until": f"{found.extended_until:%H:%M}" if found.extended_until else "", "phone": found.phone,
        "host": found.host, "offer_reply_days": found.offer_reply_days})
    new_room = forms_setup.RoomNewForm(request.POST if action == "room_new" else None)
    edits = _room_forms(request, found, action, room_id)
    done = None
    if action == "centre" and details.is_valid():
        d = details.cleaned_data
        done = _submit(request, details, network_svc.centre_settings_set, request.user, centre_id=found.pk,
                       hours=details.hours(), phone=d["phone"], host=d["host"],
                       offer_reply_days=d["offer_reply_days"], success="机构信息已保存")
    elif action == "room_new" and new_room.is_valid():
        d = new_room.cleaned_data
        done = _submit(request, new_room, network_svc.room_create, request.user, centre_id=found.pk, name=d["name"],
                       class_type=d["class_type"], places=d["places"], success=f"已开设“{d['name']}”")
    elif action == "room":
        form = next((f for r, f in edits if r.pk == room_id), None)
        if form is None:
            raise Http404("未找到该班级")
        if form.is_valid():
            d = form.cleaned_data
            done = _submit(request, form, network_svc.room_update, request.user, room_id=room_id, name=d["name"],
                           places=d["places"], active=d["active"], today=timezone.localdate(), success="班级已保存")
    if done:
        return redirect("nursery:centre_settings", found.pk)
    return render(request, "nursery/centre_settings.html", {
        "centre": found, "details": details, "new_room": new_room, "edits": edits},
        status=_status(details, new_room, *[f for _, f in edits]))
