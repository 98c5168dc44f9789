"""The 15-minute circle's pure rules, against figures worked out by hand."""

import datetime as dt
import math
from decimal import Decimal

import pytest

from tongxin.nursery import rules_circle as rules

# On the equator one degree of longitude (or of latitude along a meridian) is 2πR/360 = 111,195.08 m with the mean
# earth radius R = 6,371,008.8 m, and the haversine distance between two points on the equator is exactly R·Δλ.
DEGREE_M = 111_195.08


def test_the_default_walk_is_fifteen_minutes_at_five_kmh_or_1250_metres():
    assert rules.Walk().radius_m == pytest.approx(1250.0)


def test_a_slower_walk_is_data_four_kmh_give_1000_metres():
    assert rules.Walk(minutes=15, kmh=Decimal("4")).radius_m == pytest.approx(1000.0)


def test_the_walk_is_stated_in_chinese_with_its_speed_and_radius():
    assert rules.Walk().label == "步行 15 分钟（按每小时 5 公里计，直线距离 1,250 米）"


def test_a_hundredth_of_a_degree_along_the_equator_is_1112_metres():
    assert rules.distance_m((0.0, 0.0), (0.0, 0.01)) == pytest.approx(0.01 * DEGREE_M, abs=0.01)


def test_a_diagonal_of_six_and_eight_thousandths_is_the_hypotenuse_1112_metres():
    """Δφ = 0.006°, Δλ = 0.008° at the equator: √(0.006² + 0.008²) = 0.010°, i.e. 1,111.95 m (the sphere's
    curvature changes it by well under a centimetre at this size)."""
    assert rules.distance_m((0.0, 0.0), (0.006, 0.008)) == pytest.approx(1111.95, abs=0.05)


def test_haversine_matches_a_known_long_distance():
    """Beijing (39.9042, 116.4074) to Shanghai (31.2304, 121.4737): 1,067 km along the great circle."""
    assert rules.distance_m((39.9042, 116.4074), (31.2304, 121.4737)) == pytest.approx(1_067_000, rel=0.002)


def test_a_child_is_an_infant_until_the_day_before_the_third_birthday():
    on = dt.date(2027, 3, 1)
    assert rules.is_infant(dt.date(2024, 3, 2), on)
    assert not rules.is_infant(dt.date(2024, 3, 1), on)


def test_an_unborn_child_is_no_infant():
    assert not rules.is_infant(dt.date(2027, 3, 2), dt.date(2027, 3, 1))


def test_a_child_born_on_29_february_turns_three_on_1_march():
    birth = dt.date(2024, 2, 29)
    assert rules.is_infant(birth, dt.date(2027, 2, 28))
    assert not rules.is_infant(birth, dt.date(2027, 3, 1))


def test_places_per_100_are_rounded_half_up_to_one_decimal():
    assert rules.places_per_100(12, 28) == Decimal("42.9")  # 1200 / 28 = 42.857…


def test_no_infant_gives_no_places_per_100():
    assert rules.places_per_100(12, 0) is None


def test_no_placed_household_gives_no_share():
    assert rules.coverage_share(0, 0) is None


# The hand-computed case. Two points on the equator: P1 at longitude 0, P2 at 0.05° (5,559.75 m east). Six
# households with an infant, all on the equator except H2 (0.01° north of P1), radius 1,250 m (= 0.011241°):
#   H1 0.005°E   556.0 m from P1                 -> covered
#   H2 0.01°N    1,112.0 m from P1               -> covered
#   H3 0.012°E   1,334.3 m from P1, 4,225.4 from P2 -> not
#   H4 0.02°E    2,223.9 m from P1, 3,335.9 from P2 -> not
#   H5 0.03°E    3,335.9 m from P1, 2,223.9 from P2 -> not
#   H6 0.045°E   556.0 m from P2                 -> covered
# Coverage 3 of 6 = 50.0 %. New point candidates (the uncovered homes): at H3 it reaches H4 (889.6 m): 2; at H4 it
# reaches H3 (889.6 m) and H5 (1,112.0 m): 3; at H5 it reaches H4: 2. Best: H4's position, covering 3; greedy asks
# for no second point (nobody is left uncovered).
POINTS = [(0.0, 0.0), (0.0, 0.05)]
HOUSEHOLDS = [(1, (0.0, 0.005)), (2, (0.01, 0.0)), (3, (0.0, 0.012)), (4, (0.0, 0.02)), (5, (0.0, 0.03)),
              (6, (0.0, 0.045))]
RADIUS = rules.Walk().radius_m


def test_the_hand_computed_case_covers_households_1_2_and_6():
    assert rules.covered_keys(HOUSEHOLDS, POINTS, RADIUS) == {1, 2, 6}


def test_the_hand_computed_case_has_a_coverage_of_50_percent():
    covered = rules.covered_keys(HOUSEHOLDS, POINTS, RADIUS)
    assert rules.coverage_share(len(covered), len(HOUSEHOLDS)) == Decimal("50.0")


def test_the_hand_computed_case_puts_the_new_point_at_household_4_covering_3_4_and_5():
    uncovered = [(k, at) for k, at in HOUSEHOLDS if k in (3, 4, 5)]
    picks = rules.best_points(uncovered, RADIUS, count=2)
    assert [(p.key, p.at, p.covers) for p in picks] == [(4, (0.0, 0.02), (3, 4, 5))]


def test_the_household_just_outside_the_radius_is_not_covered():
    assert not rules.reaches((0.0, 0.012), POINTS, RADIUS)


