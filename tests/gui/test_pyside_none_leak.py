"""Guard against PySide6 builds that drop a reference to None on every void call.

PySide6 6.12 returns ``None`` from C++ ``void`` methods without taking a reference
(``none_dealloc`` then fires once the count reaches zero). On Python 3.12+ ``None`` is
immortal and its count never moves; on 3.11 a healthy binding keeps it stable.
"""

from __future__ import annotations

import sys

from PySide6 import QtCore

CALLS = 20_000


def test_none_refcount_survives_many_void_calls(qapp):
    obj = QtCore.QObject()
    timer = QtCore.QTimer()
    assert obj.setObjectName("warm-up") is None
    before = sys.getrefcount(None)
    for i in range(CALLS):
        obj.setObjectName("x")  # void -> None
        timer.setInterval(i % 100)  # another void method
    after = sys.getrefcount(None)
    # a few references may come and go (frames, caches); a leak of one per call would be 40,000
    assert after >= before - 200, f"None lost {before - after} references over {2 * CALLS} calls"
    assert after <= before + 200, f"None gained {after - before} references over {2 * CALLS} calls"
