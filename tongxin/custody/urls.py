from django.urls import path

from . import views

app_name = "custody"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("alerts/", views.alerts, name="alerts"),
    path("county/", views.county, name="county"),
    path("county.xlsx", views.county_xlsx, name="county_xlsx"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:survey_id>/", views.survey, name="survey"),
    path("surveys/<int:survey_id>.xlsx", views.survey_xlsx, name="survey_xlsx"),
    path("surveys/<int:survey_id>/answer/", views.survey_answer, name="survey_answer"),
    path("surveys/<int:survey_id>/offer/", views.survey_offer, name="survey_offer"),
    path("p/<int:programme_id>/", views.programme, name="programme"),
    path("p/<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("p/<int:programme_id>/applications/", views.applications, name="applications"),
    path("p/<int:programme_id>/placement/", views.placement, name="placement"),
    path("p/<int:programme_id>/roster/", views.roster, name="roster"),
    path("p/<int:programme_id>/workload.xlsx", views.workload_xlsx, name="workload_xlsx"),
    path("p/<int:programme_id>/fees/", views.fees, name="fees"),
    path("p/<int:programme_id>/today/", views.today, name="today"),
    path("p/<int:programme_id>/today/act/", views.today_action, name="today_action"),
    path("p/<int:programme_id>/report/", views.report, name="report"),
    path("p/<int:programme_id>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("g/<int:group_id>/timetable/", views.timetable, name="timetable"),
    path("applications/<int:application_id>/review/", views.review, name="review"),
    path("applications/<int:application_id>/exemption/", views.request_exemption, name="request_exemption"),
    path("applications/<int:application_id>/withdraw/", views.withdraw, name="withdraw"),
    path("apply/<int:programme_id>/<int:child_id>/", views.apply, name="apply"),
    path("placements/<int:placement_id>/incident/", views.incident, name="incident"),
    path("p/<int:programme_id>/incidents/", views.incidents, name="incidents"),
    path("incidents/<int:incident_id>/close/", views.incident_close, name="incident_close"),
    path("placements/<int:placement_id>/evaluate/", views.evaluate, name="evaluate"),
    path("placements/<int:placement_id>/qr.svg", views.qr, name="qr"),
]
