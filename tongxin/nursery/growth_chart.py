"""The growth chart drawn on the server as SVG (no script, nothing fetched): the WHO's major centile lines for the
child's sex and the child's own points, sized by a viewBox so it fills a phone's width. Only numbers and fixed
labels go into the markup."""

import math

from . import rules_growth

W, H = 360, 260
LEFT, RIGHT, TOP, BOTTOM = 34, 30, 12, 30
LINE_COLOURS = {3: "#c0392b", 15: "#e67e22", 50: "#27ae60", 85: "#e67e22", 97: "#c0392b"}


def _ticks(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step) * step
    out = []
    v = first
    while v <= high + 1e-9:
        out.append(round(v, 2))
        v += step
    return out


def chart(measure: str, sex: str, points: list[tuple[float, float]], title: str) -> str:
    """The SVG of one measure: `points` are (age in months, value) of the child, 0–36 months."""
    lines = rules_growth.centile_lines(measure, sex)
    values = [v for line in lines.values() for _, v in line] + [v for _, v in points]
    low, high = min(values), max(values)
    step = 2.0 if measure == rules_growth.WEIGHT else 10.0
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    span_x, span_y = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(m: float) -> float:
        return round(LEFT + span_x * m / rules_growth.LAST_MONTH, 1)

    def y(v: float) -> float:
        return round(TOP + span_y * (high - v) / (high - low), 1)

    parts = [f'<svg class="growth-chart" viewBox="0 0 {W} {H}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>',
             f'<rect x="{LEFT}" y="{TOP}" width="{span_x}" height="{span_y}" fill="#fff" stroke="#999"/>']
    for m in range(0, rules_growth.LAST_MONTH + 1, 6):
        parts.append(f'<line x1="{x(m)}" y1="{TOP}" x2="{x(m)}" y2="{TOP + span_y}" stroke="#eee"/>'
                     f'<text x="{x(m)}" y="{H - BOTTOM + 14}" font-size="10" text-anchor="middle">{m}</text>')
    for v in _ticks(low, high, step):
        parts.append(f'<line x1="{LEFT}" y1="{y(v)}" x2="{LEFT + span_x}" y2="{y(v)}" stroke="#eee"/>'
                     f'<text x="{LEFT - 3}" y="{y(v) + 3}" font-size="10" text-anchor="end">{v:g}</text>')
    parts.append(f'<text x="{LEFT + span_x / 2}" y="{H - 3}" font-size="10" text-anchor="middle">月龄（月）</text>')
    for c, line in lines.items():
        path = " ".join(f"{x(m)},{y(v)}" for m, v in line)
        width = 2 if c == 50 else 1
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE_COLOURS[c]}" stroke-width="{width}"/>')
        if line:
            parts.append(f'<text x="{x(line[-1][0]) + 3}" y="{y(line[-1][1]) + 3}" font-size="9" '
                         f'fill="{LINE_COLOURS[c]}">P{c}</text>')
    inside = sorted((m, v) for m, v in points if 0 <= m <= rules_growth.LAST_MONTH)
    if len(inside) > 1:
        parts.append('<polyline points="' + " ".join(f"{x(m)},{y(v)}" for m, v in inside)
                     + '" fill="none" stroke="#2c3e90" stroke-width="1.5"/>')
    for age, value in inside:
        parts.append(f'<circle cx="{x(age)}" cy="{y(value)}" r="3.5" fill="#2c3e90"/>')
    parts.append("</svg>")
    return "".join(parts)
