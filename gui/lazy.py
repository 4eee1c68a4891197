"""Widgets made on first use, so that the window does not pay for pages it does not show at start."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtGui, QtWidgets

__all__ = ["LazyPage"]


class LazyPage(QtWidgets.QWidget):
    """A page (of a tab widget, a dock…) whose content ``make()`` builds the first time the
    page is shown or :meth:`content` is asked for; until then the page is empty.

    ``on_show=False``: not when the page is shown, only when asked for (a dock's tab behind
    another one is shown too, out of sight: :meth:`make_when_in_front` follows the dock)."""

    def __init__(self, make: Callable[[], QtWidgets.QWidget], parent: QtWidgets.QWidget | None = None, *,
                 on_show: bool = True) -> None:
        super().__init__(parent)
        self._make: Callable[[], QtWidgets.QWidget] | None = make
        self._on_show = on_show
        self._content: QtWidgets.QWidget | None = None
        self._layout = QtWidgets.QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def made(self) -> bool:
        """Whether the content exists yet."""
        return self._content is not None

    def content(self) -> QtWidgets.QWidget:
        """The content, made now if it was not yet."""
        if self._content is None:
            assert self._make is not None
            make, self._make = self._make, None
            self._content = make()
            self._layout.addWidget(self._content)
            if self.isVisible():  # made while shown: a new child is not shown by itself
                self._content.show()
        return self._content

    def make_when_in_front(self, dock: QtWidgets.QDockWidget) -> None:
        """Make the content when ``dock`` (holding this page) comes into view: shown, or its tab
        chosen among docks tabbed together."""
        dock.visibilityChanged.connect(self._on_dock_visibility_changed)

    def _on_dock_visibility_changed(self, visible: bool) -> None:
        if visible:
            self.content()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        if self._on_show:
            self.content()
        super().showEvent(event)
