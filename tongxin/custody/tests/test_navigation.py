"""Each role sees only what it may use: every link in the top bar, on the home page and in a programme's tabs
opens, and the pages a role may not use are neither linked nor open."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxin.custody import permissions
from tongxin.custody.models import Programme
from tongxin.custody.navigation import nav, programme_tabs

pytestmark = pytest.mark.django_db
ROLES = ["admin", "county_edu", "county_civil", "township", "community", "leader", "teacher", "volunteer", "parent"]


def _links(html: str) -> list[str]:
    return [u for u in re.findall(r'href="(/[^"]*)"', html) if not u.startswith(("/static/", "/admin/"))]


@pytest.mark.parametrize("username", ROLES)
def test_every_link_on_the_home_page_and_top_bar_opens(login, username):
    client = login(username)
    home = client.get(reverse("home")).text
    for url in set(_links(home)):
        assert client.get(url).status_code == 200, f"{username}: {url}"


@pytest.mark.parametrize("username", ROLES)
def test_every_programme_tab_a_role_is_shown_opens(login, demo_user, username):
    user = demo_user(username)
    client = login(username)
    today = timezone.localdate()
    for programme in permissions.overseen_programmes(user):
        for tab in programme_tabs(user, programme, today):
            assert client.get(tab.url).status_code == 200, f"{username}: {tab.url}"


@pytest.mark.parametrize("username", ["county_edu", "county_civil", "township"])
def test_county_and_township_roles_get_no_duty_tab(demo_user, username):
    user = demo_user(username)
    today = timezone.localdate()
    for programme in Programme.objects.all():
        assert "today" not in {t.key for t in programme_tabs(user, programme, today)}


def test_a_volunteer_gets_no_records_tab_and_the_pages_refuse(login, demo_user):
    volunteer = demo_user("volunteer")
    client = login("volunteer")
    programmes = list(permissions.overseen_programmes(volunteer))
    assert programmes
    for programme in programmes:
        keys = {t.key for t in programme_tabs(volunteer, programme, timezone.localdate())}
        assert not keys & {"applications", "placement", "fees", "report", "edit"}
        for name in ("applications", "placement", "report", "report_xlsx"):
            assert client.get(reverse(f"custody:{name}", args=[programme.pk])).status_code == 403


def test_a_parents_home_shows_no_registry_statistics(login):
    page = login("parent").get(reverse("home")).text
    assert "可查看儿童" not in page and "托管报名" in page and "我的孩子" in page


def test_staff_home_shows_statistics_and_each_app_announces_its_card(login):
    page = login("leader").get(reverse("home")).text
    assert "可查看儿童" in page and "全校学生" in page and "托管项目" in page and "系统对接令牌" in page


def test_front_line_staff_are_not_shown_the_system_token_card(login):
    for username in ("carer", "teacher", "community", "township"):
        assert "系统对接令牌" not in login(username).get(reverse("home")).text


def test_childcare_staff_and_the_health_bureau_are_not_shown_the_registrys_counts(login):
    for username in ("nursery", "carer", "county_health"):
        assert "可查看儿童" not in login(username).get(reverse("home")).text


@pytest.mark.parametrize("username", ["nursery", "carer", "county_health"])
def test_childcare_staff_and_the_health_bureau_have_no_custody_tab(demo_user, username):
    assert nav(demo_user(username)) == []


@pytest.mark.parametrize("username", ["parent", "teacher", "community", "township", "county_edu", "volunteer"])
def test_the_roles_that_run_or_use_custody_have_its_tab(demo_user, username):
    assert [link.title for link in nav(demo_user(username))] == ["托管"]
