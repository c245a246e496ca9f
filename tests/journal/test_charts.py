from datetime import date

from journal.charts import trend_chart
from journal.models import Category


def _data(counts):
    months = [date(2026, m, 1) for m in range(1, 13)]
    series = {code: [0] * 12 for code in Category.values}
    for code, month_index, n in counts:
        series[code][month_index] = n
    return {"months": months, "series": series, "totals": {c: sum(v) for c, v in series.items()}}


def test_bars_stack_per_month_and_scale_to_the_peak():
    chart = trend_chart(_data([("giving_money", 3, 2), ("rescuing", 3, 2), ("rescuing", 5, 1)]))
    april = chart["bars"][3]
    assert april["total"] == 4
    assert len(april["segments"]) == 2
    heights = sum(s["h"] for s in april["segments"])
    assert round(heights, 1) == round(chart["plot_bottom"] - 12, 1)  # the peak fills the plot
    assert chart["bars"][5]["segments"][0]["h"] == round(heights / 4, 1)
    assert not chart["empty"]


def test_text_equivalent_holds_every_number():
    chart = trend_chart(_data([("out_of_hours", 0, 3)]))
    assert chart["table"][0]["total"] == 3
    assert sum(row["total"] for row in chart["table"]) == 3
    legend = {item["code"]: item["total"] for item in chart["legend"]}
    assert legend["out_of_hours"] == 3


def test_empty_chart_is_marked_empty():
    assert trend_chart(_data([]))["empty"]


def test_the_axis_has_evenly_spaced_whole_number_ticks_up_to_the_peak():
    for peak, values in ((1, [0, 1]), (3, [0, 1, 2, 3]), (5, [0, 1, 2, 3, 4, 5])):
        chart = trend_chart(_data([("rescuing", 2, peak)]))
        assert [t["value"] for t in chart["ticks"]] == values
    chart = trend_chart(_data([("rescuing", 2, 7)]))
    assert [t["value"] for t in chart["ticks"]] == [0, 2, 4, 6, 8]
    ys = [t["y"] for t in chart["ticks"]]
    gaps = {round(a - b, 1) for a, b in zip(ys, ys[1:], strict=False)}
    assert len(gaps) == 1  # evenly spaced
    assert trend_chart(_data([("rescuing", 2, 230)]))["ticks"][-1]["value"] == 250
