"""Where cptscan spends its time (issue 6).

    .venv/bin/python benchmarks/profile_pipeline.py --shared ../shared            # component times
    .venv/bin/python benchmarks/profile_pipeline.py --shared ../shared --cprofile # plus the top functions (cProfile)

1. The gate's own cost over all MTSamples notes, and how many notes it lets through.
2. Component times (tokenizer and each pipe, ms per note and share) on the MTSamples notes the gate lets
   through (every pipe run, as if no note stopped after the target matcher) and on the ~3 KB latency note
   of bench.py; how many gated notes hold an anchor mention (the others stop after the target matcher).
3. ``scan`` of the latency note, p50/p95 CPU milliseconds.
Note text is never printed; only ids, counts and timings.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (data helpers)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "profile.json"
#: CPU time of this (single-threaded) process: the machine is shared, and wall time there measures the neighbours.
CLOCK = time.process_time


# -- measurements ----------------------------------------------------------------------------------------------
def component_times(scanner, texts: list[str], repeat: int = 1) -> dict[str, float]:
    """Total seconds per step (tokenizer, then each pipe) over ``texts``."""
    nlp = scanner.nlp
    totals = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    for _ in range(repeat):
        for text in texts:
            t = CLOCK()
            doc = nlp.make_doc(text)
            totals["tokenizer"] += CLOCK() - t
            for name, proc in nlp.pipeline:
                t = CLOCK()
                doc = proc(doc)
                totals[name] += CLOCK() - t
    return {k: v / repeat for k, v in totals.items()}


def timed(fn, *args, repeat: int = 1) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = CLOCK()
        out = fn(*args)
        best = min(best, CLOCK() - t)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cprofile", action="store_true")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    shared = args.shared.resolve()
    bench._quiet()
    logging.getLogger("cptscan").setLevel(logging.ERROR)
    import cptscan

    res: dict[str, Any] = {"machine": bench.machine(), "loadavg_before": bench.loadavg()}
    scanner = cptscan.load()
    mts = bench.mtsamples(shared)
    t, gated_flags = timed(lambda: [scanner.gate.passes(n["text"]) for n in mts])
    gated = [n for n, ok in zip(mts, gated_flags) if ok]
    res["gate"] = {"notes": len(mts), "mb": bench.size_of(mts) / 1e6, "seconds": t, "mb_per_s": bench.size_of(mts) / 1e6 / t,
                   "passed": len(gated), "passed_mb": bench.size_of(gated) / 1e6}
    print(f"gate: {len(gated)}/{len(mts)} MTSamples notes pass ({res['gate']['passed_mb']:.2f} MB); "
          f"gate itself {t:.2f} s = {res['gate']['mb_per_s']:.1f} MB/s", flush=True)

    # 1. components
    record, latency_text = bench.latency_note(shared)
    for name, texts, repeat in (("mtsamples_gated", [n["text"] for n in gated], 1), ("latency_note", [latency_text], 30)):
        times = component_times(scanner, texts, repeat)
        total = sum(times.values())
        res.setdefault("components", {})[name] = {
            "notes": len(texts), "total_s": total,
            "ms_per_note": {k: round(v / len(texts) * 1000, 2) for k, v in times.items()},
            "share": {k: round(v / total, 3) for k, v in times.items()}}
        print(f"\n{name}: {len(texts)} notes x{repeat}, {total / len(texts) * 1000:.1f} ms/note")
        for k, v in sorted(times.items(), key=lambda kv: -kv[1]):
            print(f"  {k:36s} {v / len(texts) * 1000:8.2f} ms/note  {v / total:6.1%}")
    from cptscan.nlp.components import MENTIONS

    anchors = set(scanner.rules.anchor_labels)
    targets = scanner.nlp.get_pipe("cptscan_targets")
    with_anchor = 0
    for n in gated:
        doc = targets(scanner.nlp.make_doc(n["text"]))
        with_anchor += any(s.label_ in anchors for s in doc.spans.get(MENTIONS, []))
    res["gated_with_anchor_mention"] = with_anchor
    print(f"\ngated MTSamples notes with an anchor mention after the target matcher: {with_anchor}/{len(gated)}")

    if args.cprofile:
        prof = cProfile.Profile()
        prof.enable()
        list(scanner.scan(gated[:150]))
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(20)
        print(buf.getvalue())

    # 3. latency of the shipped scanner
    latency_record = [{"note_id": "lat", "text": latency_text, "date_of_service": record.get("date_of_service"),
                       "note_type": record.get("note_type")}]
    for _ in range(10):
        list(scanner.scan(latency_record))
    samples = []
    for _ in range(100):
        t0 = CLOCK()
        list(scanner.scan(latency_record))
        samples.append((CLOCK() - t0) * 1000)
    q = statistics.quantiles(samples, n=100)
    res["latency"] = {"p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2)}
    print(f"\nlatency note, scan(): {res['latency']} (CPU ms)")
    res["loadavg_after"] = bench.loadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")
    print("(all times are CPU seconds of this process, time.process_time)")
    print(f"\nwritten to {args.out}; load average {res['loadavg_before']} -> {res['loadavg_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
