from django.urls import path

from . import views

app_name = "nursery"
urlpatterns = [
    path("", views.centres, name="centres"),
    path("centres/new/", views.centre_new, name="centre_new"),
    path("centres/<int:centre_id>/", views.centre, name="centre"),
    path("centres/<int:centre_id>/settings/", views.centre_settings, name="centre_settings"),
    path("centres/<int:centre_id>/contracts/", views.contracts, name="contracts"),
    path("centres/<int:centre_id>/waitlist/", views.waitlist, name="waitlist"),
    path("centres/<int:centre_id>/roster/", views.roster, name="roster"),
    path("centres/<int:centre_id>/prices/", views.prices, name="prices"),
    path("centres/<int:centre_id>/bills/", views.bills, name="bills"),
    path("centres/<int:centre_id>/bills.xlsx", views.bills_xlsx, name="bills_xlsx"),
    path("contracts/<int:contract_id>/end/", views.contract_end, name="contract_end"),
    path("waitlist/<int:entry_id>/answer/", views.waitlist_answer, name="waitlist_answer"),
    path("shifts/<int:shift_id>/remove/", views.shift_remove, name="shift_remove"),
    path("bills/<int:bill_id>/paid/", views.bill_paid, name="bill_paid"),
    path("bookings/<int:booking_id>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("county/", views.county, name="county"),
    path("book/", views.book, name="book"),
    path("mine/", views.mine, name="mine"),
    path("circle/", views.circle, name="circle"),
    path("circle/<int:township_id>/", views.circle_township, name="circle_township"),
]
