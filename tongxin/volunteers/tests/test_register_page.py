"""A stranger finds the volunteer registration from the login page, chooses who they are (no default that refuses
them), and after registering their home page does not tell them they have no role and nothing to do."""

import pytest
from django.urls import reverse

from tongxin.volunteers.models import Person

pytestmark = pytest.mark.django_db


def test_the_login_page_links_to_the_volunteer_registration(client):
    assert f'href="{reverse("volunteers:register")}"' in client.get(reverse("login")).content.decode()


def test_the_registration_asks_who_the_person_is_instead_of_defaulting_to_an_in_service_teacher(client, dongmen):
    form = client.get(reverse("volunteers:register")).context["form"]
    assert form["source"].value() in (None, "") and form.fields["source"].choices[0] == ("", "请选择")
    response = client.post(reverse("volunteers:register"), {
        "real_name": "王奶奶", "phone": "13900003333", "username": "wangnainai", "password": "Qx!2026-granny",
        "home": dongmen.pk, "areas": [dongmen.pk]})
    assert response.status_code == 400 and "请选择身份来源" in response.content.decode()
    assert not Person.objects.filter(user__username="wangnainai").exists()


def test_a_new_volunteers_home_page_points_to_their_registration_not_to_an_administrator(client, dongmen):
    client.post(reverse("volunteers:register"), {
        "real_name": "王奶奶", "phone": "13900003333", "username": "wangnainai", "password": "Qx!2026-granny",
        "source": "wulao", "home": dongmen.pk, "areas": [dongmen.pk]})
    page = client.get("/").content.decode()
    assert "尚未分配角色，请联系" not in page and "下方是您现在可以使用的功能" in page
    assert reverse("volunteers:mine") in page
