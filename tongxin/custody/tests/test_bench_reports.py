import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import tongxin
from tongxin.custody.models import Attendance, Programme
from tongxin.custody.tests.test_report_queries import SUMMER, _grow

pytestmark = pytest.mark.django_db


def test_bench(login, demo_user):
    print("\ncode:", tongxin.__file__)
    summer = Programme.objects.get(name=SUMMER)
    client = login("county_edu")
    for label, more in (("demo", 0), ("+8", 8), ("+40", 32)):
        if more:
            _grow(demo_user("leader"), programmes=more, periods=3, seed=more)
        print(label, Programme.objects.count(), "programmes", Attendance.objects.count(), "attendance rows")
        for url in (f"/custody/p/{summer.pk}/report/", "/custody/county/", "/custody/county.xlsx"):
            client.get(url)
            times = []
            for _ in range(5):
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    client.get(url)
                    times.append(time.perf_counter() - t)
            print(f"  {url:28} {len(ctx.captured_queries):4} queries  median {statistics.median(times) * 1000:6.0f} ms")
