'''The fixed parts of the generated programs: imports, how each target runs the tasks, main().

Each target is plain program text that uses the names the generated part defines
(``GRAPH``, ``ALGORITHM``, ``TIME_SCALE``, ``PREDICTED_MAKESPAN``,
``PREDICTED_WITHOUT_TRANSFERS``, ``TASKS``, ``MAPPING``). Nothing here depends on the
graph, so nothing untrusted reaches these texts.
'''

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TARGETS", "Target"]


@dataclass(frozen=True)
class Target:
    """One kind of generated program."""

    #: the ``--target`` name
    name: str
    #: how it runs, for the header (one line)
    summary: str
    #: what it needs besides the standard library (empty: nothing)
    needs: str
    #: the import block (ruff/isort order)
    imports: str
    #: everything after ``MAPPING``
    runner: str
    #: the clock the tasks are timed with
    clock: str
    #: extra lines for the header's usage examples
    usage: tuple[str, ...] = ()


_SUBMISSION_ORDER = '''
def has_inputs(task, done):
    """Whether every predecessor of ``task`` is in ``done``."""
    return all(p in done for p in TASKS[task][1])


def submission_order():
    """Every (task, worker), each worker's tasks in order, each task after its inputs.

    A worker runs one task at a time and a task waits for its inputs, so a worker
    can be kept waiting. But every wait, for an input or for the task before on
    the same worker, is for a task earlier in this order: no two tasks can wait
    for each other, and the program cannot deadlock. Exits with a message if
    MAPPING does not list every task once, or if its orders contradict the inputs.
    """
    placed = sorted(task for tasks in MAPPING.values() for task in tasks)
    if placed != sorted(TASKS):
        sys.exit("MAPPING must list every task of TASKS exactly once")
    queues = {worker: deque(tasks) for worker, tasks in MAPPING.items()}
    submitted, order = set(), []
    while any(queues.values()):
        progress = False
        for worker, queue in queues.items():
            while queue and has_inputs(queue[0], submitted):
                task = queue.popleft()
                submitted.add(task)
                order.append((task, worker))
                progress = True
        if not progress:
            heads = ", ".join(repr(queue[0]) for queue in queues.values() if queue)
            sys.exit(f"MAPPING cannot run: {heads} wait for inputs queued after them")
    return order
'''

_COLLECT = '''

def collect(order, futures, t0, worker_name=lambda worker: worker):
    """What ran (task, worker, start, finish from t0) and the first failure, waiting for each future."""
    ran, failure = [], None
    for task, _ in order:  # in this order, the first failure is the cause of the others
        error = futures[task].exception()  # waits for the task
        if error is not None:
            failure = failure or (task, error)
            continue
        _, where, start, finish = futures[task].result()
        ran.append((task, worker_name(where), start - t0, finish - t0))
    return ran, failure
'''

_REPORT = '''

def report(ran, failure, trace_path):
    """Print how long it took; write the trace; exit 1 if a task failed."""
    makespan = max((finish for *_, finish in ran), default=0.0)
    predicted = PREDICTED_MAKESPAN * TIME_SCALE
    without = PREDICTED_WITHOUT_TRANSFERS * TIME_SCALE
    print(
        f"{len(ran)} of {len(TASKS)} tasks ran in {makespan:.3f} s; predicted "
        f"{predicted:.3f} s ({without:.3f} s without transfer times)"
    )
    if trace_path:
        write_trace(trace_path, ran, makespan)
    if failure:
        task, error = failure
        sys.exit(f"task {task!r} failed: {type(error).__name__}: {error}")


def write_trace(path, ran, makespan):
    """Write what ran as a TaskMapper schedule trace (seconds from the start)."""
    slots = [
        {"task": task, "worker": worker, "start": start, "finish": finish}
        for task, worker, start, finish in sorted(ran, key=lambda slot: slot[2:])
    ]
    trace = {
        "format": "taskmapper-schedule",
        "version": 1,
        "algorithm": "trace",
        "makespan": makespan,
        "workers": list(MAPPING),
        "slots": slots,
        "graph": GRAPH,
        "executor": TARGET,
        "policy": "mapped",
        "followed": ALGORITHM,
        "network": "none",
        "time_scale": TIME_SCALE,
        "predicted_makespan": PREDICTED_MAKESPAN * TIME_SCALE,
        "tasks_done": len(ran),
        "tasks_total": len(TASKS),
        "partial": len(ran) < len(TASKS),
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(trace, f, indent=1)
        f.write("\\n")
'''


