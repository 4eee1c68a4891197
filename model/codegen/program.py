"""Writing the program: header, one function per task, the mapping, then the target's runner."""

from __future__ import annotations

import ast
import functools
import keyword
import math
from collections.abc import Mapping
from typing import Any

from ..graph import GraphError, Platform, TaskGraph
from ..schedule import Schedule
from .names import comment_text, docstring_text, function_names, is_dotted_name, literal, py_str
from .plan import ProgramPlan, plan_program
from .targets import TARGETS, Target

__all__ = ["DEFAULT_TIME_SCALE", "generate_program", "program_names"]

#: seconds of stand-in work per cost unit, unless told otherwise
DEFAULT_TIME_SCALE = 0.01

_RULE = "# " + "-" * 86
_WIDTH = 88


def _number(v: float) -> str:
    """A cost or makespan as program text: integral values without ``.0``."""
    if float(v).is_integer() and abs(v) < 2**53:
        return str(int(v))
    return repr(float(v))


def _short(v: float) -> str:
    return f"{v:.4g}"


@functools.cache
def program_names() -> frozenset[str]:
    """Every name the fixed parts of the programs use (task functions must avoid them)."""
    names: set[str] = {"GRAPH", "ALGORITHM", "TARGET", "TIME_SCALE", "PREDICTED_MAKESPAN",
                       "PREDICTED_WITHOUT_TRANSFERS", "TASKS", "MAPPING", "busy_work"}
    for target in TARGETS.values():
        for node in ast.walk(ast.parse(target.imports + target.runner)):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
    return frozenset(names)


def _wrapped(items: list[str], indent: str, open_: str, close: str, around: int) -> str:
    """``open_ item, item, ... close`` on one line, or wrapped under ``indent`` when too long.

    ``around`` counts the characters of the line before and after the bracket.
    """
    one = open_ + ", ".join(items) + close
    if around + len(one) <= _WIDTH:
        return one
    lines, line = [], ""
    inner = indent + "    "
    for item in items:
        piece = item + ","
        if line and len(inner) + len(line) + 1 + len(piece) > _WIDTH:
            lines.append(inner + line)
            line = piece
        else:
            line = f"{line} {piece}" if line else piece
    if line:
        lines.append(inner + line)
    return open_ + "\n" + "\n".join(lines) + "\n" + indent + close


def _listing(tasks: list[str], limit: int = 6) -> str:
    shown = ", ".join(comment_text(t) for t in tasks[:limit])
    return shown + (f" and {len(tasks) - limit} more" if len(tasks) > limit else "")


def _call_of(graph: TaskGraph, task: str) -> tuple[str, list[str], dict[str, Any]] | None:
    """A task's ``call`` as (module, attribute path, keyword arguments), or ``None``."""
    attrs = graph.task_attrs(task)
    name = attrs.get("call")
    if name is None:
        return None
    if not isinstance(name, str):
        raise GraphError(f"'call' of task {task!r} must be a text 'package.module:function'")
    module, sep, attr = name.partition(":")
    if not sep or not is_dotted_name(module) or not is_dotted_name(attr) or module == "__future__":
        raise GraphError(f"task {task!r}: call {name!r} is not of the form 'package.module:function'")
    kwargs = attrs.get("kwargs", {})
    if not isinstance(kwargs, Mapping) or not all(isinstance(k, str) for k in kwargs):
        raise GraphError(f"'kwargs' of task {task!r} must be an object")
    return module, attr.split("."), dict(kwargs)


