"""Big inputs: the command line restarts itself once with huge pages for the heap, keeps the
allocator's big blocks and ends without freeing the graph object by object; none of it changes
what the commands print or write."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import cli.main as cli_main
from model import allocator
from tests.cli.cli_helpers import HEFT_PAPER, ROOT, taskmapper

ON_GLIBC = allocator._glibc()
RESTARTS_HERE = ON_GLIBC and allocator.transparent_huge_pages() in ("always", "madvise")


def test_the_mode_is_read_from_the_kernels_file(tmp_path):
    f = tmp_path / "enabled"
    f.write_text("always [madvise] never\n")
    assert allocator.transparent_huge_pages(str(f)) == "madvise"
    f.write_text("[always] madvise never\n")
    assert allocator.transparent_huge_pages(str(f)) == "always"
    f.write_text("garbage")
    assert allocator.transparent_huge_pages(str(f)) is None
    assert allocator.transparent_huge_pages(str(tmp_path / "missing")) is None


def test_the_size_setting():
    assert allocator.huge_pages_from({}) == allocator.HUGE_PAGES_FROM
    assert allocator.huge_pages_from({"TASKMAPPER_HUGE_PAGES": "off"}) is None
    assert allocator.huge_pages_from({"TASKMAPPER_HUGE_PAGES": "0"}) is None
    assert allocator.huge_pages_from({"TASKMAPPER_HUGE_PAGES": "2"}) == 2 << 20
    assert allocator.huge_pages_from({"TASKMAPPER_HUGE_PAGES": "lots"}) == allocator.HUGE_PAGES_FROM
    assert allocator.huge_page_environment({}, 100 << 20, "madvise", glibc=False) is None
    # at most once: the restarted process finds the tunable set
    once = allocator.huge_page_environment({}, 100 << 20, "madvise")
    assert once is not None and allocator.huge_page_environment(once, 100 << 20, "madvise") is None


def test_a_big_input_restarts_the_same_command_with_the_tunable(tmp_path, monkeypatch):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 4096)
    calls = []

    def execve(path, argv, env):
        calls.append((path, argv, env))
        raise OSError("not here")  # the command then goes on in this process

    monkeypatch.setattr(allocator.os, "execve", execve)
    monkeypatch.setattr(allocator, "_glibc", lambda: True)
    monkeypatch.setattr(allocator, "transparent_huge_pages", lambda path=None: "madvise")
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    monkeypatch.setenv("TASKMAPPER_HUGE_PAGES", "0.001")  # from 1,048 bytes on
    allocator.restart_with_huge_pages(allocator.input_bytes([str(big)]))
    assert len(calls) == 1
    path, argv, env = calls[0]
    assert path == sys.executable and argv == list(sys.orig_argv)
    assert env["GLIBC_TUNABLES"] == "glibc.malloc.hugetlb=1" and env["TASKMAPPER_HUGE_PAGES"] == "0.001"
    big.write_bytes(b" " * 100)  # below the size: no restart
    allocator.restart_with_huge_pages(allocator.input_bytes([str(big)]))
    assert allocator.input_bytes(["-", str(tmp_path / "missing")]) == 0
    allocator.restart_with_huge_pages(0)
    assert len(calls) == 1


def test_the_restart_really_happens_where_the_system_allows_it(tmp_path):
    """A real process: what it finds in its environment after the call tells whether it was started again."""
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 4096)
    code = ("import os, sys; from model.allocator import input_bytes, restart_with_huge_pages; "
            f"restart_with_huge_pages(input_bytes([{str(big)!r}])); print(os.environ.get('GLIBC_TUNABLES'))")
    env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"}
    env.update(PYTHONPATH=str(ROOT), TASKMAPPER_HUGE_PAGES="0.001")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ("glibc.malloc.hugetlb=1" if RESTARTS_HERE else "None")
    env["TASKMAPPER_HUGE_PAGES"] = "off"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env, cwd=ROOT)
    assert res.stdout.strip() == "None"


@pytest.mark.parametrize("to_stdout", [False, True])
def test_a_big_input_gives_the_same_output_and_one_summary(tmp_path, to_stdout):
    """With every input counting as big (restart, kept blocks, the quick end), the command's
    output and messages are those of the ordinary run, once."""
    outs = {}
    for mode in ("off", "0.0001"):
        out = tmp_path / f"s-{mode}.schedule.json"
        args = ["schedule", HEFT_PAPER, "-a", "heft"] + ([] if to_stdout else ["-o", out])
        res = taskmapper(*args, TASKMAPPER_HUGE_PAGES=mode)
        assert res.returncode == 0, res.stderr
        assert len(res.stderr.splitlines()) == 1 and "makespan" in res.stderr, res.stderr
        outs[mode] = res.stdout if to_stdout else out.read_text()
    assert outs["off"] == outs["0.0001"] and '"slots"' in outs["off"]


def test_text_printed_by_a_command_that_ends_quickly_is_all_there():
    """``analyze`` prints text (buffered on a pipe): the quick end must flush it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(ROOT)

    def run(mode):
        return subprocess.run([sys.executable, "-m", "cli", "analyze", str(HEFT_PAPER)], capture_output=True,
                              text=True, timeout=120, cwd=ROOT, env={**env, "TASKMAPPER_HUGE_PAGES": mode})

    outs = {mode: run(mode) for mode in ("off", "0.0001")}
    assert outs["off"].returncode == outs["0.0001"].returncode == 0
    assert outs["off"].stdout == outs["0.0001"].stdout and len(outs["off"].stdout.splitlines()) > 5


def test_the_quick_end_flushes_and_keeps_the_status(tmp_path, monkeypatch, capsys):
    ended = []

    def fake_exit(status):
        ended.append(status)
        raise SystemExit(status)

    monkeypatch.setattr(cli_main.os, "_exit", fake_exit)
    monkeypatch.setattr(allocator, "restart_with_huge_pages", lambda size: None)
    monkeypatch.setenv("TASKMAPPER_HUGE_PAGES", "0.0001")
    monkeypatch.setattr(sys, "argv", ["taskmapper", "schedule", str(HEFT_PAPER), "-a", "heft"])
    with pytest.raises(SystemExit):
        cli_main.main()
    assert ended == [0]
    assert '"slots"' in capsys.readouterr().out
    # arguments given to main() are not the process's own: no restart, no quick end
    ended.clear()
    assert cli_main.main(["schedule", str(HEFT_PAPER), "-a", "heft", "-o", str(tmp_path / "s.json")]) == 0
    assert ended == []