def _main(extra_options: str, run_call: str) -> str:
    return f'''

def main():
    global TIME_SCALE
    parser = argparse.ArgumentParser(description="Run the tasks following MAPPING.")
    parser.add_argument(
        "--time-scale", type=float, default=TIME_SCALE, metavar="SECONDS",
        help="seconds of stand-in work per cost unit (default: %(default)s)",
    )
    parser.add_argument(
        "--trace", metavar="OUT.json",
        help="also write what ran as a schedule trace, which TaskMapper opens",
    )
{extra_options}    args = parser.parse_args()
    if args.trace and not os.path.isdir(os.path.dirname(args.trace) or "."):
        parser.error(f"cannot write {{args.trace!r}}: its folder does not exist")
    TIME_SCALE = args.time_scale
    ran, failure = {run_call}
    report(ran, failure, args.trace)


if __name__ == "__main__":
    main()
'''


_THREADS_RUNNER = _SUBMISSION_ORDER + _COLLECT + '''

worker_name = threading.local()  # in a worker's thread: which worker it is


def start_worker(worker):
    """Runs first in each worker's thread: remember which worker it is."""
    worker_name.value = worker


def run_task(task, input_futures):
    """Run ``task`` once its inputs are done; return (result, worker, start, finish)."""
    function, _ = TASKS[task]
    inputs = [future.result()[0] for future in input_futures]  # waits for each input
    start = time.perf_counter()
    result = function(*inputs)
    return result, worker_name.value, start, time.perf_counter()


def run():
    """Run every task on its worker's thread; return what ran and the first failure."""
    order = submission_order()
    executors = {
        worker: ThreadPoolExecutor(
            max_workers=1, initializer=start_worker, initargs=(worker,)
        )
        for worker in MAPPING
    }
    t0 = time.perf_counter()
    futures = {}
    for task, worker in order:
        input_futures = [futures[p] for p in TASKS[task][1]]
        futures[task] = executors[worker].submit(run_task, task, input_futures)
    ran, failure = collect(order, futures, t0)
    for executor in executors.values():
        executor.shutdown()
    return ran, failure
''' + _REPORT + _main("", "run()")


_PROCESSES_RUNNER = _SUBMISSION_ORDER + '''

WORKER = None  # in a worker process: which worker it is


def start_worker(worker, time_scale):
    """Runs first in each worker process: remember its worker and the time scale."""
    global WORKER, TIME_SCALE
    WORKER, TIME_SCALE = worker, time_scale


def worker_ready():
    """Does nothing: returns once a worker process is up."""


def run_task(task, *inputs):
    """Run ``task`` in this process; return (result, worker, start, finish)."""
    function, _ = TASKS[task]
    start = time.time()
    result = function(*inputs)
    return result, WORKER, start, time.time()


def run():
    """Run every task in its worker's process; return what ran and the first failure.

    This process keeps the results. It hands each worker's tasks to that worker's
    process in MAPPING order, each one as soon as its inputs are here (until then
    it holds back the tasks behind it). A worker process is only ever given tasks
    it can run at once, so each worker runs its tasks in order and the program
    cannot deadlock.
    """
    submission_order()  # exits with a message if MAPPING cannot run
    spawn = multiprocessing.get_context("spawn")  # the same on every system
    executors = {
        worker: ProcessPoolExecutor(
            max_workers=1, mp_context=spawn,
            initializer=start_worker, initargs=(worker, TIME_SCALE),
        )
        for worker in MAPPING
    }
    try:
        wait([executor.submit(worker_ready) for executor in executors.values()])
        t0 = time.time()  # every worker process is up
        queues = {worker: deque(tasks) for worker, tasks in MAPPING.items()}
        results, running, ran, failure = {}, {}, [], None
        while True:
            for worker, queue in queues.items():
                # hand over the worker's next tasks, in order, while their inputs are here
                while failure is None and queue and has_inputs(queue[0], results):
                    task = queue.popleft()
                    inputs = [results[p] for p in TASKS[task][1]]
                    future = executors[worker].submit(run_task, task, *inputs)
                    running[future] = task
            if not running:
                return ran, failure
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                task = running.pop(future)
                if future.exception() is not None:
                    failure = failure or (task, future.exception())
                    continue
                result, worker, start, finish = future.result()
                results[task] = result
                ran.append((task, worker, start - t0, finish - t0))
    finally:
        for executor in executors.values():
            executor.shutdown()
''' + _REPORT + _main("", "run()")


