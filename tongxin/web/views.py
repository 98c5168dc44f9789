from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tongxin.demo import DEMO_LOGINS, DEMO_PASSWORD
from tongxin.orgs import services as org_services
from tongxin.orgs.models import ApiToken

from . import services
from .forms import LoginForm, RevokeTokenForm, TokenForm, error_text
from .selectors import home_for


class LoginView(auth_views.LoginView):
    template_name = "login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_logins"] = [(u, label, role.label) for u, label, role, _ in DEMO_LOGINS]
            context["demo_password"] = DEMO_PASSWORD
        return context


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): the login page again, saying in Chinese how long the
    lock lasts and whom to ask, with status 429."""
    view = LoginView()
    view.setup(request)
    context = view.get_context_data(form=LoginForm(request))
    context["locked_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "login.html", context, status=429)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)  # stay logged in here; other sessions end
        messages.success(request, "密码已修改，下次登录请使用新密码。")
        return redirect("home")
    return render(request, "account/password_change.html", {"form": form})


@never_cache
@require_safe
def healthz(request):
    """Plain "ok" for load balancers and the benchmark's reference view: no database query, no session."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_required
def home(request):
    return render(request, "home.html", home_for(request.user))


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
