"""Time the 15-minute childcare circle (N-10) of a whole county, and of one township with its plot.

    python bench/circle.py [--scale N] [--crowd HOUSEHOLDS]

Builds a fresh database (temporary SQLite, or DATABASE_URL naming a PostgreSQL database with "bench" in its name)
with the demo county multiplied N times (default 10; every household placed around its community's centre point by
`tongxin.demo.nursery_circle`), then times, best of 3: the county health bureau's overview (every township and
community: the households with an infant, coverage by the open centres and points, places, each community's best
new point) and 城关镇's page (the same for one township, its three greedy new points and the plot's shapes: the
households drawn per 100 m grid cell, never at their own position). It prints the coverage figures of every
township (computed from the exact positions; the drawing's cells must not change them). Then
the pure rules alone on a crowd of HOUSEHOLDS uncovered households in one 4 km × 4 km town (default 2,000): the
worst case of the best-new-point search, every home a candidate.
"""

import argparse
import random
import time

from _django import fresh_database  # noqa: E402  (sets Django up for a bench first: bench/_django.py)
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from tongxin.nursery import rules_circle as rules  # noqa: E402
from tongxin.nursery.selectors import circle  # noqa: E402
from tongxin.orgs.models import Region, User  # noqa: E402
from tongxin.people.models import Family  # noqa: E402
from tongxin.testing import counting  # noqa: E402


def best(fn, n=3):
    times, result, queries = [], None, 0
    for _ in range(n):
        with counting() as counted:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        queries = counted["queries"]
    return min(times), result, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--crowd", type=int, default=2000)
    args = parser.parse_args()
    fresh_database(args.scale)
    today = timezone.localdate()
    print(f"database: {connection.vendor}; ×{args.scale}: {Family.objects.count()} households, "
          f"{Family.objects.filter(latitude__isnull=True).count()} unplaced")
    health = User.objects.get(username="county_health")
    took, found, queries = best(lambda: circle.circle_overview(health, on=today))
    print(f"overview county_health: {took * 1000:7.0f} ms, {queries} queries, {len(found.townships)} townships, "
          f"{found.total.households if found.total else 0} households with an infant")
    for t in [t for t, _ in found.townships[:3]] + ([found.total] if found.total else []):
        print(f"  {t.name}: {t.households} households, {t.located} placed, {t.covered} covered "
              f"({t.share}%), {t.infants} infants, {t.places} places ({t.per_100} per 100)")
    township = Region.objects.get(code="361199100000")
    took, page, queries = best(lambda: circle.township_circle(health, township, on=today))
    print(f"township 城关镇:         {took * 1000:7.0f} ms, {queries} queries, {page.total.households} households")
    print(f"  城关镇: {page.total.located} placed, {page.total.covered} covered ({page.total.share}%), new points "
          f"{[(p.count, p.at) for p in page.total.suggestions]}")
    took, plot, _ = best(page.plot)
    print(f"plot 城关镇:             {took * 1000:7.0f} ms, {len(plot.dots)} cells of 100 m holding "
          f"{sum(d.count for d in plot.dots)} households (at most {max((d.count for d in plot.dots), default=0)} "
          f"in one), {len(plot.points)} points")
    rng = random.Random(11)
    crowd = [(i, (28.70 + rng.uniform(-0.018, 0.018), 116.01 + rng.uniform(-0.02, 0.02))) for i in range(args.crowd)]
    radius = rules.Walk().radius_m
    took, picks, _ = best(lambda: rules.best_points(crowd, radius, count=3), n=1)
    print(f"best 3 new points among {args.crowd} uncovered homes: {took * 1000:.0f} ms, "
          f"covering {[p.count for p in picks]}")


if __name__ == "__main__":
    main()
