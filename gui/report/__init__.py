"""Reports on the mapping of a task graph: pictures, speed-up charts, HTML and PDF documents.

Qt is used offscreen and only inside the functions, so ``taskmapper scale`` and
``taskmapper report`` import this package lazily, as ``taskmapper export`` does
:mod:`gui.export`.
"""

from .content import DEFAULT_ALGORITHMS, ReportContent, build_content

__all__ = ["DEFAULT_ALGORITHMS", "ReportContent", "build_content", "write_content", "write_report",
           "write_scaling_picture"]


def write_report(*args, **kwargs):
    """See :func:`gui.report.document.write_report`."""
    from .document import write_report as _write

    return _write(*args, **kwargs)


def write_content(*args, **kwargs):
    """See :func:`gui.report.document.write_content`."""
    from .document import write_content as _write

    return _write(*args, **kwargs)


def write_scaling_picture(result, path, *, scale: float = 2.0) -> None:
    """Write the makespan and speed-up charts of a :func:`model.scaling.scale` result (PNG, SVG or PDF)."""
    from .canvas import write_picture
    from .charts import scaling_picture

    paint, w, h = scaling_picture(result)
    write_picture(paint, w, h, path, scale=scale, title=f"{result.get('graph', '')} — speed-up")
