#!/usr/bin/env python3
"""Soak test: many notes streamed through ``cptscan scan --jobs 2``; throughput and memory over time.

The notes come from the synthetic corpus generator (corpora/generate.py, about half positives and half
negatives, each note drawn with its own seed), written to a temporary JSONL file first so that the scan
alone is measured. ``cptscan scan`` then runs as a subprocess writing to a temporary file, and every
``--interval`` seconds the script records the lines written so far and the resident memory (VmRSS from
/proc) of the scan's whole process tree (the CLI and its workers). Memory must stay flat: a scan
streams, so the RSS late in the run should equal the RSS early in the run.

Usage::

    python benchmarks/soak.py                 # 100,000 notes, writes benchmarks/results/soak.json
    python benchmarks/soak.py --n 5000 --out /tmp/soak.json

Figures only: the script prints no note text and stores none.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
CPTSCAN = str(Path(sys.executable).with_name("cptscan"))


def load_generator():
    spec = importlib.util.spec_from_file_location("cptscan_corpus_generate", ROOT / "corpora" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_notes(path: Path, n: int, seed: int) -> dict:
    """``n`` generated notes, one seed per note; returns counts by scenario and the file size."""
    gen = load_generator()
    scenarios: dict[str, int] = {}
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            note, _gold, _sents, scenario = gen.make_note(random.Random(seed * 1_000_003 + i), f"SOAK-{i:06d}")
            scenarios[scenario] = scenarios.get(scenario, 0) + 1
            fh.write(json.dumps(note, ensure_ascii=False) + "\n")
    return {"scenarios": dict(sorted(scenarios.items())), "bytes": path.stat().st_size}


def process_tree(root: int) -> list[int]:
    """``root`` and every process descending from it (read from /proc/<pid>/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode("ascii", "replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def vm_rss_kb(pid: int) -> Optional[int]:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class LineCounter:
    """Whole lines in a growing file, reading only what was appended since the last call."""

    def __init__(self, path: Path):
        self.path, self.offset, self.lines = path, 0, 0

    def __call__(self) -> int:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                while block := fh.read(1 << 20):
                    self.lines += block.count(b"\n")
                    self.offset += len(block)
        except FileNotFoundError:
            pass
        return self.lines


def soak(n: int, jobs: int, interval: float, seed: int, workdir: Path) -> dict:
    notes = workdir / "soak_notes.jsonl"
    results = workdir / "soak_results.jsonl"
    t0 = time.monotonic()
    corpus = write_notes(notes, n, seed)
    corpus["generate_seconds"] = round(time.monotonic() - t0, 1)
    print(f"generated {n:,} notes ({corpus['bytes'] / 1e6:.1f} MB) in {corpus['generate_seconds']} s", flush=True)

    cmd = [CPTSCAN, "scan", str(notes), "-o", str(results), "--jobs", str(jobs), "-q"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    count = LineCounter(results)
    samples = []
    peak_proc_kb = peak_tree_kb = 0
    last_t, last_lines = 0.0, 0
    while True:
        done = proc.poll() is not None
        elapsed = time.monotonic() - start
        lines = count()
        rss = {pid: kb for pid in process_tree(proc.pid) if (kb := vm_rss_kb(pid)) is not None} if not done else {}
        if rss:
            tree_kb = sum(rss.values())
            peak_tree_kb = max(peak_tree_kb, tree_kb)
            peak_proc_kb = max(peak_proc_kb, max(rss.values()))
            rate = (lines - last_lines) / (elapsed - last_t) if elapsed > last_t else 0.0
            samples.append({"t": round(elapsed, 1), "lines": lines, "notes_per_s": round(rate, 1),
                            "processes": len(rss), "rss_tree_mb": round(tree_kb / 1024, 1),
                            "rss_max_process_mb": round(max(rss.values()) / 1024, 1)})
            print(f"t={elapsed:7.1f}s  lines={lines:>7,}  {rate:7.1f} notes/s  "
                  f"rss tree={tree_kb / 1024:7.1f} MB  ({len(rss)} processes)", flush=True)
            last_t, last_lines = elapsed, lines
        if done:
            break
        time.sleep(interval)
    seconds = time.monotonic() - start
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    lines = count()
    # the steady state: samples once every worker has loaded (after the first 10% of notes)
    steady = [s for s in samples if s["lines"] >= n * 0.1 and s["processes"] > 1]
    quarter = max(1, len(steady) // 4)
    early = statistics.median(s["rss_tree_mb"] for s in steady[:quarter]) if steady else None
    late = statistics.median(s["rss_tree_mb"] for s in steady[-quarter:]) if steady else None
    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "host": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "command": "cptscan scan <notes> -o <results> --jobs %d -q" % jobs,
        "notes": n,
        "corpus": corpus,
        "exit_status": proc.returncode,
        "result_lines": lines,
        "one_line_per_note": lines == n,
        "scan_seconds": round(seconds, 1),
        "throughput_notes_per_s": round(n / seconds, 1),
        "peak_rss_tree_mb": round(peak_tree_kb / 1024, 1),
        "peak_rss_process_mb": round(peak_proc_kb / 1024, 1),
        "steady_rss_tree_mb": {"early_median": early, "late_median": late,
                               "growth_mb": None if early is None else round(late - early, 1)},
        "interval_s": interval,
        "samples": samples,
    }
    if proc.returncode != 0:
        report["stderr_tail"] = stderr[-2000:]
    return report


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="notes to generate and scan (default 100,000)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between samples")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "soak.json"))
    ap.add_argument("--keep", help="folder to keep the notes and results in (default: a temporary folder)")
    args = ap.parse_args(argv)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        report = soak(args.n, args.jobs, args.interval, args.seed, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory(prefix="cptscan-soak-") as tmp:
            report = soak(args.n, args.jobs, args.interval, args.seed, Path(tmp))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    growth = report["steady_rss_tree_mb"]["growth_mb"]
    print(f"{report['notes']:,} notes in {report['scan_seconds']} s = {report['throughput_notes_per_s']} notes/s; "
          f"peak RSS {report['peak_rss_tree_mb']} MB (tree), {report['peak_rss_process_mb']} MB (one process); "
          f"steady-state growth {growth} MB; exit {report['exit_status']}; wrote {args.out}")
    return 0 if report["one_line_per_note"] and report["exit_status"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
