"""Widgets made on first use, so that the window does not pay for pages it does not show at start."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtGui, QtWidgets

__all__ = ["LazyPage"]


class LazyPage(QtWidgets.QWidget):
    """A page (of a tab widget, a dock…) whose content ``make()`` builds the first time the
    page is shown or :meth:`content` is asked for; until then the page is empty."""

    def __init__(self, make: Callable[[], QtWidgets.QWidget], parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._make: Callable[[], QtWidgets.QWidget] | None = make
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

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        self.content()
        super().showEvent(event)