def _task_function(graph: TaskGraph, task: str, fname: dict[str, str], worker: str,
                   duration: float) -> str:
    preds = graph.predecessors(task)
    params = [fname[p] for p in preds]
    label = comment_text(task)
    inputs = ""
    if preds:
        inputs = f" on the result{'s' if len(preds) > 1 else ''} of {_listing(preds)}"
    call = _call_of(graph, task)
    head = f"def {fname[task]}({', '.join(params)}):"
    if len(head) > _WIDTH:
        head = f"def {fname[task]}(\n" + "".join(f"    {p},\n" for p in params) + "):"
    if call is None:
        doc = f"Task {label}: {_short(duration)} cost units on {comment_text(worker)}. Stub: put the real work here."
        body = [f"    busy_work({_number(duration)})", f"    return {py_str(task)}"]
    else:
        module, path, kwargs = call
        doc = f"Task {label}: calls {module}:{'.'.join(path)}{inputs}."
        local = path[0]
        while local in params or local == fname[task]:
            local += "_"
        imp = f"from {module} import {path[0]}" + (f" as {local}" if local != path[0] else "")
        inputs_dict = [f"{py_str(p)}: {fname[p]}" for p in preds]
        plain = {k: v for k, v in kwargs.items() if k.isidentifier() and not keyword.iskeyword(k)}
        other = {k: v for k, v in kwargs.items() if k not in plain}
        what = f"kwargs of task {task!r}"
        args = [f"{k}={literal(v, what)}" for k, v in plain.items()]
        if other:
            args.append("**" + literal(other, what))
        function = ".".join([local, *path[1:]])
        call_line = f"    return {function}({', '.join(['{' + ', '.join(inputs_dict) + '}', *args])})"
        if len(call_line) > _WIDTH:
            first = _wrapped(inputs_dict, "        ", "{", "}", 9)
            call_line = (f"    return {function}(\n" + "".join(f"        {a},\n" for a in [first, *args])
                         + "    )")
        body = [f"    {imp}", "", call_line]
    doc_line = f'    """{docstring_text(doc)}"""'
    return "\n".join([head, doc_line, *body])


def _header(graph: TaskGraph, plan: ProgramPlan, target: Target, time_scale: float, program: str) -> list[str]:
    n_edges = graph.nx.number_of_edges()
    workers = list(plan.orders)
    shown = ", ".join(comment_text(w) for w in workers[:8]) + (", ..." if len(workers) > 8 else "")
    how = "the mapping re-timed from the graph" if plan.retimed else "the schedule's own"
    with_t, without_t = plan.makespan, plan.makespan_without_transfers
    prog = comment_text(program)
    lines = [
        "#!/usr/bin/env python3",
        "# Generated by TaskMapper: a program that runs a task graph following a mapping.",
        "#",
        f"# Graph: {comment_text(graph.name)}",
        f"#   with {len(graph)} tasks and {n_edges} edges",
        f"# Mapping: {comment_text(plan.algorithm)}, on {len(workers)} workers: {shown}",
        f"# Predicted makespan: {_short(with_t)} cost units ({how}), "
        f"{_short(without_t)} if data moved for free;",
        f"#   {_short(with_t * time_scale)} s and {_short(without_t * time_scale)} s "
        f"at {time_scale:g} s of stand-in work per cost unit",
        f"# Runs on: {target.name}, {target.summary}",
        f"# Needs: Python 3.10 or later{' and ' + target.needs if target.needs else ', standard library only'}",
        "#",
        "# Each worker runs its tasks one after another in the order of MAPPING. A task",
        "# starts once the results of its predecessors are there, and gets them as its",
        "# arguments. Results are handed over directly: the modelled transfer times are",
        "# not waited for. Replace the stubs with the real work; edit MAPPING to try",
        "# another mapping.",
        "#",
        f"#   python {prog}                     # run it",
        f"#   python {prog} --time-scale 0.001  # shorter stand-in work",
        f"#   python {prog} --trace run.json    # and write what ran (a trace)",
    ]
    lines += [f"#   python {prog} {u}" for u in target.usage]
    return lines


