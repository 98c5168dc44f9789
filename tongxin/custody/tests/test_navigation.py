"""Custody's top-bar entry goes to those who have something in custody, not to childcare's staff."""

import pytest

from tongxin.custody.navigation import nav

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["nursery", "carer", "county_health"])
def test_childcare_staff_and_the_health_bureau_have_no_custody_tab(demo_user, username):
    assert nav(demo_user(username)) == []


@pytest.mark.parametrize("username", ["parent", "teacher", "community", "township", "county_edu", "volunteer"])
def test_the_roles_that_run_or_use_custody_have_its_tab(demo_user, username):
    assert [link.title for link in nav(demo_user(username))] == ["托管"]
