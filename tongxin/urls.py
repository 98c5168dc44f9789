from django.contrib import admin
from django.urls import include, path

from .api import api

admin.site.site_header = "童心 · 系统管理"
admin.site.site_title = "童心"
admin.site.index_title = "配置与审计"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("custody/", include("tongxin.custody.urls")),
    path("care/", include("tongxin.care.urls")),
    path("nursery/", include("tongxin.nursery.urls")),
    path("volunteers/", include("tongxin.volunteers.urls")),
    path("notices/", include("tongxin.notifications.urls")),
    path("", include("tongxin.people.urls")),
    path("", include("tongxin.web.urls")),
]
