"""The sign-up survey (报名摸底): organisers open it and report its result upward; parents answer for their
children and teachers say whether they will serve, on their phones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongxin.orgs import scope

from .. import exports, selectors, services
from ..forms import OfferForm, SurveyAnswerForm, SurveyForm, form_errors
from ..models import DemandSurvey, SurveyAnswer
from ._base import attempt


@login_required
def survey_new(request):
    schools, communities = selectors.organiser_choices(request.user)
    if not schools.exists() and not communities.exists():
        raise PermissionDenied("只有学校领导或社区儿童主任可以发起需求摸底")
    form = SurveyForm(request.POST or None, schools=schools, communities=communities)
    if request.method == "POST" and form.is_valid():
        survey = attempt(request, services.open_survey, request.user, **form.service_kwargs(),
                         success="需求摸底已发起，家长和教师可在手机上填写")
        if survey:
            return redirect("custody:survey", survey.pk)
    return render(request, "custody/survey_form.html", {"form": form})


def _overseen_survey(request, survey_id) -> DemandSurvey:
    survey = selectors.surveys_overseen(request.user).filter(pk=survey_id).first()
    if survey is None:
        if DemandSurvey.objects.filter(pk=survey_id).exists():
            raise PermissionDenied("您无权查看该需求摸底")
        raise Http404("未找到该需求摸底")
    return survey


@login_required
def survey(request, survey_id):
    survey = _overseen_survey(request, survey_id)
    if request.method == "POST":
        attempt(request, services.report_survey, request.user, survey, success="摸底结果已上报")
        return redirect("custody:survey", survey.pk)
    answers = scope.narrow(request.user, SurveyAnswer.objects.filter(survey=survey, needs_custody=True)) \
        .select_related("child__school_class__grade").order_by("child__school_class", "child__initials")
    return render(request, "custody/survey.html", {
        "survey": survey, "f": selectors.survey_figures(survey), "answers": answers,
        "organises": selectors.organises_survey(request.user, survey), "today": timezone.localdate(),
    })


@login_required
def survey_xlsx(request, survey_id):
    survey = _overseen_survey(request, survey_id)
    return exports.xlsx_response(exports.survey_book(survey), f"{survey.title}.xlsx", request.user, survey)


@login_required
@require_POST
def survey_answer(request, survey_id):
    survey = get_object_or_404(DemandSurvey, pk=survey_id)
    form = SurveyAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(reverse("custody:hub") + "#surveys")
    d = form.cleaned_data
    child = get_object_or_404(scope.children(request.user), pk=d["child"])
    attempt(request, services.answer_survey, request.user, survey, child=child, needs_custody=d["needs_custody"] == "yes",
            needs=d["needs"], lunch=d["lunch"], note=d["note"], success=f"已收到{child.name}的摸底回执，谢谢")
    return redirect(reverse("custody:hub") + "#surveys")


@login_required
@require_POST
def survey_offer(request, survey_id):
    survey = get_object_or_404(DemandSurvey, pk=survey_id)
    form = OfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        d = form.cleaned_data
        attempt(request, services.offer_to_serve, request.user, survey, willing=d["willing"] == "yes", note=d["note"],
                success="已记录您的意向，谢谢")
    return redirect(reverse("custody:hub") + "#surveys")


__all__ = ["survey", "survey_answer", "survey_new", "survey_offer", "survey_xlsx"]
