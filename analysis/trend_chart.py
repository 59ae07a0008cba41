"""The briefing chart of the incident trend: monthly incidents in and outside the gaps, their rates
per 100 km² and the fitted Poisson trends, as a PNG. matplotlib ships with QGIS on Windows, macOS
and most Linux packages, but is optional: ``available()`` says whether it can be drawn."""

import threading
from typing import Optional, Sequence

_LOCK = threading.Lock()  # matplotlib is not thread-safe: two runs in tasks draw one after the other


def available() -> Optional[str]:
    """None when matplotlib can be imported, else a sentence saying what to install."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
    except ImportError:
        return (
            "The trend chart needs the Python package matplotlib, which this QGIS lacks: install it (Windows: "
            "'python -m pip install matplotlib' in the OSGeo4W Shell; Debian/Ubuntu: 'apt install "
            "python3-matplotlib'). The TREND table is written all the same."
        )
    return None


def write_chart(
    path: str,
    months: Sequence,
    gap_area_km2: float,
    outside_area_km2: float,
    title: str,
    caption: str,
    dpi: int = 150,
) -> None:
    """Two panels: monthly counts (bars) in and outside the gaps, and monthly rates per 100 km² per
    year with the fitted trend of each. ``months`` are analysis.incidents.MonthRow."""
    import datetime

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    starts = [m.start + datetime.timedelta(days=14) for m in months]
    gap = [m.in_gaps for m in months]
    out = [m.outside for m in months]

    def rate(count, days, area):
        return count / (area / 100.0) / (days / 365.25) if area > 0 and days > 0 else float("nan")

    with _LOCK:
        figure = Figure(figsize=(9.0, 6.0), dpi=dpi)
        FigureCanvasAgg(figure)
        top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1.2]})
        width = 20
        top.bar(starts, out, width=width, color="#9e9e9e", label="outside the gaps")
        top.bar(starts, gap, width=width, bottom=out, color="#cb181d", label="in the gaps")
        top.set_ylabel("incidents per month")
        top.legend(loc="upper left", frameon=False, fontsize=8)
        top.set_title(title, fontsize=11, loc="left")
        bottom.plot(
            starts,
            [rate(m.in_gaps, m.days, gap_area_km2) for m in months],
            "o",
            color="#cb181d",
            markersize=3,
            label="in the gaps",
        )
        bottom.plot(
            starts,
            [rate(m.outside, m.days, outside_area_km2) for m in months],
            "o",
            color="#616161",
            markersize=3,
            label="outside the gaps",
        )
        if all(m.fitted_in_gaps is not None for m in months):
            bottom.plot(
                starts,
                [rate(m.fitted_in_gaps, m.days, gap_area_km2) for m in months],
                "-",
                color="#cb181d",
                label="Poisson trend, gaps",
            )
        if all(m.fitted_outside is not None for m in months):
            bottom.plot(
                starts,
                [rate(m.fitted_outside, m.days, outside_area_km2) for m in months],
                "-",
                color="#616161",
                label="Poisson trend, outside",
            )
        bottom.set_ylabel("incidents per 100 km² per year")
        bottom.legend(loc="upper left", frameon=False, fontsize=8)
        for axes in (top, bottom):
            axes.spines["top"].set_visible(False)
            axes.spines["right"].set_visible(False)
        figure.text(0.01, 0.01, caption, fontsize=7, wrap=True, va="bottom")
        figure.subplots_adjust(left=0.08, right=0.98, top=0.93, bottom=0.16, hspace=0.12)
        figure.autofmt_xdate()
        figure.savefig(path, dpi=dpi, format="png")
