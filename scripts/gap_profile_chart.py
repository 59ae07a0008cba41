"""Draws the day's gap profile (gap km² per time slice, from gaptimeline's SLICE_TABLE CSV) as a PNG
bar chart with Qt, so `make demo` needs nothing beyond QGIS. Usage: gap_profile_chart.py CSV PNG [TITLE]."""

import csv
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.PyQt.QtCore import QRectF, Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter, QPen  # noqa: E402
from qgis.PyQt.QtWidgets import QApplication  # noqa: E402


def main(argv):
    source, target = argv[1], argv[2]
    title = argv[3] if len(argv) > 3 else "Gap area through the day"
    with open(source, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    app = QApplication.instance() or QApplication([])  # noqa: F841 (fonts need an application)
    width, height, left, right, top, bottom = 1200, 500, 80, 30, 60, 70
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    values = [float(r["gap_km2"]) for r in rows]
    top_value = max(values + [1e-9]) * 1.1
    plot_w, plot_h = width - left - right, height - top - bottom
    painter.setFont(QFont("DejaVu Sans", 14, QFont.Weight.Bold))
    painter.drawText(QRectF(0, 10, width, 40), Qt.AlignmentFlag.AlignCenter, title)
    painter.setFont(QFont("DejaVu Sans", 9))
    painter.setPen(QPen(QColor("#999999"), 1))
    for k in range(6):
        y = top + plot_h - plot_h * k / 5
        painter.drawLine(left, int(y), width - right, int(y))
        painter.drawText(QRectF(0, y - 8, left - 8, 16), Qt.AlignmentFlag.AlignRight, f"{top_value * k / 5:.1f}")
    painter.save()
    painter.translate(18, top + plot_h / 2)
    painter.rotate(-90)
    painter.drawText(QRectF(-100, -10, 200, 20), Qt.AlignmentFlag.AlignCenter, "gap area (km²)")
    painter.restore()
    bar = plot_w / max(1, len(rows))
    label_every = max(1, len(rows) // 12)
    for k, (row, value) in enumerate(zip(rows, values)):
        x = left + k * bar
        h = plot_h * value / top_value
        painter.fillRect(QRectF(x + 1, top + plot_h - h, bar - 2, h), QColor("#d7301f"))
        if k % label_every == 0:
            painter.setPen(QPen(QColor("#333333"), 1))
            painter.drawText(
                QRectF(x - 20, top + plot_h + 6, 60, 16), Qt.AlignmentFlag.AlignLeft, row["slice_start"][11:16]
            )
    painter.drawText(
        QRectF(0, height - 28, width, 20),
        Qt.AlignmentFlag.AlignCenter,
        "slice start (local time). DEMO: synthetic posts, coverage and shift windows.",
    )
    painter.end()
    if not image.save(target):
        sys.exit(f"gap_profile_chart: could not write {target}")


if __name__ == "__main__":
    main(sys.argv)
