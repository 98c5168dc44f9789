from django.urls import path

from . import absence_views, report_views, views

app_name = "care"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/import/", views.ledger_import, name="import"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("pairings/<int:pairing_id>/card/", views.pairing_card, name="card"),
    path("rules/", views.contact_rules, name="rules"),
    path("village/", views.village, name="village"),
    path("compliance/", views.compliance, name="compliance"),
    path("ledger/check/", views.check, name="check"),
    path("census/<int:class_id>/", views.census, name="census"),
    path("files/<int:file_id>/", views.file, name="file"),
    path("files/<int:file_id>/edit/", views.file_edit, name="file_edit"),
    path("files/<int:file_id>/category/", views.file_category, name="file_category"),
    path("files/<int:file_id>/record/", views.record_add, name="record_add"),
    path("files/<int:file_id>/assess/", views.assess, name="assess"),
    path("files/<int:file_id>/pair/", views.pair, name="pair"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/new/", report_views.report_new, name="report_new"),
    path("reports/routes/", report_views.routes, name="report_routes"),
    path("reports/<int:report_id>/", report_views.report, name="report"),
    path("reports/<int:report_id>/<str:action>/", report_views.report_action, name="report_action"),
    path("absence/", absence_views.register, name="absence_register"),
    path("absence/cases/", absence_views.cases, name="absence_cases"),
    path("absence/cases/<int:case_id>/", absence_views.case, name="absence_case"),
    path("absence/cases/<int:case_id>/report.pdf", absence_views.case_pdf, name="absence_report"),
    path("absence/cases/<int:case_id>/<str:action>/", absence_views.case_action, name="absence_action"),
]
