"""Server-rendered SVG charts: geometry computed here, drawn by the template, with a text table
beside every chart for screen readers and print."""

from journal.models import Category

# Eight distinguishable colours (Okabe–Ito based), one per category, in the categories' order.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#6B5B2B", "#555555"]

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 12, 28


def tick_step(peak: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that marks ``peak`` in at most five steps."""
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if -(-peak // step) <= 5:
                return step
        scale *= 10


def trend_chart(data: dict) -> dict:
    """Stacked monthly bars of confirmed flags per category."""
    months = data["months"]
    series = data["series"]
    totals_per_month = [sum(series[c][i] for c in series) for i in range(len(months))]
    highest = max(totals_per_month + [1])
    step = tick_step(highest)
    ticks = list(range(0, highest + step, step))
    # The axis ends at its top tick, so the ticks are evenly spaced whole numbers.
    peak = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(months), 1)
    bar_w = slot * 0.6
    categories = list(Category.choices)
    bars = []
    for i, month in enumerate(months):
        x = LEFT + i * slot + (slot - bar_w) / 2
        y = TOP + plot_h
        segments = []
        for index, (code, label) in enumerate(categories):
            count = series[code][i]
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            segments.append(
                {
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "w": round(bar_w, 1),
                    "h": round(h, 1),
                    "colour": COLOURS[index],
                    "label": label,
                    "count": count,
                }
            )
        bars.append(
            {
                "month": month,
                "x_label": round(LEFT + i * slot + slot / 2, 1),
                "segments": segments,
                "total": totals_per_month[i],
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "plot_bottom": TOP + plot_h,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "label_y": HEIGHT - 8,
        "ticks": [{"value": t, "y": round(TOP + plot_h - plot_h * t / peak, 1)} for t in ticks],
        "bars": bars,
        "legend": [
            {"code": code, "label": label, "colour": COLOURS[i], "total": data["totals"][code]}
            for i, (code, label) in enumerate(categories)
        ],
        "table": [
            {
                "month": month,
                "counts": [series[code][i] for code, _ in categories],
                "total": totals_per_month[i],
            }
            for i, month in enumerate(months)
        ],
        "empty": sum(totals_per_month) == 0,
    }
