"""The health pages on the demo: the centre's 健康 tab and a child's record, a carer's one-tap room check, an
abnormal child, a refused write storing nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxin.nursery.models import CheckFinding, Contract, HealthCertificate, HealthCheck, RoomCheck

pytestmark = pytest.mark.django_db


def _centre():
    from tongxin.nursery.models import Centre
    return Centre.objects.get(site__name="城关镇社区托育服务中心")


def test_the_health_tab_shows_the_checks_the_missing_and_the_certificates(login):
    centre = _centre()
    response = login("carer").get(reverse("nursery:centre_health", args=[centre.pk]))
    assert response.status_code == 200
    text = response.text
    assert "今日晨午检" in text and "工作人员健康证" in text and "不能入托的幼儿" in text


def test_a_childs_health_page_shows_the_schedule(login):
    centre = _centre()
    child = Contract.objects.filter(centre=centre).first().child_id
    response = login("nursery").get(reverse("nursery:child_health", args=[centre.pk, child]))
    assert response.status_code == 200 and "乙肝疫苗第1剂" in response.text


def test_a_child_the_centre_does_not_know_is_not_found(login):
    from tongxin.people.models import Child
    centre = _centre()
    stranger = Child.objects.filter(school__isnull=False).order_by("pk").first()
    assert login("nursery").get(reverse("nursery:child_health", args=[centre.pk, stranger.pk])).status_code == 404


def test_a_carer_marks_a_room_well_in_one_tap(login, open_today):
    centre = _centre()
    room = centre.rooms.order_by("pk").first()
    RoomCheck.objects.filter(room=room, session="midday").delete()
    response = login("carer").post(reverse("nursery:centre_health", args=[centre.pk]),
                                   {"action": "done", "room": room.pk, "session": "midday"})
    assert response.status_code == 302
    assert RoomCheck.objects.filter(room=room, day=timezone.localdate(), session="midday").exists()


def test_a_normal_temperature_alone_is_refused_and_nothing_stored(login, open_today):
    centre = _centre()
    contract = Contract.objects.filter(centre=centre, starts_on__lte=timezone.localdate()).first()
    before = CheckFinding.objects.count()
    response = login("carer").post(reverse("nursery:centre_health", args=[centre.pk]), {
        "action": "finding", "who": f"{contract.room_id}-{contract.child_id}", "session": "midday",
        "temperature": "36.5", "symptom": "", "handling": "observe"})
    assert response.status_code == 400 and "只记录异常幼儿" in response.text
    assert CheckFinding.objects.count() == before


def test_a_carer_records_an_abnormal_child_on_the_tab(login, open_today):
    centre = _centre()
    contract = Contract.objects.filter(centre=centre, starts_on__lte=timezone.localdate()).first()
    RoomCheck.objects.filter(room_id=contract.room_id, session="midday").delete()
    response = login("carer").post(reverse("nursery:centre_health", args=[centre.pk]), {
        "action": "finding", "who": f"{contract.room_id}-{contract.child_id}", "session": "midday",
        "temperature": "38.2", "symptom": "", "handling": "sent_home"})
    assert response.status_code == 302
    assert CheckFinding.objects.filter(child_id=contract.child_id, session="midday", action="sent_home").exists()



def test_a_carer_may_not_record_certificates(login):
    centre = _centre()
    before = HealthCertificate.objects.count()
    response = login("carer").post(reverse("nursery:centre_health", args=[centre.pk]), {
        "action": "certificate", "user": "1", "issued_on": f"{timezone.localdate():%Y-%m-%d}", "issuer": "x"})
    assert response.status_code == 403 and HealthCertificate.objects.count() == before


def test_a_check_in_the_future_is_refused_in_chinese_and_nothing_stored(login):
    centre = _centre()
    child = Contract.objects.filter(centre=centre).first().child_id
    before = HealthCheck.objects.count()
    response = login("nursery").post(reverse("nursery:child_health", args=[centre.pk, child]), {
        "action": "check", "kind": "recheck", "checked_on": "2099-01-01", "clinic": "县妇幼保健院", "passed": "1"})
    assert response.status_code == 400 and "体检日期不能晚于今天" in response.text
    assert HealthCheck.objects.count() == before
