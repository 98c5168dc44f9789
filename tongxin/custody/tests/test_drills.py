"""S-04 「定期」: each period drills at least once and a longer one every N weeks (4 by default, an office may ask
for more, never less); the programme's page shows drills held against due and what is overdue."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tongxin.custody.models import DrillSetting, Programme
from tongxin.custody.partner_rules import drill_board, drill_dues, drill_every_weeks_problem
from tongxin.custody.selectors import partners as read
from tongxin.custody.services import accounts

MON = dt.date(2026, 9, 7)  # a Monday
SUMMER = "青溪县实验小学2026年暑期托管"
AUTUMN = "青溪县实验小学2026年秋季课后托管"  # one period, 2026-09-01 to 2027-01-15 (137 days)


def _day(n: int) -> dt.date:
    return MON + dt.timedelta(days=n)


def test_a_period_shorter_than_the_weeks_still_drills_once_by_its_last_day():
    assert drill_dues(MON, _day(11), 4) == [_day(11)]


def test_a_period_of_exactly_four_weeks_drills_once():
    assert drill_dues(MON, _day(27), 4) == [_day(27)]


def test_a_remainder_shorter_than_the_weeks_joins_the_last_block():
    assert drill_dues(MON, _day(54), 4) == [_day(54)]  # 8 weeks less a day: one drill
    assert drill_dues(MON, _day(55), 4) == [_day(27), _day(55)]  # 8 weeks: two


def test_more_frequent_weeks_ask_more_drills_of_the_same_period():
    assert drill_dues(MON, _day(27), 1) == [_day(6), _day(13), _day(20), _day(27)]


def test_a_drill_is_not_overdue_on_its_due_date():
    board = drill_board([("第一期", MON, _day(11))], [], 4, today=_day(11))
    assert board.overdue == []


def test_a_drill_is_overdue_the_day_after_its_due_date():
    board = drill_board([("第一期", MON, _day(11))], [], 4, today=_day(12))
    assert board.overdue == [("第一期", 1, _day(11))]


def test_a_drill_held_on_the_due_date_counts():
    board = drill_board([("第一期", MON, _day(11))], [_day(11)], 4, today=_day(30))
    assert (board.held, board.expected, board.overdue) == (1, 1, [])


def test_a_drill_held_late_clears_the_overdue_one():
    board = drill_board([("学期", MON, _day(60))], [_day(35)], 4, today=_day(40))
    assert board.overdue == []  # the first (due day 27) was held late; the second is due on day 60


def test_a_drill_of_another_period_does_not_count_for_this_one():
    board = drill_board([("第一期", MON, _day(11)), ("第二期", _day(14), _day(25))], [_day(3), _day(10)], 4,
                        today=_day(26))
    assert [(p.held, p.expected) for p in board.periods] == [(2, 1), (0, 1)]
    assert board.overdue == [("第二期", 1, _day(25))]


@pytest.mark.parametrize("weeks, refused", [(0, True), (1, False), (4, False), (5, True)])
def test_the_frequency_may_only_be_more_frequent_than_the_default(weeks, refused):
    assert (drill_every_weeks_problem(weeks) is not None) == refused


# ---------------------------------------------------------------- through the service and the page

@pytest.mark.django_db
def test_the_office_asks_for_more_drills_for_all_its_programmes(demo_user):
    autumn = Programme.objects.get(name=AUTUMN)
    summer = Programme.objects.get(name=SUMMER)
    assert read.drill_board(autumn, dt.date(2027, 2, 1)).expected == 4  # 137 days // 28
    accounts.set_drill_frequency(actor=demo_user("leader"), programme=summer, every_weeks=2)
    assert read.drill_board(autumn, dt.date(2027, 2, 1)).expected == 9  # 137 days // 14
    assert DrillSetting.objects.get(school=summer.school).every_weeks == 2


@pytest.mark.django_db
def test_a_less_frequent_setting_is_refused(demo_user):
    summer = Programme.objects.get(name=SUMMER)
    with pytest.raises(ValidationError, match="只能比默认"):
        accounts.set_drill_frequency(actor=demo_user("leader"), programme=summer, every_weeks=5)
    assert not DrillSetting.objects.exists()


@pytest.mark.django_db
def test_only_the_organiser_sets_the_frequency(demo_user):
    with pytest.raises(PermissionDenied):
        accounts.set_drill_frequency(actor=demo_user("township"), programme=Programme.objects.get(name=SUMMER),
                                     every_weeks=2)


@pytest.mark.django_db
def test_the_programme_page_shows_drills_held_against_due_and_the_overdue_ones(login):
    """The demo summer: four periods of two weeks, a fire drill and a drowning drill held (two periods without)."""
    summer = Programme.objects.get(name=SUMMER)
    page = login("township").get(reverse("custody:programme", args=[summer.pk])).content.decode()
    assert "安全演练：已 2 次 / 应 4 次" in page
    assert page.count("次演练应于") == 2 and "逾期 2 次" in page


@pytest.mark.django_db
def test_the_guests_page_refuses_a_less_frequent_setting_in_chinese(login):
    summer = Programme.objects.get(name=SUMMER)
    url = reverse("custody:guests", args=[summer.pk])
    response = login("leader").post(url, {"action": "frequency", "every_weeks": "6"}, follow=True)
    assert "只能比默认更频繁" in response.content.decode()
    assert not DrillSetting.objects.exists()
