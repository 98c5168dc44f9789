from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.pool, name="pool"),
    path("register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("people/<int:person_id>/", views.person, name="person"),
]
