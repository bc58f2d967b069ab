"""Where --jobs helps: one process vs two on notes that all need the full pipeline.

bench.py measures --jobs 2 on the mixed corpus, where the gate turns away 99% of notes and a run lasts
a second or two, so starting the workers weighs on the ratio. Here every note is a generated
corpus note (most hold a service), repeated ``--copies`` times, so the pipeline does the work.

    .venv/bin/python benchmarks/jobs_scaling.py [--copies 2]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import cptscan

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "jobs_scaling.json"))
    args = parser.parse_args()
    notes = [json.loads(line) for line in open(ROOT / "corpora" / "generated" / "notes.jsonl", encoding="utf-8")]
    records = [{**n, "note_id": f"{k}-{n['note_id']}"} for k in range(args.copies) for n in notes]
    scanner = cptscan.load()
    timings, outputs = {}, {}
    for jobs in (1, 2):
        started = time.perf_counter()
        outputs[jobs] = list(scanner.scan(records, jobs=jobs))
        timings[jobs] = time.perf_counter() - started
    report = {"notes": len(records), "mb": sum(len(r["text"]) for r in records) / 1e6,
              "seconds_jobs1": round(timings[1], 2), "seconds_jobs2": round(timings[2], 2),
              "ratio": round(timings[1] / timings[2], 2), "identical": outputs[1] == outputs[2],
              "loadavg_after": os.getloadavg()}
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
