"""The circle plot's labels: placed so that no two write over each other, nor over a mark, nor off the plot."""

from tongxin.nursery import circle_plot as cp


def overlaps(a: cp.Box, b: cp.Box) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_two_points_side_by_side_get_labels_that_do_not_overlap():
    marks = [(300.0, 300.0, "城关镇社区托育服务中心", 12, cp.POINT_SPOTS),
             (310.0, 305.0, "西街社区托育服务点", 12, cp.POINT_SPOTS)]
    spots = cp.place_labels(marks, 640, 640)
    boxes = [cp.label_box(x, y, m[2], 12, a) for (x, y, a), m in zip(spots, marks, strict=True)]
    assert (spots[0], overlaps(*boxes)) == ((300.0, 320.0, "middle"), False)


def test_a_label_keeps_clear_of_a_mark_it_is_told_of():
    mark = (300.0, 300.0, "东门社区", 13, cp.NAME_SPOTS)
    square = (290.0, 280.0, 310.0, 300.0)  # a centre drawn just above the community's middle
    (x, y, anchor), = cp.place_labels([mark], 640, 640, keep_clear=[square])
    assert not overlaps(cp.label_box(x, y, "东门社区", 13, anchor), square)


def test_a_point_at_the_right_edge_writes_its_label_to_its_left():
    (x, y, anchor), = cp.place_labels([(630.0, 8.0, "滨江社区托育服务点", 12, cp.POINT_SPOTS[2:])], 640, 640)
    assert anchor == "end"


def test_a_chinese_character_is_counted_about_twice_as_wide_as_a_digit():
    assert cp.label_box(0, 0, "东门", 12, "start")[2] > cp.label_box(0, 0, "12", 12, "start")[2] * 1.5
