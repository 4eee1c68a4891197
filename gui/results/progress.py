"""The progress line of a running algorithm: name, progress bar, search figures, cancel button."""

from __future__ import annotations

from PySide6 import QtWidgets

from gui.numbers import human

__all__ = ["RunProgress"]


class RunProgress(QtWidgets.QWidget):
    """One line per running algorithm: name, progress bar, cancel button.

    The line has a fixed height (that of its tallest part), so many of them scroll in
    the panel instead of being squeezed, and the cancel button keeps its full size.
    """

    def __init__(self, key: str, algorithm: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QtWidgets.QLabel(algorithm)
        self.label.setMinimumWidth(90)
        self.label.setToolTip(algorithm)
        self.bar = QtWidgets.QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.bar.setFormat("%v / %m tasks")
        self.cancel_button = QtWidgets.QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip(f"Stop the {algorithm} run")
        #: best makespan and bound of an anytime search
        self.search_label = QtWidgets.QLabel()
        self.search_label.hide()
        lay.addWidget(self.label)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.search_label)
        lay.addWidget(self.cancel_button)
        self.cancel_button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed, QtWidgets.QSizePolicy.Policy.Fixed)
        self.key = key
        parts = (self.label, self.bar, self.cancel_button, self.search_label)
        self.setFixedHeight(max(max(w.sizeHint().height() for w in parts), self.fontMetrics().height() + 8))

    def show_search(self, elapsed: float | None, limit: float | None, best: float | None, bound: float | None) -> None:
        """Show an anytime search: time spent against its limit (``None``: still queued), best and bound."""
        if elapsed is None:
            self.bar.setRange(0, 0)
            self.bar.setFormat("waiting for a free thread")
        elif limit and limit > 0:
            self.bar.setRange(0, 1000)
            # the search may overrun its limit a little (it finishes its current step)
            self.bar.setValue(int(1000 * min(elapsed / limit, 0.99)))
            self.bar.setFormat(f"{elapsed:.1f} / {human(limit)} s")
        else:
            self.bar.setRange(0, 0)
            self.bar.setFormat(f"{elapsed:.1f} s")
        parts = [] if elapsed is not None else ["waiting for a free thread"]
        if best is not None:
            parts.append(f"best {human(best, 6)}")
        if bound is not None:
            parts.append(f"bound {human(bound, 6)}")
        self.search_label.setText(" · ".join(parts))
        self.search_label.setVisible(bool(parts))
