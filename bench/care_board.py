"""Time the care compliance board of a whole county, and one helper's to-do list.

    python bench/care_board.py [--scale N]

Builds a fresh database (temporary SQLite, or DATABASE_URL naming a PostgreSQL database with "bench" in its name)
with the demo county multiplied N times (default 10), care files, pairings and records included
(`tongxin.demo.care`), then times, best of 3: the county civil affairs bureau's board (every file, every duty,
every rule), a township officer's, a school leader's, and a rural class teacher's to-do list.
"""

import argparse
import sys
import time

from _django import ROOT  # noqa: E402  (sets Django up for a bench first: bench/_django.py)
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from tongxin.care.models import CareFile, ContactRecord, Pairing  # noqa: E402
from tongxin.care.selectors.board import board  # noqa: E402
from tongxin.care.selectors.todo import todo_for  # noqa: E402
from tongxin.orgs.models import User  # noqa: E402
from tongxin.testing import counting  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from care_import import fresh_database  # noqa: E402


def best(fn, n=3):
    times, result = [], None
    for _ in range(n):
        with counting() as queries:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
    return min(times), result, queries["queries"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    fresh_database(args.scale)
    today = timezone.localdate()
    print(f"database: {connection.vendor}; ×{args.scale}: {CareFile.objects.exclude(category='none').count()} files, "
          f"{Pairing.objects.count()} pairings, {ContactRecord.objects.count()} records")
    for username, by in (("county_civil", "township"), ("tw200", "school"), ("leader4", "class")):
        took, found, queries = best(lambda u=username, b=by: board(User.objects.get(username=u), on=today, by=b))
        print(f"board {username:>12} by {by:<8}: {took * 1000:7.0f} ms, {queries} queries, {found.total.files} files, "
              f"{found.total.duties} duties, {len(found.behind)} behind")
    took, found, queries = best(lambda: todo_for(User.objects.get(username="t431"), today, today=today))
    print(f"to-do t431: {took * 1000:.0f} ms, {queries} queries, {len(found.duties)} duties")


if __name__ == "__main__":
    main()