_DASK_RUNNER = _SUBMISSION_ORDER + _COLLECT + '''

def run_task(task, time_scale, inputs, after):
    """Run ``task`` on a Dask worker; return (result, worker address, start, finish).

    ``inputs`` are what its predecessors returned; ``after`` is the task before it on
    the same worker, passed only so that Dask keeps MAPPING's order.
    """
    global TIME_SCALE
    TIME_SCALE = time_scale  # a worker process has its own copy of this program
    function, _ = TASKS[task]
    start = time.time()
    result = function(*[output[0] for output in inputs])
    return result, get_worker().address, start, time.time()


def run(scheduler, in_process):
    """Run every task on its Dask worker; return what ran and the first failure.

    Without ``scheduler``, a local cluster is started: one worker per MAPPING
    worker, one thread each (processes, or threads of this one with ``in_process``).
    """
    if scheduler:
        with Client(scheduler) as client:
            return run_on(client)
    n = len(MAPPING)
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=not in_process)
    with cluster, Client(cluster) as client:
        client.wait_for_workers(n)
        return run_on(client)


def run_on(client):
    """Submit every task, restricted to its worker, with its inputs as futures."""
    order = submission_order()
    addresses = sorted(client.nthreads())
    have, need = len(addresses), len(MAPPING)
    if have < need:
        sys.exit(f"the Dask cluster has {have} workers; MAPPING needs {need}")
    address_of = {worker: addresses[i] for i, worker in enumerate(MAPPING)}
    worker_at = {address: worker for worker, address in address_of.items()}
    run_id = uuid.uuid4().hex[:8]
    t0 = time.time()
    futures, last = {}, {}
    for task, worker in order:
        inputs = [futures[p] for p in TASKS[task][1]]
        futures[task] = last[worker] = client.submit(
            run_task, task, TIME_SCALE, inputs, last.get(worker),
            key=f"{task}-{run_id}",
            workers=[address_of[worker]],
            allow_other_workers=False,
        )
    return collect(order, futures, t0, lambda address: worker_at.get(address, address))
''' + _REPORT + _main(
    '''    parser.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="use the running Dask cluster at ADDRESS (default: start a local one)",
    )
    parser.add_argument(
        "--in-process", action="store_true",
        help="run the local workers as threads of this process (starts faster)",
    )
''',
    "run(args.scheduler, args.in_process)",
)


TARGETS: dict[str, Target] = {
    "threads": Target(
        "threads",
        "one single-thread executor per worker",
        "",
        "import argparse\nimport hashlib\nimport json\nimport os\nimport sys\nimport threading\nimport time\n"
        "from collections import deque\nfrom concurrent.futures import ThreadPoolExecutor\n",
        _THREADS_RUNNER,
        "perf_counter",
    ),
    "processes": Target(
        "processes",
        "one single-process executor per worker, results passed on",
        "",
        "import argparse\nimport hashlib\nimport json\nimport multiprocessing\nimport os\nimport sys\nimport time\n"
        "from collections import deque\nfrom concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait\n",
        _PROCESSES_RUNNER,
        "time",
    ),
    "dask": Target(
        "dask",
        "Dask distributed, tasks pinned to workers, results as futures",
        "Dask (pip install 'dask[distributed]')",
        "import argparse\nimport hashlib\nimport json\nimport os\nimport sys\nimport time\nimport uuid\n"
        "from collections import deque\n\nfrom dask.distributed import Client, LocalCluster, get_worker\n",
        _DASK_RUNNER,
        "time",
        ("--scheduler tcp://host:8786  # on a running Dask cluster",
         "--in-process                 # local workers as threads"),
    ),
}
