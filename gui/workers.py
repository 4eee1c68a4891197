"""One base for every background job of the window: a ``QRunnable`` on the global pool.

A :class:`Job` runs :meth:`Job.execute` in a thread of ``QThreadPool.globalInstance()``
and reports through a separate :class:`JobSignals` object (a ``QRunnable`` is not a
``QObject``, so it cannot carry signals itself; superqt's ``WorkerBase`` and
``WorkerBaseSignals`` are the same design). A job never touches a widget: everything it
needs is handed to it when it is made, and it only emits signals, which Qt queues to the
GUI thread. Exactly one of ``result``, ``failed`` or ``cancelled`` ends a run, then
``finished``. Every exception is caught and becomes a readable ``failed`` message.

:meth:`Job.start` keeps the job referenced until its ``finished`` signal has been
delivered; :meth:`Job.cancel` sets its cancel event, which :meth:`Job.execute` checks
between steps. Progress goes through a :class:`Throttle`, so a 100,000-task run does not
flood the event loop.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, ClassVar

from PySide6 import QtCore

from model.graph import GraphError
from model.schedule import ScheduleError

__all__ = ["THROTTLE_S", "Job", "JobSignals", "Throttle", "error_message"]

log = logging.getLogger(__name__)

#: Default minimum interval between two throttled emissions, in seconds.
THROTTLE_S = 0.030


def error_message(exc: BaseException) -> str:
    """A one-line message for an exception raised by a background job.

    Input problems (:class:`GraphError`, :class:`ScheduleError`) already name the
    offending item, so their text is shown as is; anything else is prefixed by the
    exception type so the user can report it.
    """
    if isinstance(exc, (GraphError, ScheduleError)):
        return str(exc)
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Throttle:
    """True at most once per ``interval`` seconds (and always when forced)."""

    def __init__(self, interval: float = THROTTLE_S) -> None:
        self.interval = interval
        self.last = -float("inf")

    def __call__(self, force: bool = False) -> bool:
        now = time.perf_counter()
        if force or now - self.last >= self.interval:
            self.last = now
            return True
        return False


class JobSignals(QtCore.QObject):
    """Signals of one :class:`Job` (subclasses add their own)."""

    #: (steps done, total steps); throttled
    progress = QtCore.Signal(int, int)
    #: what the job produced
    result = QtCore.Signal(object)
    #: a readable one-line message
    failed = QtCore.Signal(str)
    #: what was produced before the cancel (or ``None``)
    cancelled = QtCore.Signal(object)
    #: always last, whatever the outcome
    finished = QtCore.Signal()


class Job(QtCore.QRunnable):
    """A background job: subclass it and implement :meth:`execute`.

    Parameters
    ----------
    throttle : float
        Minimum seconds between two throttled emissions (see :attr:`gate`).

    Attributes
    ----------
    state : str
        ``"pending"``, ``"running"``, ``"done"``, ``"failed"`` or ``"cancelled"``.
    started_at : float or None
        ``time.perf_counter()`` when a pool thread started the job.
    """

    #: the signals class of this kind of job
    signals_class: ClassVar[type[JobSignals]] = JobSignals
    #: what the log calls this kind of job when it fails unexpectedly
    what: ClassVar[str] = "background job"
    #: started jobs, kept referenced until their ``finished`` signal was delivered
    _alive: ClassVar[dict[int, Job]] = {}

    def __init__(self, *, throttle: float = THROTTLE_S) -> None:
        super().__init__()
        # the job is kept alive from Python (see start): the pool must not delete it
        self.setAutoDelete(False)
        self.signals = self.signals_class()
        self.cancel_event = threading.Event()
        self.done_event = threading.Event()
        self.throttle = throttle
        self.gate = Throttle(throttle)
        self.state = "pending"
        self.started_at: float | None = None

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        """Run on ``QThreadPool.globalInstance()``; the job stays referenced until it has finished."""
        Job._alive[id(self)] = self
        self.signals.finished.connect(self._on_finished)
        QtCore.QThreadPool.globalInstance().start(self)

    @staticmethod
    def alive() -> int:
        """How many started jobs are still referenced (not finished, or their last signal pending)."""
        return len(Job._alive)

    def cancel(self) -> None:
        """Ask the job to stop at its next step (thread-safe)."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        """Whether a cancel was asked for."""
        return self.cancel_event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until :meth:`run` has returned; ``True`` if it has (a job never started never returns)."""
        return self.done_event.wait(timeout)

    # ------------------------------------------------------------------ the work
    def execute(self) -> tuple[str, Any]:
        """Do the work in the pool thread; return ``("done", result)`` or ``("cancelled", partial)``.

        Check :attr:`cancelled` between steps; raise for a failure.
        """
        raise NotImplementedError

    def failure(self, exc: BaseException) -> str:
        """The ``failed`` message of ``exc``; an unexpected one is logged with its traceback."""
        if not isinstance(exc, (GraphError, ScheduleError)):
            log.warning("%s failed", self.what, exc_info=True)
        return error_message(exc)

    def emit(self, signal: Any, *args: Any) -> None:
        """Emit ``signal`` unless the signals object is gone (the application shutting down)."""
        try:
            signal.emit(*args)
        except RuntimeError:
            pass

    def run(self) -> None:  # called in a pool thread
        self.started_at = time.perf_counter()
        self.state = "running"
        try:
            outcome, payload = self.execute()
        except BaseException as exc:  # a job must never die silently in a pool thread
            outcome, payload = "failed", self.failure(exc)
        self.state = outcome
        sig = self.signals
        try:
            if outcome == "done":
                self.emit(sig.result, payload)
            elif outcome == "cancelled":
                self.emit(sig.cancelled, payload)
            else:
                self.emit(sig.failed, payload)
            self.emit(sig.finished)
        finally:
            self.done_event.set()

    def _on_finished(self) -> None:
        # inside a queued call delivered to self.signals: let go once that call returned
        key = id(self)
        QtCore.QTimer.singleShot(0, lambda: Job._alive.pop(key, None))
