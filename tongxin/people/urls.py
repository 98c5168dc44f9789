from django.urls import path

from . import views

# No namespace: other templates link with {% url 'children' %} and {% url 'child_detail' id %}.
urlpatterns = [
    path("children/", views.child_list, name="children"),
    path("children/<int:child_id>/", views.child_detail, name="child_detail"),
]
