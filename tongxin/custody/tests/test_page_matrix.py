"""Every custody page, for every demo role: who opens it (200) and who is refused (403), written out by hand from
the rules (not computed by the code under test). A new page gets a row here."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxin.custody.models import DemandSurvey, Programme
from tongxin.orgs.calendar import is_working_day

pytestmark = pytest.mark.django_db

ROLES = ["parent", "teacher", "leader", "volunteer", "community", "township", "county_edu", "county_civil", "admin"]
SUMMER = "青溪县实验小学2026年暑期托管"  # organised by 实验小学 (leader), in 城关镇 (township); volunteer was rostered
COMMUNITY = "东门社区儿童之家2027年寒假托管"
OK, NO = 200, 403

# page -> the roles that open it; every other role gets 403.
PAGES = {
    ("programme", SUMMER): {"teacher", "leader", "volunteer", "township", "county_edu", "county_civil", "admin"},
    ("applications", SUMMER): {"teacher", "leader", "township", "county_edu", "county_civil", "admin"},
    ("placement", SUMMER): {"teacher", "leader", "township", "county_edu", "county_civil", "admin"},
    ("fees", SUMMER): {"teacher", "leader", "township", "county_edu", "county_civil", "admin"},
    ("report", SUMMER): {"teacher", "leader", "township", "county_edu", "county_civil", "admin"},
    ("report_xlsx", SUMMER): {"teacher", "leader", "township", "county_edu", "county_civil", "admin"},
    ("incidents", SUMMER): {"teacher", "leader", "township", "county_edu", "county_civil", "admin"},
    ("roster", SUMMER): {"teacher", "leader", "volunteer", "township", "county_edu", "county_civil", "admin"},
    ("workload_xlsx", SUMMER): {"leader", "township", "county_edu", "county_civil", "admin"},
    ("programme_edit", SUMMER): {"leader", "admin"},
    ("programme_edit", COMMUNITY): {"community", "admin"},
    ("applications", COMMUNITY): {"community", "township", "county_edu", "county_civil", "admin"},
    ("bookings", SUMMER): {"teacher", "leader", "township", "county_edu", "county_civil", "admin"},
    ("guests", SUMMER): {"teacher", "leader", "township", "county_edu", "county_civil", "admin"},
    ("accounts", SUMMER): {"leader", "township", "county_edu", "county_civil", "admin"},
    ("accounts_xlsx", SUMMER): {"leader", "township", "county_edu", "county_civil", "admin"},
    ("accounts", COMMUNITY): {"community", "township", "county_edu", "county_civil", "admin"},
    ("bookings", COMMUNITY): {"community", "township", "county_edu", "county_civil", "admin"},
    ("partners", None): {"leader", "community", "township", "county_edu", "county_civil", "admin"},
    ("county", None): {"township", "county_edu", "county_civil", "admin"},
    ("alerts", None): set(ROLES),  # one's own alerts: every login has the page, most of them empty
    ("programme_new", None): {"leader", "community", "admin"},
    ("survey_new", None): {"leader", "community", "admin"},
}


def _url(name, programme_name):
    if programme_name is None:
        return reverse(f"custody:{name}")
    return reverse(f"custody:{name}", args=[Programme.objects.get(name=programme_name).pk])


@pytest.mark.parametrize("page", list(PAGES), ids=lambda p: f"{p[0]}:{p[1] or ''}")
def test_who_opens_each_custody_page(login, page):
    url = _url(*page)
    for role in ROLES:
        expected = OK if role in PAGES[page] else NO
        assert login(role).get(url).status_code == expected, f"{role} {url}"


def test_survey_pages(login):
    survey = DemandSurvey.objects.get(title="2027年寒假托管需求摸底")  # 实验小学, 城关镇
    allowed = {"leader", "township", "county_edu", "county_civil", "admin"}
    for name in ("survey", "survey_xlsx"):
        url = reverse(f"custody:{name}", args=[survey.pk])
        for role in ROLES:
            assert login(role).get(url).status_code == (OK if role in allowed else NO), f"{role} {url}"


def test_the_duty_page_opens_for_who_is_on_duty_today(login):
    autumn = Programme.objects.get(name="青溪县实验小学2026年秋季课后托管")
    url = reverse("custody:today", args=[autumn.pk])
    on_duty_today = is_working_day(timezone.localdate()) and autumn.periods.filter(
        start__lte=timezone.localdate(), end__gte=timezone.localdate()).exists()
    allowed = {"leader", "admin"} | ({"teacher"} if on_duty_today else set())
    for role in ROLES:
        assert login(role).get(url).status_code == (OK if role in allowed else NO), f"{role} {url}"


def test_a_partner_page_opens_for_the_township_registry_and_its_overseers(login):
    """青溪县青少年宫 is in 东门社区, 城关镇: kept by the township's organisers (实验小学's leader, 东门's worker),
    read by the township and the county."""
    from tongxin.custody.models import Partner

    url = reverse("custody:partner", args=[Partner.objects.get(name="青溪县青少年宫").pk])
    allowed = {"leader", "community", "township", "county_edu", "county_civil", "admin"}
    for role in ROLES:
        assert login(role).get(url).status_code == (OK if role in allowed else NO), f"{role} {url}"


def test_the_correction_pages_open_for_who_may_record_the_entry(login):
    """A partner and its venues are corrected by the township's organisers (青溪县青少年宫 is in 东门社区, 城关镇:
    实验小学's leader and 东门's worker); a money entry by its programme's organiser. Readers are refused."""
    from tongxin.custody.models import Income, Partner, Spending

    palace = Partner.objects.get(name="青溪县青少年宫")
    pages = {
        reverse("custody:partner_edit", args=[palace.pk]): {"leader", "community", "admin"},
        reverse("custody:venue_edit", args=[palace.venues.get().pk]): {"leader", "community", "admin"},
        reverse("custody:income_edit", args=[Income.objects.filter(programme__name=SUMMER).first().pk]):
            {"leader", "admin"},
        reverse("custody:spending_edit", args=[Spending.objects.filter(programme__name=COMMUNITY).first().pk]):
            {"community", "admin"},
    }
    for url, allowed in pages.items():
        for role in ROLES:
            assert login(role).get(url).status_code == (OK if role in allowed else NO), f"{role} {url}"
