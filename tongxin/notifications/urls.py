from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notice_id>/open/", views.notice_open, name="open"),
    path("read/", views.read_all, name="read_all"),
    path("settings/", views.settings_page, name="settings"),
    path("wechat/bind/", views.wechat_bind, name="wechat_bind"),
    path("wechat/callback/", views.wechat_callback, name="wechat_callback"),
    path("wechat/unbind/", views.wechat_unbind, name="wechat_unbind"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:outbox_id>/", views.outbox_message, name="outbox_message"),
]
