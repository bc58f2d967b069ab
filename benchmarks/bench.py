"""cptscan benchmarks (issue 6): throughput, peak memory, latency and the gate's equivalence, in one run.

    .venv/bin/python benchmarks/bench.py --shared ../shared                       # full run (baseline on every note)
    .venv/bin/python benchmarks/bench.py --shared ../shared --baseline-sample 800 # baseline on a seeded sample

Each throughput measurement runs in its own subprocess (``--worker``) so peak memory does not mix; the parent
polls the subprocess tree in /proc (RSS and PSS, summed over the worker processes of ``jobs=2``) and the child
reports its own ``ru_maxrss``. Model/pipeline loading is timed separately and not counted in throughput
(except that ``jobs=2`` includes starting its workers: they are forked from the loaded scanner, as scan() does).
Each cptscan run is repeated ``REPEATS`` times, each time in a fresh subprocess, and the fastest kept;
every repeat's time is in the JSON.
Note text is never printed or logged; only counts, sizes and timings.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402  (the benchmark's own notes)

RESULTS = ROOT / "benchmarks" / "results" / "bench.json"
SEED = 2026
#: cptscan runs are repeated and the fastest kept (a 1-second run on a shared 2-core machine varies by 30%);
#: the baseline, minutes long, runs once. Each repeat is a fresh process: repeated in one process, jobs=1
#: would scan with a vocabulary and caches warmed by the run before, while jobs=2 forks cold workers each time.
REPEATS = 3

GOALS = {
    "mixed_vs_baseline": 100.0,
    "relevant_vs_baseline": 5.0,
    "jobs2_vs_jobs1": 1.7,
    "peak_rss_mb": 1024.0,
    "p95_ms": 25.0,
}

csv.field_size_limit(sys.maxsize)


# -- data -----------------------------------------------------------------------------------------------------
def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def mtsamples(shared: Path) -> list[dict]:
    with open(shared / "external" / "mtsamples" / "mtsamples.csv", encoding="utf-8", newline="") as fh:
        return [{"note_id": f"MT-{row['note_id']}", "text": row["transcription"]}
                for row in csv.DictReader(fh) if row["transcription"].strip()]


def relevant_ids(shared: Path) -> set[str]:
    with open(shared / "external" / "mtsamples" / "relevant_rows.tsv", encoding="utf-8", newline="") as fh:
        return {f"MT-{row['note_id']}" for row in csv.DictReader(fh, delimiter="\t")}


def dev_notes(shared: Path) -> list[dict]:
    return _jsonl(shared / "corpus-dev" / "notes.jsonl")


def dev_positives(shared: Path) -> list[dict]:
    positive = {g["note_id"] for g in _jsonl(shared / "corpus-dev" / "gold.jsonl") if g["codes"]}
    return [n for n in dev_notes(shared) if n["note_id"] in positive]


#: how many short positive notes (``synthetic.short_positive_notes``) the ``short_notes`` part scans
SHORT_NOTES = 400


def note_set(shared: Path, subset: str, sample: Optional[int] = None) -> list[dict]:
    """``all``: every non-empty MTSamples transcription + the dev-set positives; ``relevant``: the dev-set
    positives + the MTSamples rows listed in relevant_rows.tsv; ``short``: the benchmark's own ~900-character
    positive notes. ``sample``: a seeded random sample, in order."""
    if subset == "short":
        return synthetic.short_positive_notes(SHORT_NOTES)
    mts = mtsamples(shared)
    if subset == "relevant":
        wanted = relevant_ids(shared)
        mts = [n for n in mts if n["note_id"] in wanted]
    notes = mts + dev_positives(shared)
    if sample is not None and sample < len(notes):
        keep = set(random.Random(SEED).sample(range(len(notes)), sample))
        notes = [n for i, n in enumerate(notes) if i in keep]
    return notes


def size_of(notes: list[dict]) -> int:
    return sum(len(n["text"].encode("utf-8")) for n in notes)


# -- machine --------------------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
        info["cpu"] = models[0] if models else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    info["cores"] = os.cpu_count()
    info["cores_available"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        mem = {line.split(":")[0]: line.split(":")[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()}
        info["ram_gb"] = round(int(mem["MemTotal"].split()[0]) / 1024 ** 2, 1)
    except (OSError, KeyError):
        info["ram_gb"] = None
    import medspacy
    import spacy

    info["spacy"] = spacy.__version__
    info["medspacy"] = getattr(medspacy, "__version__", "?")
    return info


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -- memory polling -------------------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(_children(p))
    return pids


def _kb(path: str, key: str) -> int:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemoryPoller(threading.Thread):
    """Peak of the summed RSS and PSS of a process and its descendants.

    RSS (/proc/PID/status, microseconds to read) is sampled every ``interval`` s; PSS only every
    ``pss_every``-th sample, because reading /proc/PID/smaps_rollup walks the page tables of a 300 MB process
    (about 4 ms, under the process's memory lock): at 10 Hz over three processes it took an eighth of a core
    from the very run it measured, which on two cores is what ``jobs=2`` needs.
    """

    def __init__(self, pid: int, interval: float = 0.1, pss_every: int = 10):
        super().__init__(daemon=True)
        self.pid, self.interval, self.pss_every = pid, interval, pss_every
        self.peak_rss_kb = self.peak_pss_kb = self.peak_single_rss_kb = 0
        self.max_procs = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        tick = 0
        while not self.stopped.is_set():
            pids = _tree(self.pid)
            rss = [_kb(f"/proc/{p}/status", "VmRSS:") for p in pids]
            if tick % self.pss_every == 0:
                self.peak_pss_kb = max(self.peak_pss_kb, sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))
            self.peak_rss_kb = max(self.peak_rss_kb, sum(rss))
            self.peak_single_rss_kb = max([self.peak_single_rss_kb, *rss])
            self.max_procs = max(self.max_procs, sum(1 for r in rss if r))
            tick += 1
            self.stopped.wait(self.interval)


# -- workers (each run in its own subprocess) -----------------------------------------------------------------
def _quiet() -> None:
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    logging.getLogger("cptscan").setLevel(logging.ERROR)  # "note X not scanned" warnings carry ids only, but are noise


def _digest(results: list[dict]) -> str:
    return hashlib.sha256("\n".join(json.dumps(r, sort_keys=True) for r in results).encode()).hexdigest()


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the jobs=2 pool workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def worker(mode: str, shared: Path, subset: str, sample: Optional[int]) -> dict[str, Any]:
    _quiet()
    notes = note_set(shared, subset, sample)
    out: dict[str, Any] = {"mode": mode, "subset": subset, "notes": len(notes), "bytes": size_of(notes),
                           "sample": sample}
    t0 = time.perf_counter()
    if mode == "baseline":
        import medspacy
        from medspacy.target_matcher import TargetRule

        from cptscan.rules import load_rules

        nlp = medspacy.load()  # PyRuSH sentences, target matcher, ConText
        nlp.get_pipe("medspacy_target_matcher").add(
            [TargetRule.from_dict(rule) for rule in load_rules().target["target_rules"]])
        out["pipeline"] = nlp.pipe_names
        out["load_seconds"] = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), _cpu()
        ents = sum(len(doc.ents) for doc in nlp.pipe((n["text"] for n in notes), batch_size=32))
        out["seconds"] = time.perf_counter() - t1
        out["cpu_seconds"] = _cpu() - c1
        out["targets_found"] = ents
    else:
        import cptscan

        jobs = 2 if mode == "cptscan_jobs2" else 1
        scanner = cptscan.load()
        out["load_seconds"] = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), _cpu()
        results = list(scanner.scan(notes, jobs=jobs))
        out["seconds"] = time.perf_counter() - t1
        out["cpu_seconds"] = _cpu() - c1
        out["jobs"] = jobs
        out["notes_gated_in"] = sum(scanner.gate.passes(n["text"]) for n in notes) if jobs == 1 else None
        out["notes_with_codes"] = sum(bool(r["codes"]) for r in results)
        out["errors"] = sum(bool(r["error"]) for r in results)
        out["results_sha256"] = _digest(results)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out["ru_maxrss_self_mb"] = round(self_kb / 1024, 1)
    out["ru_maxrss_children_mb"] = round(child_kb / 1024, 1)
    out["mb_per_s"] = out["bytes"] / 1e6 / out["seconds"]
    out["notes_per_s"] = out["notes"] / out["seconds"]
    out["mb_per_cpu_s"] = out["bytes"] / 1e6 / out["cpu_seconds"]
    return out


def run_worker(mode: str, shared: Path, subset: str, sample: Optional[int]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out_path = tmp.name
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--shared", str(shared),
           "--subset", subset, "--out", out_path]
    if sample is not None:
        cmd += ["--sample", str(sample)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    poller = MemoryPoller(proc.pid)
    poller.start()
    rc = proc.wait()
    poller.stopped.set()
    poller.join()
    if rc != 0:
        raise SystemExit(f"benchmark worker {mode}/{subset} failed with exit code {rc}")
    result = json.loads(Path(out_path).read_text())
    os.unlink(out_path)
    result["wall_with_load_seconds"] = time.perf_counter() - started
    result["peak_tree_rss_mb"] = round(poller.peak_rss_kb / 1024, 1)
    result["peak_tree_pss_mb"] = round(poller.peak_pss_kb / 1024, 1)
    result["peak_single_process_rss_mb"] = round(max(poller.peak_single_rss_kb / 1024, result["ru_maxrss_self_mb"],
                                                     result["ru_maxrss_children_mb"]), 1)
    result["processes"] = poller.max_procs
    return result


def best_run(mode: str, shared: Path, subset: str, sample: Optional[int], repeats: int) -> dict[str, Any]:
    """The fastest of ``repeats`` runs, each in its own subprocess; the peaks are the highest of all runs."""
    runs = [run_worker(mode, shared, subset, sample) for _ in range(repeats)]
    best = dict(min(runs, key=lambda r: r["seconds"]))
    for peak in ("peak_tree_rss_mb", "peak_tree_pss_mb", "peak_single_process_rss_mb"):
        best[peak] = max(r[peak] for r in runs)
    best["repeat_seconds"] = [round(r["seconds"], 3) for r in runs]
    return best


# -- latency --------------------------------------------------------------------------------------------------
def latency_note(shared: Path, target_bytes: int = 3000) -> tuple[dict, str]:
    """A ~3 KB note that mentions a service: a generated-corpus positive padded with real distractor text
    (MTSamples sentences the gate rejects, so they cannot add mentions)."""
    from cptscan.nlp.gate import Gate

    gold = {g["note_id"]: g for g in _jsonl(ROOT / "corpora" / "generated" / "gold.jsonl")}
    positives = [n for n in _jsonl(ROOT / "corpora" / "generated" / "notes.jsonl") if gold[n["note_id"]]["codes"]]
    base = min(positives, key=lambda n: abs(len(n["text"]) - 1200))
    gate = Gate.from_rules()
    filler: list[str] = []
    for note in mtsamples(shared):
        for sentence in note["text"].split(". "):
            if 40 < len(sentence) < 300 and not gate.present_words(sentence):
                filler.append(sentence.strip() + ".")
        if len(filler) > 200:
            break
    before, after, i = [], [], 0
    while len(base["text"]) + sum(len(s) + 1 for s in before + after) < target_bytes:
        (before if i % 2 else after).append(filler[i])
        i += 1
    text = " ".join(before) + "\n\n" + base["text"] + "\n\n" + " ".join(after)
    record = {k: v for k, v in base.items() if k != "text"}
    return record, text


def latency(shared: Path, calls: int = 300) -> dict[str, Any]:
    _quiet()
    import cptscan

    scanner = cptscan.load()
    record, text = latency_note(shared)
    fields = {k: record[k] for k in ("date_of_service", "note_type") if record.get(k)}
    unpadded = next(r for r in _jsonl(ROOT / "corpora" / "generated" / "notes.jsonl") if r["note_id"] == record["note_id"])
    plain_codes = [c["code"] for c in scanner.scan_text(unpadded["text"], note_id="x", **fields)["codes"]]
    result = None
    for _ in range(20):
        result = scanner.scan_text(text, note_id="latency", **fields)
    times = []
    for _ in range(calls):
        t = time.perf_counter()
        scanner.scan_text(text, note_id="latency", **fields)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    q = statistics.quantiles(times, n=100)
    return {"note_bytes": len(text.encode()), "source_note": record["note_id"], "calls": calls,
            "codes": [c["code"] for c in result["codes"]], "codes_same_as_unpadded": plain_codes == [c["code"] for c in result["codes"]],
            "p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2), "p99_ms": round(q[98], 2), "max_ms": round(times[-1], 2)}


# -- cold start -----------------------------------------------------------------------------------------------
def cold_start(repeats: int = REPEATS) -> dict[str, Any]:
    """``cptscan scan`` of one ~900-character note of the benchmark's own, as a user runs it: the whole
    process (interpreter, imports, loading the pipeline and models, the scan, writing the line)."""
    cli = str(Path(sys.executable).with_name("cptscan"))
    with tempfile.TemporaryDirectory() as tmp:
        notes, out = Path(tmp) / "one.jsonl", Path(tmp) / "out.jsonl"
        notes.write_text(json.dumps(synthetic.short_positive_notes(1)[0]) + "\n", encoding="utf-8")
        walls, cpus = [], []
        for _ in range(repeats):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run([cli, "scan", str(notes), "-o", str(out), "-q"], cwd=ROOT, check=True)
            walls.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        codes = [c["code"] for c in json.loads(out.read_text())["codes"]]
    return {"seconds": round(min(walls), 2), "cpu_seconds": round(min(cpus), 2),
            "repeat_seconds": [round(w, 2) for w in walls], "codes": codes}


# -- long notes -----------------------------------------------------------------------------------------------
LONG_NOTE_CHARS = (500_000, 1_000_000, 2_000_000)


def long_notes() -> dict[str, Any]:
    """One scanner (default time budget) scanning one note each of 0.5, 1 and 2 million characters built by
    repeating the benchmark's own service paragraphs (``synthetic.long_note_text``): time grows with the
    length if no step compares every mention (or cue, or sentence) with every other."""
    _quiet()
    import cptscan

    scanner = cptscan.load()
    scanner.scan_text(synthetic.short_positive_notes(1)[0]["text"])  # warm-up
    out = {}
    for chars in LONG_NOTE_CHARS:
        text = synthetic.long_note_text(chars)
        wall, cpu = time.perf_counter(), _cpu()
        result = scanner.scan_text(text, note_id=f"long-{chars}")
        out[str(chars)] = {"chars": len(text), "seconds": round(time.perf_counter() - wall, 2),
                           "cpu_seconds": round(_cpu() - cpu, 2), "mentions": len(result["mentions"]),
                           "codes": [c["code"] for c in result["codes"]],
                           "error": result["error"]["code"] if result["error"] else None}
    out["time_budget"] = scanner.time_budget
    out["ru_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def in_subprocess(mode: str, shared: Path) -> dict[str, Any]:
    """``--worker mode`` in a fresh process (its own memory, a cold start of its own); its JSON result."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        path = tmp.name
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--shared", str(shared),
                    "--out", path], cwd=ROOT, check=True)
    result = json.loads(Path(path).read_text())
    os.unlink(path)
    return result


