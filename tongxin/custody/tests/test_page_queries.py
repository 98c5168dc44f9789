"""The hub and the duty page cost the same number of queries whatever the number of children and alerts; the
duty page is read a page at a time, its tally counts the whole roll, and it decrypts nothing."""

import re

import pytest
from django.utils import timezone

from tongxin.custody.models import Alert, Application, Attendance, Group, Placement
from tongxin.custody.selectors.day import ROLL_PAGE
from tongxin.custody.selectors.hub import HUB_ALERTS
from tongxin.people.models import Child
from tongxin.testing import counting

pytestmark = pytest.mark.django_db


def cost(client, url):
    client.get(url)
    with counting() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return seen, response.text


def grow(programme, period, leader, n):
    """`n` more children of the school placed in 一组 today: a third checked in, a third with a missing-child
    alert addressed to the leader."""
    now = timezone.now()
    group = Group.objects.get(period=period, name="一组")
    children = Child.objects.filter(school=programme.school).exclude(custody_placements__period=period).order_by("pk")[:n]
    apps = Application.objects.bulk_create([
        Application(programme=programme, child=c, applicant=leader, agreement_signed_at=now, commitment_signed_at=now,
                    signature="签名", state=Application.State.PLACED) for c in children])
    placements = Placement.objects.bulk_create([
        Placement(application=a, child=a.child, period=period, group=group, state=Placement.State.PLACED) for a in apps])
    Attendance.objects.bulk_create([Attendance(placement=p, date=timezone.localdate(), check_in_at=now)
                                    for p in placements[::3]])
    Alert.objects.bulk_create([Alert(programme=programme, placement=p, date=timezone.localdate(), kind=Alert.Kind.MISSING,
                                     message=f"{p.child.name}未到且未请假", notify=leader) for p in placements[1::3]])
    return placements


def tally(page: str) -> dict[str, int]:
    text = re.search(r'<p class="tally" id="tally">(.*?)</p>', page, re.S).group(1)
    return {label: int(n) for label, n in re.findall(r"(应到|未到|在托|已接走|请假) <b[^>]*>(\d+)</b>", text)}


def test_the_duty_page_takes_as_many_queries_for_a_larger_roll_and_decrypts_nothing(login, running_today,
                                                                                      approved_for_today, demo_user):
    programme, period = running_today
    approved_for_today(programme, period)
    grow(programme, period, demo_user("leader"), 3)  # one of each: checked in, alerted, due
    client = login("teacher")
    url = f"/custody/p/{programme.pk}/today/?group=all"
    before, _ = cost(client, url)
    grow(programme, period, demo_user("leader"), 2 * ROLL_PAGE)
    after, page = cost(client, url)
    assert after["queries"] == before["queries"]
    assert after["decrypted"] == before["decrypted"] == 0
    assert page.count('class="roll-row') == ROLL_PAGE and "第 1 / 3 页" in page
    counts = tally(page)
    assert counts["应到"] == 2 * ROLL_PAGE + 4 == counts["未到"] + counts["在托"] + counts["已接走"] + counts["请假"]
    assert counts["在托"] == 1 + len(range(0, 2 * ROLL_PAGE, 3))


def test_find_a_child_looks_through_every_page_of_the_roll(login, running_today, approved_for_today, demo_user):
    programme, period = running_today
    approved_for_today(programme, period)
    placements = grow(programme, period, demo_user("leader"), 2 * ROLL_PAGE)
    client = login("teacher")
    first_page = client.get(f"/custody/p/{programme.pk}/today/?group=all").text
    wanted = next(p.child for p in placements if f'data-child="{p.child.name}"' not in first_page)
    found = client.get(f"/custody/p/{programme.pk}/today/", {"q": wanted.name}).text
    assert f'data-child="{wanted.name}"' in found and tally(found)["应到"] >= 1
    assert all(wanted.name in name for name in re.findall(r'data-child="([^"]+)"', found))
    refused = client.get(f"/custody/p/{programme.pk}/today/", {"q": "长" * 40})
    assert refused.status_code == 200 and "已忽略该搜索" in refused.text


def test_the_hub_takes_as_many_queries_with_more_alerts_and_lists_only_the_latest(login, running_today,
                                                                                   approved_for_today, demo_user):
    programme, period = running_today
    approved_for_today(programme, period)
    grow(programme, period, demo_user("leader"), 3)  # one alert to start with
    client = login("leader")
    before, _ = cost(client, "/custody/")
    grow(programme, period, demo_user("leader"), 3 * ROLL_PAGE)
    after, page = cost(client, "/custody/")
    assert after["queries"] == before["queries"] and after["decrypted"] == 0
    total = Alert.objects.filter(notify=demo_user("leader"), handled_at=None).count()
    assert f"待处理预警（{total}）" in page and page.count('name="action" value="alert"') == HUB_ALERTS
    assert f"查看全部 {total} 条预警" in page


def test_the_alert_list_is_paged(login, running_today, approved_for_today, demo_user):
    programme, period = running_today
    approved_for_today(programme, period)
    grow(programme, period, demo_user("leader"), 3 * ROLL_PAGE + 30)  # 60 alerts
    client = login("leader")
    total = Alert.objects.filter(notify=demo_user("leader"), handled_at=None).count()
    first, page = cost(client, "/custody/alerts/")
    assert f"共 {total} 条" in page and page.count('value="alert"') == min(total, 50) and "下一页" in page
    last = client.get("/custody/alerts/?page=2").text
    assert last.count('value="alert"') == total - 50
    assert first["decrypted"] == 0