def generate_program(
    graph: TaskGraph,
    schedule: Schedule,
    *,
    target: str = "threads",
    platform: Platform | None = None,
    time_scale: float = DEFAULT_TIME_SCALE,
    program: str = "program.py",
) -> str:
    """The source of a standalone Python program that runs ``graph`` following ``schedule``.

    The program defines one function per task (a ``call`` task imports and calls its
    function when it runs; any other task is a stub that keeps the CPU busy for
    ``cost x time_scale`` seconds), the mapping as a dict (worker -> ordered tasks)
    and a ``main()`` with ``--time-scale`` and ``--trace OUT.json``. It never imports
    TaskMapper: ``threads`` and ``processes`` need only the standard library, ``dask``
    needs Dask distributed. Every text from the graph is written as a quoted literal
    or an escaped comment, so no task id or name can inject code.

    Parameters
    ----------
    graph : TaskGraph
        The graph.
    schedule : Schedule
        The mapping to follow: each task's worker and, by start time, the order on
        each worker (any valid order; the times of a hand-made schedule may be rough).
    target : str
        ``"threads"``, ``"processes"`` or ``"dask"`` (see :data:`TARGETS`).
    platform : Platform, optional
        The workers (default: the graph's own, see :meth:`TaskGraph.default_platform`).
    time_scale : float
        Default seconds of stand-in work per cost unit, baked into the program.
    program : str
        The program's file name, for the usage lines of its header.

    Returns
    -------
    str
        The program text.

    Raises
    ------
    GraphError
        If ``target`` is unknown, the graph is invalid, or a task's ``call`` or ``kwargs``
        cannot be written into a program.
    ScheduleError
        If the schedule does not fit the graph (see :func:`plan_program`).

    Examples
    --------
    >>> from model.schedule import Slot
    >>> g = TaskGraph("demo"); g.add_task("a", cost=2); g.add_task("b", cost=3); g.add_edge("a", "b")
    >>> s = Schedule("hand", ["P1"], [Slot("a", "P1", 0, 2), Slot("b", "P1", 2, 5)])
    >>> src = generate_program(g, s, platform=Platform.homogeneous(1))
    >>> print(src[src.index("MAPPING ="):].splitlines()[0:3])
    ['MAPPING = {', '    "P1": ["a", "b"],', '}']
    """
    if target not in TARGETS:
        raise GraphError(f"unknown target {target!r} (known: {', '.join(TARGETS)})")
    if not (isinstance(time_scale, (int, float)) and math.isfinite(time_scale) and time_scale >= 0):
        raise GraphError(f"the time scale must be a finite number of 0 or more, got {time_scale!r}")
    spec = TARGETS[target]
    plat = platform if platform is not None else graph.default_platform()
    plan = plan_program(graph, schedule, plat)
    worker_of = dict(plan.submission)
    fname = function_names(graph.tasks, program_names())

    calls = {t: _call_of(graph, t) for t in graph.tasks}
    stubs = any(c is None for c in calls.values())
    functions = [_task_function(graph, t, fname, worker_of[t], plan.durations[t]) for t in graph.tasks]
    tasks_dict = []
    for t in graph.tasks:
        head = f"    {py_str(t)}: ({fname[t]}, "
        preds = [py_str(p) for p in graph.predecessors(t)]
        tasks_dict.append(head + _wrapped(preds, "    ", "[", "]", len(head) + 2) + "),")
    mapping_dict = []
    for w, ts in plan.orders.items():
        head = f"    {py_str(w)}: "
        mapping_dict.append(head + _wrapped([py_str(t) for t in ts], "    ", "[", "]", len(head) + 1) + ",")
    constants = [
        f"GRAPH = {py_str(graph.name)}",
        f"ALGORITHM = {py_str(plan.algorithm)}",
        f"TARGET = {py_str(spec.name)}",
        f"TIME_SCALE = {time_scale!r}  # seconds of stand-in work per cost unit (--time-scale)",
        f"PREDICTED_MAKESPAN = {_number(plan.makespan)}  # cost units, with the modelled data transfers",
        f"PREDICTED_WITHOUT_TRANSFERS = {_number(plan.makespan_without_transfers)}  # cost units",
    ]
    parts = [
        "\n".join(_header(graph, plan, spec, time_scale, program)),
        "",
        (spec.imports if stubs else spec.imports.replace("import hashlib\n", "")).rstrip("\n"),
        "",
        "\n".join(constants),
        "",
        "",
        _RULE,
        "# The tasks: one function each. It gets the results of its predecessors as arguments",
        "# and returns its own result." + (" A stub only keeps the CPU busy for the task's cost"
                                          if stubs else ""),
    ]
    if stubs:
        parts += [
            "# and returns the task's id: put the real work in its place.",
            "",
            "",
            "def busy_work(cost):",
            '    """Keep a CPU busy for ``cost * TIME_SCALE`` seconds: a stand-in for real work."""',
            "    deadline = time.perf_counter() + cost * TIME_SCALE",
            "    block = bytes(1 << 16)",
            "    while time.perf_counter() < deadline:",
            "        hashlib.sha256(block)  # releases the GIL: threads really run in parallel",
        ]
    for f in functions:
        parts += ["", "", f]
    parts += [
        "",
        "",
        "# Each task: its function, and the tasks whose results it takes (in argument order).",
        "TASKS = {", *tasks_dict, "}",
        "",
        "# Each worker: its tasks, in the order it runs them. This is the mapping.",
        "MAPPING = {", *mapping_dict, "}",
        "",
        "",
        _RULE,
        f"# Running the tasks: {spec.summary}.",
    ]
    return "\n".join(parts) + "\n\n" + spec.runner
