"""``scan --jobs 2`` workers end with their parent, whether it is stopped (SIGTERM) or killed (kill -9):
none is left behind holding a whole scanner's memory."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from reliability_support import CPTSCAN, ROOT, children, generated_notes, write_lines


def _alive(pid: int) -> bool:
    """Running or sleeping; a zombie (dead, not yet reaped by whoever adopted it) is not alive."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_end_when_the_parent_is_stopped_or_killed(tmp_path, sig):
    notes = write_lines(tmp_path / "notes.jsonl", generated_notes(1600))
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([CPTSCAN, "scan", str(notes), "-o", str(out), "-q", "--jobs", "2"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 180
        while not (out.exists() and out.stat().st_size) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        workers = children(proc.pid)
        assert len(workers) == 2, "the scan ended before its workers could be seen"
        proc.send_signal(sig)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 60
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for worker in workers:  # a failed test must not leave them behind either
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