def test_a_tie_goes_to_the_candidate_listed_first():
    """Two homes 2.2 km apart: each point would cover one; the first listed wins, then the other."""
    picks = rules.best_points([(7, (0.0, 0.02)), (5, (0.0, 0.0))], RADIUS, count=2)
    assert [p.key for p in picks] == [7, 5]


def test_greedy_picks_remove_the_households_already_covered():
    """Three homes in a row 1.1 km apart and one far away: the middle covers three, the far one is second."""
    row = [(1, (0.0, 0.0)), (2, (0.0, 0.01)), (3, (0.0, 0.02)), (4, (0.0, 0.2))]
    picks = rules.best_points(row, RADIUS, count=3)
    assert [(p.key, p.count) for p in picks] == [(2, 3), (4, 1)]


def test_the_grid_finds_neighbours_across_cells_at_high_latitude():
    """At 60°N a degree of longitude is half as long: 0.02° east is 1,111.9 m, within the radius."""
    homes = [(1, (60.0, 10.0)), (2, (60.0, 10.02))]
    assert rules.covered_keys(homes, [(60.0, 10.0)], RADIUS) == {1, 2}


def _naive_greedy(homes, radius, count):
    """The definition, step by step: every uncovered home measured against every other by haversine."""
    left, picks = [k for k, _ in homes], []
    at = dict(homes)
    while left and len(picks) < count:
        reach = {k: [j for j in left if rules.distance_m(at[k], at[j]) <= radius] for k in left}
        best = max(left, key=lambda k: (len(reach[k]), -left.index(k)))
        picks.append((best, tuple(reach[best])))
        left = [k for k in left if k not in reach[best]]
    return picks


@pytest.mark.parametrize("seed", range(5))
def test_the_greedy_search_matches_the_definition_on_random_towns(seed):
    import random

    rng = random.Random(seed)
    homes = [(k, (28.7 + rng.uniform(-0.03, 0.03), 116.0 + rng.uniform(-0.03, 0.03))) for k in range(120)]
    picks = rules.best_points(homes, RADIUS, count=4)
    assert [(p.key, p.covers) for p in picks] == _naive_greedy(homes, RADIUS, 4)


# ---------------------------------------------------------------- what a page may draw: 100 m grid cells
# A cell row is 100 m of latitude: 100 / 6,371,008.8 rad = 0.000899322°. On the equator a column is as wide.
CELL_DEG = 0.000899322


def test_the_first_cell_north_east_of_0_0_has_its_middle_50_metres_each_way():
    assert rules.cell_centre(rules.cell_of((0.0001, 0.0001))) == pytest.approx((CELL_DEG / 2, CELL_DEG / 2),
                                                                                abs=1e-6)


def test_two_homes_40_metres_apart_in_one_cell_are_drawn_at_the_same_place():
    a, b = (28.70030, 116.01010), (28.70030 + 40 / DEGREE_M, 116.01010)
    assert rules.cell_of(a) == rules.cell_of(b) and rules.coarsen(a) == rules.coarsen(b)


def test_a_coarsened_home_lies_within_half_a_cells_diagonal_of_the_home():
    home = (28.712345, 116.034567)
    assert 0 < rules.distance_m(home, rules.coarsen(home)) <= 50 * 2 ** 0.5 + 0.5


def test_a_column_at_60_degrees_north_is_twice_as_many_degrees_wide():
    """100 m of longitude at 60°N are 0.0018° (cos 60° = ½): homes 0.0015° apart share a column, 0.0019° do not."""
    row_middle = rules.cell_centre(rules.cell_of((60.0, 10.0)))[0]
    start = rules.cell_centre(rules.cell_of((row_middle, 10.0)))[1] - CELL_DEG / math.cos(math.radians(row_middle)) / 2
    assert rules.cell_of((row_middle, start + 0.00001)) == rules.cell_of((row_middle, start + 0.0015))
    assert rules.cell_of((row_middle, start + 0.00001)) != rules.cell_of((row_middle, start + 0.0019))


def test_cells_count_covered_and_uncovered_households_apart():
    a = (0.0001, 0.0001)
    found = rules.cells([(a, True), ((0.0002, 0.0002), False), ((0.0003, 0.0001), True), ((0.01, 0.01), False)])
    assert [(c.covered, c.uncovered) for c in found] == [(2, 1), (0, 1)]


def test_a_county_box_holds_its_corners_and_refuses_a_swapped_pair():
    box = rules.Bounds(south=Decimal("28.35"), west=Decimal("115.6"), north=Decimal("29.05"), east=Decimal("116.42"))
    assert box.contains(Decimal("28.35"), Decimal("116.42")) and not box.contains(Decimal("116.0"), Decimal("28.7"))


@pytest.mark.parametrize(("target", "label"), [
    ((28.718, 116.0), "北约 2.0 公里"),           # 0.018° of latitude ≈ 2,002 m
    ((28.7, 116.0205), "东约 2.0 公里"),          # 0.0205° of longitude at 28.7° ≈ 2,001 m
    ((28.6955, 115.9949), "西南约 700 米"),        # ≈ 500 m south, 497 m west: 705 m
    ((28.7, 116.0), "北约 50 米"),                # the same place: never "0 米"
    ((28.7036, 116.0041), "东北约 550 米"),       # 400 m north, 400 m east: 566 m → 550
])
def test_a_new_point_is_told_by_direction_and_distance_from_a_known_place(target, label):
    assert rules.direction_label((28.7, 116.0), target) == label
