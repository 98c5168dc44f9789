from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.pool, name="pool"),
    path("register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("hours/", views.hours, name="hours"),
    path("match/", views.match, name="match"),
    path("invitations/answer/", views.answer, name="answer"),
    path("hours/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/certificate.pdf", views.person_certificate, name="certificate"),
]
