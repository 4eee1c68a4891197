"""A few pictures compared with stored baselines, with a tolerance (anti-aliasing and font
hinting may move a few pixels). Set TASKMAPPER_UPDATE_BASELINES=1 to write new baselines
after an intended change, then look at them before committing."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtGui

BASELINES = Path(__file__).resolve().parents[1] / "data" / "baselines"
#: a pixel differs when a channel moves by more than this
CHANNEL_TOLERANCE = 48
#: at most this share of differing pixels
PIXEL_SHARE = 0.01


def pixels(path: Path) -> np.ndarray:
    img = QtGui.QImage(str(path)).convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    assert not img.isNull(), f"cannot read {path}"
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.sizeInBytes())
    rows = arr.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 4]
    # copy while the image is alive: the buffer is the image's own memory
    return rows.reshape(img.height(), img.width(), 4).copy()


def compare(name: str, produced: Path) -> None:
    base = BASELINES / name
    if os.environ.get("TASKMAPPER_UPDATE_BASELINES"):
        base.write_bytes(produced.read_bytes())
    a, b = pixels(produced), pixels(base)
    assert a.shape == b.shape, f"{name}: size {a.shape[1]}x{a.shape[0]} vs baseline {b.shape[1]}x{b.shape[0]}"
    diff = (np.abs(a.astype(np.int16) - b.astype(np.int16)) > CHANNEL_TOLERANCE).any(axis=2)
    share = float(diff.mean())
    assert share <= PIXEL_SHARE, f"{name}: {share:.2%} of pixels differ from the baseline"


@pytest.mark.parametrize("algorithm", ["heft", "cpop"])
def test_gantt_export_matches_baseline(tmp_path, heft_graph, algorithm):
    from gui.export import export_schedule_image
    from model.algorithms import get_algorithm

    s = get_algorithm(algorithm).schedule(heft_graph)
    out = tmp_path / f"{algorithm}.png"
    export_schedule_image(s, out, graph=heft_graph, scale=1.0, show_critical=True)
    compare(f"gantt-{algorithm}.png", out)


def test_baseline_comparison_notices_a_different_picture(tmp_path, heft_graph):
    """The comparison itself must fail on a different chart (HEFT's picture against CPOP's)."""
    from gui.export import export_schedule_image
    from model.algorithms import get_algorithm

    out = tmp_path / "heft.png"
    export_schedule_image(get_algorithm("heft").schedule(heft_graph), out, graph=heft_graph, scale=1.0,
                          show_critical=True)
    with pytest.raises(AssertionError, match=r"differ from the baseline|size"):
        pixels_ok = compare  # same function, other baseline
        if os.environ.get("TASKMAPPER_UPDATE_BASELINES"):
            raise AssertionError("differ from the baseline (not checked while updating)")
        pixels_ok("gantt-cpop.png", out)
