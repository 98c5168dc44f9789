"""The child list (page and API) costs the same number of queries whatever the number of children, and decrypts
only what it shows: nothing for a masked list, one ID number per row shown in full."""

import datetime as dt

import pytest

from tongxin.orgs import scope
from tongxin.orgs.models import Grade, Region, School, SchoolClass, User
from tongxin.orgs.selectors import visible_classes
from tongxin.people.forms import CLASS_MENU_MAX, ChildFilterForm
from tongxin.people.models import Child, Family, pinyin_initials
from tongxin.testing import counting

pytestmark = pytest.mark.django_db


def add_pupils(n: int, school_class: SchoolClass | None = None) -> None:
    """`n` more children with ID numbers, living in a county community: in `school_class`, or in a new school."""
    if school_class is None:
        region = Region.objects.filter(level=Region.Level.COMMUNITY).order_by("pk").first()
        school = School.objects.create(name="青溪县新建小学", code="3611990099", region=region)
        school_class = SchoolClass.objects.create(grade=Grade.objects.create(school=school, year=2), number=1)
    community = Region.objects.filter(level=Region.Level.COMMUNITY).order_by("pk").last()
    families = Family.objects.bulk_create([Family(head_name=f"户主{i}", community=community, address=f"新村{i}号")
                                           for i in range(n)])
    start = Child.objects.count()
    children = []
    for i, family in enumerate(families):
        child = Child(name=f"新生{i}", gender="F", birth_date=dt.date(2019, 5, 1), family=family,
                      school=school_class.school, school_class=school_class,
                      id_number=f"3611992019130{start + i:05d}", health_notes="无")
        child.initials = pinyin_initials(child.name)
        child.sync_id_columns()
        children.append(child)
    Child.objects.bulk_create(children)


def page_cost(client, url):
    client.get(url)  # a first request warms what is read once per process
    with counting() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return seen, response


@pytest.mark.parametrize("username", ["teacher", "county_civil", "county_edu"])
def test_the_child_list_page_takes_as_many_queries_for_more_children(login, demo_user, username):
    client = login(username)
    before, _ = page_cost(client, "/children/")
    teacher_class = demo_user("teacher").assignments.get().school_class
    add_pupils(60, teacher_class if username == "teacher" else None)
    after, response = page_cost(client, "/children/")
    assert after["queries"] == before["queries"]
    assert len(response.context["rows"]) == 50


def test_a_masked_list_page_decrypts_nothing(login):
    for username in ("teacher", "county_edu", "leader"):
        seen, response = page_cost(login(username), "/children/")
        assert response.context["rows"] and all("*" in r.id_display for r in response.context["rows"])
        assert seen["decrypted"] == 0, username


def test_a_full_id_list_page_decrypts_one_number_per_row_shown(login):
    seen, response = page_cost(login("county_civil"), "/children/?page=2")
    rows = response.context["rows"]
    assert len(rows) == 50 and all("*" not in r.id_display for r in rows)
    assert seen["decrypted"] == len(rows)


def test_the_api_list_takes_as_many_queries_for_more_children_and_decrypts_only_the_full_numbers(login):
    client = login("county_civil")
    before, response = page_cost(client, "/api/children")
    items = response.json()["items"]
    assert before["decrypted"] == len([i for i in items if i["id_display"] != "未登记"]) == 50
    add_pupils(300)
    after, response = page_cost(client, "/api/children?page=7")
    assert after["queries"] == before["queries"] and after["decrypted"] == len(response.json()["items"])
    masked, _ = page_cost(login("county_edu"), "/api/children")
    assert masked["decrypted"] == 0


def test_a_count_past_the_cap_says_more_than(login, monkeypatch):
    from tongxin.people import selectors

    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 1000)
    page = login("county_civil").get("/children/").text
    assert "超过 1000 名" in page
    assert login("county_civil").get("/api/children").json()["count"] == 1000


def test_the_list_is_in_the_same_order_whether_sorted_in_memory_or_by_the_database(login, monkeypatch):
    from tongxin.people import selectors

    def ids(size):
        monkeypatch.setattr(selectors, "SORT_IN_MEMORY", size)
        return [row["id"] for page in (1, 2) for row in login("leader").get(f"/api/children?page={page}").json()["items"]]

    in_memory, by_database = ids(100_000), ids(0)
    expected = list(Child.objects.filter(school__code="3611990001").values_list("pk", flat=True)[:100])
    assert in_memory == by_database == expected  # pupils all have a class: no NULL ordering to differ on


def test_the_class_filter_is_the_classes_of_the_visible_children_for_every_demo_role(demo_user):
    from tongxin.demo import DEMO_LOGINS

    for username, *_ in DEMO_LOGINS:
        user = demo_user(username)
        scanned = set(scope.children(user).exclude(school_class=None).values_list("school_class_id", flat=True))
        assert set(visible_classes(user).values_list("pk", flat=True)) == scanned, username


def test_a_class_menu_longer_than_the_limit_is_left_out_but_the_filter_still_works(demo_user, login):
    civil = demo_user("county_civil")
    assert 1 < len(ChildFilterForm(civil, {}).classes) <= CLASS_MENU_MAX  # the demo county's 48 classes
    school = School.objects.get(code="3611990001")
    grade = Grade.objects.get(school=school, year=6)
    new = SchoolClass.objects.bulk_create([SchoolClass(grade=grade, school=school, number=n)
                                           for n in range(3, 3 + CLASS_MENU_MAX)])
    pupils = Child.objects.filter(school=school).values_list("pk", flat=True)[:CLASS_MENU_MAX]
    for school_class, pk in zip(new, pupils, strict=True):  # one pupil moves into each new class
        Child.objects.filter(pk=pk).update(school_class=school_class)
    assert ChildFilterForm(User.objects.get(pk=civil.pk), {}).classes == []
    chosen = SchoolClass.objects.get(grade=grade, number=3)
    page = login("county_civil").get(f"/children/?class={chosen.pk}")
    assert page.status_code == 200 and "共 1 名" in page.text and 'name="class"' not in page.text


@pytest.mark.parametrize("sort_in_memory", [100_000, 0])
def test_children_without_a_class_come_last_in_either_way_of_ordering(login, demo_user, monkeypatch,
                                                                     sort_in_memory):
    from tongxin.people import selectors

    monkeypatch.setattr(selectors, "SORT_IN_MEMORY", sort_in_memory)
    client = login("county_civil")
    everyone = sorted(scope.children(demo_user("county_civil")).values_list("pk", "school_class_id", "initials"),
                      key=lambda k: (k[1] is None, k[1] or 0, k[2], k[0]))
    first_classless = next(i for i, k in enumerate(everyone) if k[1] is None)
    assert 0 < first_classless < len(everyone) - 1, "the demo county has children without a class"
    for page in {first_classless // 50 + 1, first_classless // 50 + 2, (len(everyone) - 1) // 50 + 1}:
        shown = [row["id"] for row in client.get(f"/api/children?page={page}").json()["items"]]
        assert shown == [k[0] for k in everyone[(page - 1) * 50:page * 50]]
