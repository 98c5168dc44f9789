"""Matching order (就近就熟就便), invitations and answers."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tongxin.orgs.models import Region
from tongxin.volunteers import rules, services
from tongxin.volunteers.models import Invitation, Person
from tongxin.volunteers.selectors import matching
from tongxin.volunteers.services import invitations

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 7)
C, T, X = "/361199000000/361199100000/361199100001/", "/361199000000/361199100000/", "/361199000000/361199200000/"


def test_the_same_community_ranks_before_the_township_and_the_county():
    assert rules.place_rank(C, C, []) == 0
    assert rules.place_rank(C, X + "361199200201/", [C]) == 0
    assert rules.place_rank(C, T + "361199100002/", []) == 1
    assert rules.place_rank(C, X + "361199200201/", []) == 2
    assert rules.place_rank(C, "/999/1/2/", []) == 3


def test_the_order_is_place_then_skill_then_time_then_load():
    near_busy = rules.match_key(rank=0, skill_hit=False, available=False, load=9, name="甲")
    far_skilled = rules.match_key(rank=1, skill_hit=True, available=True, load=0, name="乙")
    skilled = rules.match_key(rank=0, skill_hit=True, available=False, load=9, name="丙")
    free = rules.match_key(rank=0, skill_hit=False, available=True, load=9, name="丁")
    light = rules.match_key(rank=0, skill_hit=False, available=False, load=0, name="戊")
    assert sorted([far_skilled, near_busy, free, skilled, light]) == [skilled, free, light, near_busy, far_skilled]


def test_the_candidates_come_nearest_first_and_all_hold_a_current_inquiry():
    dongmen = Region.objects.get(code="361199100001")
    found = matching.candidates(community=dongmen, on=ON, limit=500)
    ranks = [c.rank for c in found]
    assert found and ranks == sorted(ranks) and ranks[0] == 0 and 2 in ranks
    from tongxin.volunteers.selectors import check_refusal
    for c in found[:20]:
        assert check_refusal(user_id=Person.objects.get(pk=c.person_id).user_id, on=ON) is None


def test_within_a_place_the_skill_asked_comes_first():
    dongmen = Region.objects.get(code="361199100001")
    found = [c for c in matching.candidates(community=dongmen, on=ON, skill="英语", limit=500) if c.rank == 0]
    hits = [c.skill_hit for c in found]
    assert True in hits and hits == sorted(hits, reverse=True)


def test_a_person_without_a_current_inquiry_is_not_invited(registered, demo_user):
    person = registered()
    services.person_vet(actor=demo_user("community"), person_id=person.pk, accept=True)
    with pytest.raises(ValidationError, match="不能邀请：李小梅没有入职查询记录"):
        invitations.invite(actor=demo_user("community"), person_id=person.pk, kind="custody", about="寒假托管",
                           community_id=person.home_id, start=ON, today=ON)


def test_the_person_accepts_or_declines_and_only_they_may(demo_user):
    volunteer = Person.objects.get(user__username="volunteer")
    row = invitations.invite(actor=demo_user("community"), person_id=volunteer.pk, kind="pairing", about="结对关爱",
                             community_id=volunteer.home_id, start=ON, today=ON)
    with pytest.raises(PermissionDenied):
        invitations.invitation_answer(actor=demo_user("community"), invitation_id=row.pk, accept=True)
    invitations.invitation_answer(actor=demo_user("volunteer"), invitation_id=row.pk, accept=False)
    assert Invitation.objects.get(pk=row.pk).state == "declined"
    with pytest.raises(ValidationError, match="已婉拒"):
        invitations.invitation_answer(actor=demo_user("volunteer"), invitation_id=row.pk, accept=True)


def test_a_parent_may_not_open_the_matching_page(login):
    assert login("parent").get(reverse("volunteers:match")).status_code == 403


def test_the_matching_page_lists_the_nearest(login):
    dongmen = Region.objects.get(code="361199100001")
    page = login("community").get(reverse("volunteers:match"), {"community": dongmen.pk}).content.decode()
    assert "本社区（村）" in page and "刘晓" in page


def test_a_candidate_who_only_serves_the_community_is_not_tagged_as_living_there(demo_user):
    dongmen = Region.objects.get(code="361199100001")
    found = [c for c in matching.candidates(community=dongmen, on=ON, limit=500) if c.rank == 0]
    assert {c.place for c in found} == {"住在本社区（村）", "可服务本社区（村）"}
    assert all((c.place == "住在本社区（村）") == c.home.endswith("东门社区") for c in found)
    assert all(c.times for c in found)


def test_the_matching_page_opens_only_the_best_ten_and_folds_the_people_not_free_at_the_time_asked(login):
    dongmen = Region.objects.get(code="361199100001")
    page = login("community").get(reverse("volunteers:match"), {"community": dongmen.pk, "weekday": "6"})
    shown, folded = page.content.decode().split('<details class="more-candidates">', 1)
    assert shown.count('class="card candidate"') <= 10
    assert "时间不符" not in shown and "时间不符" in folded
    assert f"另有 {len(page.context['misfits'])} 人所选时间不便" in folded
    assert all(not c.available for c in page.context["misfits"]) and all(c.available for c in page.context["shown"])


def test_the_matching_search_starts_in_the_searchers_own_area(login):
    for username, code in (("community", "361199100001"), ("township", "361199100001")):
        page = login(username).get(reverse("volunteers:match")).content.decode()
        own = Region.objects.get(code=code)
        assert f'<option value="{own.pk}" selected>' in page
