"""The mapping analysis in plain words: a few sentences generated from its numbers.

Each sentence states one fact of :func:`model.analysis.analyze` in the terms of the
textbook account of the mapping step (I. Foster, *Designing and Building Parallel
Programs*, 1995, ch. 2): which tasks are independent and may run at the same time,
which tasks exchange the most data (free when they share a worker), how heavy
communication is against computation, the critical path that bounds every schedule,
how many workers the graph can keep busy on average, and how many are worth having.

Examples
--------
>>> from model.graph import TaskGraph, Platform
>>> g = TaskGraph("diamond")
>>> for t, c in [("a", 2), ("b", 3), ("c", 4), ("d", 1)]:
...     g.add_task(t, c)
>>> for u, v, d in [("a", "b", 1), ("a", "c", 5), ("b", "d", 1), ("c", "d", 1)]:
...     g.add_edge(u, v, data=d)
>>> for s in explain(g, Platform.homogeneous(2)):
...     print(s.topic, "|", s.text)
independent | b and c are independent: they can run on different workers at the same time. No larger set of tasks is (the width of the graph is 2).
levels | The tasks fall into 3 levels (a task's level is the number of edges on its longest chain of predecessors); the tasks of one level never depend on each other. The largest is level 1: b and c.
data | a → c carries the most data (5): on one worker it costs nothing, on two different workers it takes 5. 4 of the 4 edges carry data, 8 in all.
communication | Communication weighs 0.8 times the computation (CCR 0.8), so computation dominates, but keeping the heaviest edges on one worker still shortens the schedule.
critical_path | The critical path a → c → d takes 13 with mean times and transfers; even at the fastest times and with free communication it takes 7, so no schedule on 2 workers can finish before 7.
parallelism | The work is 10 and the longest chain of task times 7 (communication left out), so on average at most 1.4 tasks can run at once: with 2 workers the graph can keep at most 1.4 busy on average.
workers | The speed-up can never exceed 1.4 (work ÷ longest chain), however many workers: about 1–2 workers are worth it, and more than 2 (the width) can never all be busy at once.
slack | b has the most slack (5): it can start that much later without lengthening the critical path; the tasks on the critical path have none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .analysis import Analysis, analyze
from .graph import Platform, TaskGraph

__all__ = ["Sentence", "explain", "explain_text", "fmt", "join_names"]


@dataclass(frozen=True)
class Sentence:
    """One statement about the graph.

    Attributes
    ----------
    topic : str
        What it is about: ``independent``, ``levels``, ``data``, ``communication``,
        ``critical_path``, ``parallelism``, ``workers`` or ``slack`` (a view may
        group or pick by topic).
    text : str
        The sentence(s), ready to show.
    """

    topic: str
    text: str


def fmt(x: float) -> str:
    """A number for a sentence: whole numbers plain, others with 4 significant digits.

    Examples
    --------
    >>> fmt(27.0), fmt(133.33333), fmt(0.000012345), fmt(1e6)
    ('27', '133.3', '1.234e-05', '1000000')
    """
    if math.isfinite(x) and abs(x - round(x)) <= 1e-9 * max(1.0, abs(x)) and abs(x) < 1e15:
        return str(round(x))
    return f"{x:.4g}"


def join_names(names: list[str], limit: int = 8) -> str:
    """``a, b and c``; past ``limit`` names, ``a, b, … and 7 more``.

    Examples
    --------
    >>> join_names(["a"]), join_names(["a", "b", "c"]), join_names(list("abcdefghij"), 3)
    ('a', 'a, b and c', 'a, b, c and 7 more')
    """
    if not names:
        return ""
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _path(tasks: list[str], limit: int = 12) -> str:
    if len(tasks) > limit:
        return " → ".join(tasks[: limit - 2]) + f" → … ({len(tasks) - limit + 1} more) → " + tasks[-1]
    return " → ".join(tasks)


def _independent(a: Analysis) -> Sentence:
    if a.n_tasks == 1:
        return Sentence("independent", "The graph has a single task: there is nothing to run in parallel.")
    if a.width <= 1:
        return Sentence(
            "independent",
            "No two tasks are independent: each depends on another, so the tasks run one after "
            "another whatever the number of workers.",
        )
    how = (
        f"No larger set of tasks is (the width of the graph is {a.width})."
        if a.width_exact
        else f"This is the largest level; the graph is too large to compute its exact width ({a.width} or more)."
    )
    return Sentence(
        "independent",
        f"{join_names(a.max_antichain)} are independent: they can run on different workers at the same time. {how}",
    )


def _levels(a: Analysis) -> Sentence | None:
    if len(a.levels) < 2 or a.n_tasks < 3:
        return None
    k, big = max(enumerate(a.levels), key=lambda kv: len(kv[1]))
    if len(big) < 2:
        return None
    return Sentence(
        "levels",
        f"The tasks fall into {len(a.levels)} levels (a task's level is the number of edges on its longest "
        f"chain of predecessors); the tasks of one level never depend on each other. The largest is "
        f"level {k}: {join_names(big)}.",
    )


def _data(a: Analysis) -> Sentence:
    if not a.data_edges:
        return Sentence(
            "data",
            "No edge carries data: the tasks can be spread over the workers without any communication cost.",
        )
    e = a.data_edges[0]
    cost = (
        f", on two different workers it takes {fmt(e.mean_time)}"
        + (" on average" if a.n_workers > 2 and not _uniform(a) else "")
        if a.n_workers > 1
        else ""
    )
    return Sentence(
        "data",
        f"{e.source} → {e.target} carries the most data ({fmt(e.data)}): on one worker it costs nothing{cost}. "
        f"{len(a.data_edges)} of the {a.n_edges} edges carry data, {fmt(a.total_data)} in all.",
    )


def _uniform(a: Analysis) -> bool:
    """Whether every data edge takes the same time per unit of data (one network for all pairs)."""
    rates = {round(e.mean_time / e.data, 12) for e in a.data_edges if e.data > 0}
    return len(rates) <= 1


def _communication(a: Analysis) -> Sentence | None:
    if not a.data_edges or a.n_workers < 2 or a.total_work_mean <= 0:
        return None
    c = a.ccr
    if c < 0.1:
        what = "so it hardly matters: the tasks can be spread freely to balance the load"
    elif 0.9 <= c < 1.1:
        what = (
            "so the two weigh about the same: keeping the heaviest edges on one worker matters as much as "
            "spreading the work"
        )
    elif c < 1:
        what = "so computation dominates, but keeping the heaviest edges on one worker still shortens the schedule"
    else:
        what = (
            "so communication dominates: keeping tasks that exchange much data on the same worker matters as "
            "much as balancing the load"
        )
    return Sentence(
        "communication", f"Communication weighs {c:.2g} times the computation (CCR {c:.2g}), {what}."
    )


def _critical_path(a: Analysis) -> Sentence:
    workers = f"{a.n_workers} worker" + ("s" if a.n_workers != 1 else "")
    text = (
        f"The critical path {_path(a.critical_path)} takes {fmt(a.critical_path_length)} with mean times and "
        f"transfers; even at the fastest times and with free communication it takes "
        f"{fmt(a.critical_path_min_length)}, so no schedule on {workers} can finish before "
        f"{fmt(a.lower_bound)}."
    )
    if a.lower_bound_work > a.critical_path_min_length * (1 + 1e-9):
        text = text[:-1] + (
            f": the work at the fastest times, {fmt(a.total_work_min)}, needs {fmt(a.lower_bound_work)} "
            f"per worker"
        )
        if a.lower_bound > a.lower_bound_work * (1 + 1e-9):
            text += ", rounded up as every time is a whole number"
        text += "."
    return Sentence("critical_path", text)


def _span(a: Analysis) -> float:
    return a.total_work_mean / a.average_parallelism if a.average_parallelism > 0 else 0.0


def _parallelism(a: Analysis) -> Sentence | None:
    if a.average_parallelism <= 0:
        return None
    par = a.average_parallelism
    p = a.n_workers
    if par < p:
        busy = f"with {p} workers the graph can keep at most {par:.1f} busy on average"
    else:
        busy = f"with {p} worker{'s' if p != 1 else ''} it can keep all of them busy at best"
    return Sentence(
        "parallelism",
        f"The work is {fmt(a.total_work_mean)} and the longest chain of task times {fmt(_span(a))} "
        f"(communication left out), so on average at most {par:.1f} tasks can run at once: {busy}.",
    )


def _workers(a: Analysis) -> Sentence | None:
    par = a.average_parallelism
    if par <= 0 or a.n_tasks < 2:
        return None
    lo, hi = max(1, math.floor(par + 1e-9)), max(1, math.ceil(par - 1e-9))
    worth = f"about {lo}" if lo == hi else f"about {lo}–{hi}"
    width = f", and more than {a.width} (the width) can never all be busy at once" if a.width_exact else ""
    return Sentence(
        "workers",
        f"The speed-up can never exceed {par:.1f} (work ÷ longest chain), however many workers: "
        f"{worth} workers are worth it{width}.",
    )


def _slack(a: Analysis) -> Sentence | None:
    if not a.tasks:
        return None
    task, times = max(a.tasks.items(), key=lambda kv: kv[1].slack)
    if times.slack <= 0:
        return None
    return Sentence(
        "slack",
        f"{task} has the most slack ({fmt(times.slack)}): it can start that much later without lengthening "
        f"the critical path; the tasks on the critical path have none.",
    )


def explain(graph: TaskGraph, platform: Platform | None = None, *, analysis: Analysis | None = None) -> list[Sentence]:
    """Plain-language sentences about mapping ``graph`` onto ``platform``.

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).
    platform : Platform, optional
        The workers (default: the graph's own).
    analysis : Analysis, optional
        An :func:`~model.analysis.analyze` result of this graph and platform, when the
        caller has one already (it is not recomputed).

    Returns
    -------
    list of Sentence
        In reading order: independence, levels, data, communication, critical path,
        average parallelism, workers worth having, slack. Sentences that say nothing
        for this graph (no data, no slack, ...) are left out or replaced by one that
        says so.

    Examples
    --------
    >>> g = TaskGraph("chain"); g.add_task("a", 1); g.add_task("b", 1); g.add_edge("a", "b")
    >>> print(explain(g)[0].text)
    No two tasks are independent: each depends on another, so the tasks run one after another whatever the number of workers.
    """
    a = analysis if analysis is not None else analyze(graph, platform)
    if a.n_tasks == 0:
        return [Sentence("independent", "The graph has no tasks.")]
    parts = [
        _independent(a),
        _levels(a),
        _data(a),
        _communication(a),
        _critical_path(a),
        _parallelism(a),
        _workers(a),
        _slack(a),
    ]
    return [s for s in parts if s is not None]


def explain_text(graph: TaskGraph, platform: Platform | None = None, *, analysis: Analysis | None = None) -> str:
    """:func:`explain` as one paragraph per sentence.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1)
    >>> print(explain_text(g).splitlines()[0])
    The graph has a single task: there is nothing to run in parallel.
    """
    return "\n\n".join(s.text for s in explain(graph, platform, analysis=analysis)) + "\n"
