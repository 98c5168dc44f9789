"""The 控辍保学 home card puts what is overdue first: a phone shows only two lines of a card's description."""

import pytest
from django.utils import timezone

from tongxin.care.absence_navigation import actions
from tongxin.care.selectors import absence

pytestmark = pytest.mark.django_db


def test_the_home_card_opens_with_the_overdue_cases(demo_user):
    user = demo_user("community")
    s = absence.summary(user, today=timezone.localdate())
    (card,) = actions(user)
    assert s.open_cases, "the demo community has open cases"
    first = (f"{s.overdue} 个控辍保学个案有事项逾期（共 {s.open_cases} 个未结）" if s.overdue
             else f"{s.open_cases} 个控辍保学个案未结")
    assert card.description.startswith(first + "；")
