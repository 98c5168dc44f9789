"""The pool's pages: registering on a phone (no login needed), the pool list, a person's record (vet, checks),
one's own registration."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from tongxin.audit.context import client_ip

from .. import access, forms, rules
from .. import selectors as sel
from .. import services as svc
from ..choices import LetterKind, State
from ..models import Check, Invitation, Letter, Training
from ..services import training as training_svc
from .hours import hours, ledger_xlsx, person_certificate  # noqa: F401  (the urls' views)
from .matching import answer, match  # noqa: F401


def _fail(form, exc: ValidationError) -> None:
    form.add_error(None, exc)


def register(request):
    joining = request.user.is_authenticated
    if joining and sel.own(request.user) is not None:
        return redirect("volunteers:mine")
    form = forms.RegisterForm(request.POST or None, joining=joining)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        details = dict(source=d["source"], school_id=d["school"], affiliation=d["affiliation"], skills=d["skills"],
                       home_id=d["home"], area_ids=d["areas"], weekdays="".join(d["weekdays"]),
                       holidays=d["holidays"], hours=d["hours"])
        try:
            if joining:
                svc.person_join(actor=request.user, **details)
            else:
                person = svc.person_register(username=d["username"], password=d["password"],
                                             real_name=d["real_name"], phone=d["phone"], **details,
                                             client_address=client_ip(request))
                login(request, person.user, backend="django.contrib.auth.backends.ModelBackend")
        except svc.RegistrationThrottled as exc:
            return render(request, "volunteers/throttled.html", {"reason": exc.messages[0]}, status=429)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "登记已提交，等待所在社区（村）或学校审核")
            return redirect("volunteers:mine")
    return render(request, "volunteers/register.html", {"form": form, "joining": joining},
                  status=400 if form.errors else 200)


@login_required
def pool(request):
    access.require_reader(request.user)
    wanted = forms.PoolFilterForm(request.GET)
    given = wanted.cleaned_data if wanted.is_valid() else {"state": "", "name": ""}
    page, rows = sel.pool_page(request.user, state=given["state"], name=given["name"], on=timezone.localdate(),
                               number=request.GET.get("page"))
    return render(request, "volunteers/pool.html", {
        "rows": rows, "page": page, "counts": sel.counts(request.user), "state": given["state"],
        "name": given["name"], "states": State.choices, "vetter": access.is_vetter(request.user)})


@login_required
def person(request, person_id: int):
    found = access.access_person(request.user, person_id)
    vetter = access.may_vet(request.user, found)
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST":
        access.require_vetter(request.user, found)
    vet = forms.VetForm(request.POST if action == "vet" else None)
    check = forms.CheckForm(request.POST if action == "check" else None)
    training = forms.TrainingForm(request.POST if action == "training" else None)
    today = timezone.localdate()
    if action == "training" and training.is_valid():
        d = training.cleaned_data
        try:
            training_svc.training_record(actor=request.user, person_id=found.pk, phase=d["phase"], title=d["title"],
                                         held_on=d["held_on"], hours=d["hours"], today=today)
        except ValidationError as exc:
            _fail(training, exc)
        else:
            messages.success(request, "培训记录已保存")
            return redirect("volunteers:person", found.pk)
    if action == "vet" and vet.is_valid():
        try:
            svc.person_vet(actor=request.user, person_id=found.pk, accept=vet.cleaned_data["decision"] == "accept",
                           reason=vet.cleaned_data["reason"])
        except ValidationError as exc:
            _fail(vet, exc)
        else:
            messages.success(request, "审核结果已保存")
            return redirect("volunteers:person", found.pk)
    if action == "check" and check.is_valid():
        d = check.cleaned_data
        try:
            svc.check_record(actor=request.user, person_id=found.pk, kind=d["kind"], result=d["result"],
                             checked_on=d["checked_on"], valid_until=d["valid_until"], today=today, note=d["note"])
        except ValidationError as exc:
            _fail(check, exc)
        else:
            messages.success(request, "查询记录已保存")
            return redirect("volunteers:person", found.pk)
    unknown = request.method == "POST" and action not in ("vet", "check", "training")
    if unknown:
        messages.error(request, "操作无效，未保存")  # nothing stored
    status = 400 if unknown or vet.errors or check.errors or training.errors else 200
    return render(request, "volunteers/person.html", _person_context(found, today) | {
        "vetter": vetter, "vet": vet, "check_form": check, "training_form": training}, status=status)


def _person_context(found, today) -> dict:
    letters = list(Letter.objects.filter(person=found))
    to_sign = [(kind, LetterKind(kind).label) for kind in rules.letters_to_sign((sig.kind, sig.text) for sig in letters)]
    return {"p": found, "to_sign": to_sign, "areas": list(found.areas.select_related("parent").order_by("path")),
            "checks": list(Check.objects.filter(person=found).select_related("checked_by")),
            "availability": rules.availability_text(weekdays=found.weekdays, holidays=found.holidays,
                                                    hours=found.hours),
            "refusal": sel.check_refusal(user_id=found.user_id, on=today), "today": today,
            "trainings": list(Training.objects.filter(person=found)),
            "letters": letters,
            "newcomer": sel.newcomer(found, on=today), "letter_kinds": LetterKind.choices,
            "invitations": list(Invitation.objects.filter(person=found).select_related("community", "invited_by"))}


@login_required
def mine(request):
    found = sel.own(request.user)
    if found is None:
        if request.method == "POST":
            raise PermissionDenied("请先登记为志愿者")
        return render(request, "volunteers/mine.html", {"p": None})
    letter = forms.LetterForm(request.POST or None)
    if request.method == "POST" and letter.is_valid():
        try:
            training_svc.letter_sign(actor=request.user, kind=letter.cleaned_data["kind"], now=timezone.now())
        except ValidationError as exc:
            _fail(letter, exc)
        else:
            messages.success(request, "责任书已签署")
            return redirect("volunteers:mine")
    return render(request, "volunteers/mine.html", _person_context(found, timezone.localdate()) | {
        "letter_form": letter, "texts": rules.LETTER_TEXTS}, status=400 if letter.errors else 200)
