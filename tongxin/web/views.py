from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tongxin.demo import DEMO_LOGINS, DEMO_PASSWORD
from tongxin.orgs import services as org_services
from tongxin.orgs.models import ApiToken
from tongxin.orgs.selectors import visible_classes
from tongxin.people import selectors as people
from tongxin.people.models import Child

from .forms import RevokeTokenForm, TokenForm, error_text
from .selectors import home_for


class LoginView(auth_views.LoginView):
    template_name = "login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_logins"] = [(u, label, role.label) for u, label, role, _ in DEMO_LOGINS]
            context["demo_password"] = DEMO_PASSWORD
        return context


@login_required
def home(request):
    return render(request, "home.html", home_for(request.user))


@login_required
def child_list(request):
    q = request.GET.get("q", "").strip()
    class_id = request.GET.get("class") or None
    care_status = request.GET.get("care", "")
    if class_id and not class_id.isdigit():
        class_id = None
    qs = people.visible_children(request.user, q, school_class_id=class_id, care_status=care_status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "children/list.html", {
        "page": page,
        "rows": people.child_rows(request.user, list(page.object_list)),
        "q": q,
        "classes": visible_classes(request.user),
        "class_id": int(class_id) if class_id else None,
        "care_status": care_status,
        "care_choices": [c for c in Child.CareStatus.choices if c[0] != Child.CareStatus.NONE],
    })


@login_required
def child_detail(request, child_id):
    record = people.read_child(request.user, child_id, reason=request.GET.get("reason", ""))
    return render(request, "children/detail.html", {"rec": record, "child": record.child})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    new_key = None
    status = 200
    if request.method == "POST" and "revoke" in request.POST:
        revoke = RevokeTokenForm(request.POST)
        token = revoke.is_valid() and ApiToken.objects.filter(pk=revoke.cleaned_data["revoke"], user=request.user).first()
        if not token:
            raise Http404("未找到该令牌")
        org_services.revoke_api_token(request.user, token)
        messages.success(request, f"已吊销令牌 {token.name}")
        return redirect("tokens")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _, new_key = org_services.issue_api_token(request.user, form.cleaned_data["name"])
        else:
            messages.error(request, f"未创建令牌。{error_text(form)}")
            status = 400
    return render(request, "account/tokens.html", {
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
        "new_key": new_key,
    }, status=status)
