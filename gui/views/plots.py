"""The look the charts of the views share: a white plot, no menu or buttons, plain grey axes."""

from __future__ import annotations

import pyqtgraph as pg

__all__ = ["chart_widget"]


def chart_widget(x_label: str, y_label: str, *, x_grid: bool = True) -> pg.PlotWidget:
    """A white ``PlotWidget`` with axes ``x_label`` and ``y_label``, a faint horizontal grid (and a vertical one
    with ``x_grid``), without pyqtgraph's context menu, auto-range button or SI prefixes on the axes."""
    w = pg.PlotWidget(background="w")
    pi = w.getPlotItem()
    pi.hideButtons()
    pi.setMenuEnabled(False)
    pi.showGrid(x=x_grid, y=True, alpha=0.15)
    for name in ("left", "bottom"):
        ax = pi.getAxis(name)
        ax.enableAutoSIPrefix(False)
        ax.setPen(pg.mkPen("#444444"))
        ax.setTextPen(pg.mkPen("#222222"))
    pi.setLabel("bottom", x_label)
    pi.setLabel("left", y_label)
    return w