# -- the HTTP service ------------------------------------------------------------------------------------------
SERVICE_WORKERS = (1, 2)
SERVICE_CLIENTS = (1, 2, 8)
SERVICE_REQUESTS = 240  # per run, shared among the clients


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its living descendants (the service and its workers)."""
    total = 0.0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def _client_run(base: str, notes: list[dict], clients: int, service_pid: int) -> dict[str, Any]:
    """``clients`` threads, each with its own connection, posting its share of ``notes`` one after another;
    the service's CPU seconds (all its processes) and the clients' are counted too: on a shared 2-core
    machine they say whether a run was short of cores."""
    import httpx

    latencies: list[float] = []
    failures = []

    def client(share: list[dict]) -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            for note in share:
                t = time.perf_counter()
                status = http.post("/v1/scan", json=note).status_code
                latencies.append((time.perf_counter() - t) * 1000)
                if status != 200:
                    failures.append(status)

    threads = [threading.Thread(target=client, args=(notes[i::clients],)) for i in range(clients)]
    started, service_cpu, client_cpu = time.perf_counter(), _tree_cpu(service_pid), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    service_cpu, client_cpu = _tree_cpu(service_pid) - service_cpu, time.process_time() - client_cpu
    q = statistics.quantiles(latencies, n=100)
    return {"clients": clients, "requests": len(latencies), "failures": len(failures), "seconds": round(elapsed, 2),
            "requests_per_s": round(len(latencies) / elapsed, 1), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1),
            "service_cpu_seconds": round(service_cpu, 2), "client_cpu_seconds": round(client_cpu, 2),
            "cores_used": round((service_cpu + client_cpu) / elapsed, 2)}


def service_throughput() -> dict[str, Any]:
    """``cptscan serve --workers W`` on loopback, W = 1 and 2; for each, 1, 2 and 8 concurrent clients post
    ~900-character notes of the benchmark's own (``synthetic.short_positive_notes``), one per request:
    requests per second, per-request latency, and the CPU the service and the clients used. The clients run
    on the same 2 cores as the service."""
    import httpx

    cli = str(Path(sys.executable).with_name("cptscan"))
    notes = synthetic.short_positive_notes(SERVICE_REQUESTS)
    out: dict[str, Any] = {}
    for workers in SERVICE_WORKERS:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k != "CPTSCAN_TOKEN"}
        proc = subprocess.Popen([cli, "serve", "--port", str(port), "--workers", str(workers)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=2).json()["status"] == "ok":
                        break
                except (httpx.TransportError, ValueError):
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"the service with {workers} workers did not come up")
                time.sleep(0.2)
            _client_run(base, notes[:8 * workers], 2 * workers, proc.pid)  # warm-up: every worker's first requests
            out[str(workers)] = [_client_run(base, notes, clients, proc.pid) for clients in SERVICE_CLIENTS]
        finally:
            proc.terminate()
            proc.wait(timeout=120)
    return out


# -- gate equivalence -----------------------------------------------------------------------------------------
def gate_equivalence(shared: Path) -> dict[str, Any]:
    _quiet()
    import cptscan

    gated, ungated = cptscan.load(), cptscan.load(use_gate=False)
    out = {}
    for name, path in (("corpus-dev", shared / "corpus-dev" / "notes.jsonl"),
                       ("generated", ROOT / "corpora" / "generated" / "notes.jsonl"),
                       ("handwritten", ROOT / "corpora" / "handwritten" / "notes.jsonl")):
        notes = _jsonl(path)
        t = time.perf_counter()
        a = list(gated.scan(notes))
        t_gated = time.perf_counter() - t
        t = time.perf_counter()
        b = list(ungated.scan(notes))
        t_ungated = time.perf_counter() - t
        mismatched = [x["note_id"] for x, y in zip(a, b) if x != y]
        out[name] = {"notes": len(notes), "gated_in": sum(gated.gate.passes(n["text"]) for n in notes),
                     "mismatches": len(mismatched) + abs(len(a) - len(b)), "mismatched_ids": mismatched[:20],
                     "seconds_gated": round(t_gated, 2), "seconds_ungated": round(t_ungated, 2)}
    return out


# -- report ---------------------------------------------------------------------------------------------------
def report(res: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 150))
    m = res["machine"]
    console.print(f"[bold]Machine[/]: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, "
                  f"spaCy {m['spacy']}, medspaCy {m['medspacy']}; load average before {res['loadavg_before']}, "
                  f"after {res['loadavg_after']} (other users' processes share these cores)")
    console.print(f"[bold]Baseline[/]: {res['baseline_note']}")

    t = Table(title=f"Throughput (load time excluded; jobs=2 includes starting its workers; cptscan: best of {REPEATS})")
    for col in ("run", "notes", "MB", "seconds", "CPU s", "MB/s", "MB/CPU-s", "notes/s", "peak RSS MB, largest process",
                "peak RSS / PSS MB, all processes", "load s"):
        t.add_column(col, justify="right" if col != "run" else "left")
    for key, r in res["runs"].items():
        t.add_row(key, f"{r['notes']:,}", f"{r['bytes'] / 1e6:.2f}", f"{r['seconds']:.1f}", f"{r.get('cpu_seconds', float('nan')):.1f}",
                  f"{r['mb_per_s']:.3f}", f"{r.get('mb_per_cpu_s', float('nan')):.3f}",
                  f"{r['notes_per_s']:.1f}", f"{r['peak_single_process_rss_mb']:.0f}",
                  f"{r['peak_tree_rss_mb']:.0f} / {r['peak_tree_pss_mb']:.0f}", f"{r['load_seconds']:.1f}")
    console.print(t)

    g = Table(title="Goals")
    for col in ("measure", "value", "goal", "met"):
        g.add_column(col)
    for row in res["goals"]:
        g.add_row(row["measure"], row["value"], row["goal"], "[green]yes[/]" if row["met"] else "[red]no[/]")
    console.print(g)

    lat = res["latency"]
    console.print(f"[bold]Latency[/] scan_text on a {lat['note_bytes']:,}-byte note ({lat['source_note']} padded, codes "
                  f"{lat['codes']}, same as unpadded: {lat['codes_same_as_unpadded']}): p50 {lat['p50_ms']} ms, "
                  f"p95 {lat['p95_ms']} ms, p99 {lat['p99_ms']} ms over {lat['calls']} calls")
    if "cold_start" in res:
        cs = res["cold_start"]
        console.print(f"[bold]Cold start[/] `cptscan scan` of one ~900-character note (whole process, best of "
                      f"{len(cs['repeat_seconds'])}): {cs['seconds']} s wall, {cs['cpu_seconds']} CPU s "
                      f"(codes {cs['codes']}; load average {cs['loadavg_before']})")
    if "long_notes" in res:
        ln = res["long_notes"]
        console.print("[bold]Long notes[/] (one note each, the benchmark's own paragraphs repeated; time budget "
                      f"{ln['time_budget']:g} s): " + "; ".join(
                          f"{int(k) / 1e6:g} M characters {v['seconds']} s ({v['cpu_seconds']} CPU s, {v['mentions']:,} "
                          f"mentions, error {v['error']})" for k, v in ln.items() if k.isdigit())
                      + f"; peak RSS {ln['ru_maxrss_mb']:.0f} MB")
    if "short_notes" in res:
        sn = res["short_notes"]
        b, c = sn["runs"]["baseline"], sn["runs"]["cptscan"]
        console.print(f"[bold]Short positive notes[/] ({c['notes']} of ~{c['bytes'] / c['notes']:.0f} bytes, the benchmark's "
                      f"own): baseline {b['notes_per_s']:.1f} notes/s, cptscan {c['notes_per_s']:.1f} notes/s "
                      f"(best of {len(c['repeat_seconds'])}): {sn['ratio']}x the baseline (goal >= 5x)")
    if "service" in res:
        sv = Table(title="HTTP service (`cptscan serve --workers W`, one ~900-character note a request)")
        for col in ("workers", "clients", "requests", "failures", "requests/s", "p50 ms", "p95 ms",
                    "service CPU ms / request", "cores used (service + clients)"):
            sv.add_column(col, justify="right")
        for workers, rows in res["service"]["workers"].items():
            for r in rows:
                sv.add_row(workers, str(r["clients"]), str(r["requests"]), str(r["failures"]), f"{r['requests_per_s']:.1f}",
                           f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
                           f"{1000 * r['service_cpu_seconds'] / r['requests']:.1f}", f"{r['cores_used']:.2f}")
        console.print(sv)
    eq = res["gate_equivalence"]
    console.print("[bold]Gate equivalence[/] (full result dicts, gate vs use_gate=False): " + "; ".join(
        f"{k}: {v['mismatches']} mismatches / {v['notes']} notes ({v['gated_in']} gated in)" for k, v in eq.items()))
    console.print(f"jobs=2 results identical to jobs=1: {res['jobs2_identical']}")
    console.print(f"Results: {res.get('out', RESULTS)} (run started {res.get('started')})")


def goals(res: dict[str, Any]) -> list[dict[str, Any]]:
    runs = res["runs"]
    mixed = runs["cptscan_all"]["mb_per_s"] / runs["baseline_all"]["mb_per_s"]
    relevant = runs["cptscan_relevant"]["mb_per_s"] / runs["baseline_relevant"]["mb_per_s"]
    jobs = runs["cptscan_jobs2_all"]["mb_per_s"] / runs["cptscan_all"]["mb_per_s"]
    jobs_relevant = runs["cptscan_jobs2_relevant"]["mb_per_s"] / runs["cptscan_relevant"]["mb_per_s"]
    peak = max(r["peak_single_process_rss_mb"] for r in runs.values())
    peak_tree = max(r["peak_tree_pss_mb"] for r in runs.values())
    p95 = res["latency"]["p95_ms"]
    cpu = {k: runs[k].get("mb_per_cpu_s") for k in ("cptscan_all", "baseline_all", "cptscan_relevant", "baseline_relevant")}
    cpu_note = (f" (per CPU-second: {cpu['cptscan_all'] / cpu['baseline_all']:.1f}x / "
                f"{cpu['cptscan_relevant'] / cpu['baseline_relevant']:.1f}x)") if all(cpu.values()) else ""
    mism = sum(v["mismatches"] for v in res["gate_equivalence"].values())
    return [
        {"measure": "cptscan / baseline, mixed real corpus, 1 process", "value": f"{mixed:.1f}x" + (cpu_note.split(" / ")[0] + ")" if cpu_note else ""),
         "goal": f">= {GOALS['mixed_vs_baseline']:.0f}x", "met": mixed >= GOALS["mixed_vs_baseline"], "ratio": mixed},
        {"measure": "cptscan / baseline, relevant notes only", "value": f"{relevant:.1f}x" + (" (per CPU-second: " + cpu_note.split(" / ")[1] if cpu_note else ""),
         "goal": f">= {GOALS['relevant_vs_baseline']:.0f}x", "met": relevant >= GOALS["relevant_vs_baseline"], "ratio": relevant},
        {"measure": "cptscan jobs=2 / jobs=1 (incl. starting the workers)", "value": f"{jobs:.2f}x",
         "goal": f">= {GOALS['jobs2_vs_jobs1']}x", "met": jobs >= GOALS["jobs2_vs_jobs1"], "ratio": jobs},
        {"measure": "cptscan jobs=2 / jobs=1, relevant notes (where the pipeline, not the gate, does the work)",
         "value": f"{jobs_relevant:.2f}x", "goal": f">= {GOALS['jobs2_vs_jobs1']}x",
         "met": jobs_relevant >= GOALS["jobs2_vs_jobs1"], "ratio": jobs_relevant},
        {"measure": "peak RSS, largest single process", "value": f"{peak:.0f} MB",
         "goal": f"< {GOALS['peak_rss_mb']:.0f} MB", "met": peak < GOALS["peak_rss_mb"], "ratio": peak},
        {"measure": "peak PSS, all processes of a run (jobs=2 tree)", "value": f"{peak_tree:.0f} MB",
         "goal": f"< {GOALS['peak_rss_mb']:.0f} MB", "met": peak_tree < GOALS["peak_rss_mb"], "ratio": peak_tree},
        {"measure": "scan_text p95 latency, ~3 KB note", "value": f"{p95:.1f} ms",
         "goal": f"< {GOALS['p95_ms']:.0f} ms", "met": p95 < GOALS["p95_ms"], "ratio": p95},
        {"measure": "gate equivalence mismatches", "value": str(mism), "goal": "0", "met": mism == 0, "ratio": mism},
    ]


#: the parts measured apart from the throughput runs (issue 14): each a function of the shared folder, whose
#: result is stored under its name with the time and load average of its own run (``--only`` reruns some)
PARTS: dict[str, Any] = {
    "cold_start": lambda shared: cold_start(),
    "long_notes": lambda shared: in_subprocess("long_notes", shared),
    "service": lambda shared: {"workers": service_throughput()},
    "short_notes": lambda shared: short_notes(shared),
}


def short_notes(shared: Path) -> dict[str, Any]:
    """The baseline (once) and cptscan (best of ``REPEATS``) on the short positive notes, as the throughput
    runs are measured: each in its own process, loading excluded."""
    runs = {"baseline": best_run("baseline", shared, "short", None, 1),
            "cptscan": best_run("cptscan", shared, "short", None, REPEATS)}
    return {"runs": runs, "ratio": round(runs["cptscan"]["mb_per_s"] / runs["baseline"]["mb_per_s"], 2)}


def run_parts(names: list[str], shared: Path) -> dict[str, Any]:
    unknown = set(names) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown bench part(s) {sorted(unknown)}; known: {', '.join(PARTS)}")
    out = {}
    for name in names:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        before = loadavg()
        out[name] = {**PARTS[name](shared), "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                     "loadavg_before": before, "loadavg_after": loadavg()}
    return out


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--baseline-sample", type=int, default=None,
                    help="baseline on a seeded random sample of N notes of the mixed corpus (default: all notes)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--show", action="store_true", help="print the table of an earlier run (--out) and exit")
    ap.add_argument("--only", default=None,
                    help=f"run only these parts, comma-separated ({', '.join(PARTS)}), and update them in --out")
    ap.add_argument("--worker", choices=("baseline", "cptscan", "cptscan_jobs2", "latency", "gate", "long_notes"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--subset", default="all", help=argparse.SUPPRESS)
    ap.add_argument("--sample", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    shared = args.shared.resolve()

    if args.show:
        report(json.loads(args.out.read_text()))
        return 0
    if args.worker:
        if args.worker == "latency":
            out = latency(shared)
        elif args.worker == "gate":
            out = gate_equivalence(shared)
        elif args.worker == "long_notes":
            out = long_notes()
        else:
            out = worker(args.worker, shared, args.subset, args.sample)
        args.out.write_text(json.dumps(out))
        return 0

    if args.only:
        res = json.loads(args.out.read_text()) if args.out.exists() else {}
        res.update(run_parts([p for p in args.only.split(",") if p], shared))
        res["machine"], res["out"] = machine(), str(args.out)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(res, indent=2) + "\n")
        report(res)
        return 0
    res: dict[str, Any] = {"machine": machine(), "loadavg_before": loadavg(), "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    all_notes = note_set(shared, "all")
    sample = args.baseline_sample if args.baseline_sample and args.baseline_sample < len(all_notes) else None
    res["baseline_note"] = ("medspacy.load() (PyRuSH, target matcher, ConText) + cptscan target rules, on "
                            + (f"a seeded random sample of {sample:,} of the {len(all_notes):,} mixed notes "
                               f"(--baseline-sample {sample}); its MB/s is compared with cptscan's on all notes"
                               if sample else f"all {len(all_notes):,} mixed notes"))
    runs: dict[str, Any] = {}
    steps = [("baseline_all", "baseline", "all", sample), ("cptscan_all", "cptscan", "all", None),
             ("cptscan_jobs2_all", "cptscan_jobs2", "all", None), ("baseline_relevant", "baseline", "relevant", None),
             ("cptscan_relevant", "cptscan", "relevant", None), ("cptscan_jobs2_relevant", "cptscan_jobs2", "relevant", None)]
    for key, mode, subset, n in steps:
        print(f"[bench] {key} ...", file=sys.stderr, flush=True)
        runs[key] = best_run(mode, shared, subset, n, 1 if mode == "baseline" else REPEATS)
        print(f"[bench] {key}: {runs[key]['mb_per_s']:.3f} MB/s, {runs[key]['notes_per_s']:.1f} notes/s", file=sys.stderr, flush=True)
    res["runs"] = runs
    res["jobs2_identical"] = runs["cptscan_all"]["results_sha256"] == runs["cptscan_jobs2_all"]["results_sha256"]
    for key, mode in (("latency", "latency"), ("gate_equivalence", "gate")):
        print(f"[bench] {key} ...", file=sys.stderr, flush=True)
        res[key] = in_subprocess(mode, shared)
    res.update(run_parts(list(PARTS), shared))
    res["loadavg_after"] = loadavg()
    res["out"] = str(args.out)
    res["goals"] = goals(res)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")
    report(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
