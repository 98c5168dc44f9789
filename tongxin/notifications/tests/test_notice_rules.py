import datetime as dt
import zoneinfo

from tongxin.notifications import rules

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=TZ)


def test_quiet_hours_cross_midnight_and_end_exclusive():
    start, end = dt.time(22), dt.time(7)
    assert rules.in_quiet_hours(dt.time(22), start, end)
    assert rules.in_quiet_hours(dt.time(3, 30), start, end)
    assert not rules.in_quiet_hours(dt.time(7), start, end)
    assert not rules.in_quiet_hours(dt.time(21, 59), start, end)


def test_quiet_hours_within_a_day_and_none_when_start_equals_end():
    assert rules.in_quiet_hours(dt.time(13), dt.time(12), dt.time(14))
    assert not rules.in_quiet_hours(dt.time(14), dt.time(12), dt.time(14))
    assert not rules.in_quiet_hours(dt.time(3), dt.time(0), dt.time(0))


def test_a_message_in_the_night_waits_for_the_morning_unless_urgent():
    q = {"start": dt.time(22), "end": dt.time(7)}
    assert rules.not_before(at(4, 23, 10), urgent=False, **q) == at(5, 7)
    assert rules.not_before(at(5, 2, 0), urgent=False, **q) == at(5, 7)
    assert rules.not_before(at(4, 23, 10), urgent=True, **q) == at(4, 23, 10)
    assert rules.not_before(at(4, 12, 0), urgent=False, **q) == at(4, 12, 0)


def test_a_message_at_new_year_night_waits_into_the_new_year():
    assert rules.not_before(dt.datetime(2026, 12, 31, 22, 30, tzinfo=TZ), urgent=False,
                            start=dt.time(22), end=dt.time(7)) == dt.datetime(2027, 1, 1, 7, tzinfo=TZ)


def test_retries_double_from_thirty_seconds_to_an_hour():
    assert [rules.retry_after(n).total_seconds() for n in range(1, 10)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_staff_keep_sms_for_urgent_kinds_whatever_they_choose():
    missing = rules.KINDS["custody.missing"]
    assert rules.channels_for(missing, chosen=frozenset(), staff=True) == {rules.SMS}
    assert rules.channels_for(missing, chosen=frozenset(), staff=False) == frozenset()
    assert rules.channels_for(missing, chosen=None, staff=False) == {rules.SMS, rules.WECHAT}
    digest = rules.KINDS["care.digest"]
    assert rules.channels_for(digest, chosen=frozenset(), staff=True) == frozenset()


def test_id_numbers_are_masked_in_anything_sent():
    assert rules.without_id_numbers("身份证 11010519491231002X 已登记") == "身份证 110105************ 已登记"
    assert rules.without_id_numbers("旧证 110105491231002") == "旧证 110105*********"
    assert rules.without_id_numbers("电话 13800138000，编号 1234567890123456789") == (
        "电话 13800138000，编号 1234567890123456789")  # 11 and 19 digits are not ID numbers


def test_template_variables_are_one_short_line_without_id_numbers():
    assert rules.clip_param("张\n小明") == "张 小明"
    assert rules.clip_param("一" * 30) == "一" * 19 + "…"
    assert "*" in rules.clip_param("11010519491231002X")


def test_message_keys_are_short_and_safe_for_providers():
    assert rules.message_key("custody-alert-5", "sms", "ab12") == "custody-alert-5-sms-ab12"
    long = rules.message_key("care-report-1", "wechat", "o" * 60)
    assert len(long) == 64 and long.isalnum()
    assert rules.message_key("care-report-1", "wechat", "o" * 60) == long


def test_the_digest_is_due_from_monday_eight_in_its_week():
    assert rules.digest_week(at(7, 7, 59)) is None  # Monday 2026-12-07
    assert rules.digest_week(at(7, 8, 0)) == "2026-W50"
    assert rules.digest_week(at(13, 23, 0)) == "2026-W50"  # Sunday, same week
    assert rules.digest_week(dt.datetime(2027, 1, 3, 9, tzinfo=TZ)) == "2026-W53"
