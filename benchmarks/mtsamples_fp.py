"""False positives on real text: scan every MTSamples transcription and list the notes given any code.

MTSamples predates the services cptscan looks for (../shared/external/README.md), so every candidate code
is a false positive. Prints counts per row and per distinct transcription, per code, and for each flagged
note its id, codes and the affirmed service mentions' rule ids (never the note text). Writes the same to
benchmarks/results/mtsamples_fp.json.

Some transcriptions are the carrier pool of cptscan's training corpus (``corpora/carriers/rows.json``):
their text, with a generated paragraph inserted, was read in training. The figure on the rows outside the
pool (``held_out``) is the one that measures the models on text they never saw.

    .venv/bin/python benchmarks/mtsamples_fp.py --shared ../shared
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter
from pathlib import Path

import cptscan

SERVICES = {"CCTA_PLAQUE_ANALYSIS", "PERIVASCULAR_FAT_ANALYSIS", "BURN_MULTISPECTRAL_IMAGING"}
CARRIER_ROWS = Path(__file__).resolve().parents[1] / "corpora" / "carriers" / "rows.json"


def carrier_pool() -> set[str]:
    """Row ids whose transcription may carry a training paragraph (none when the carriers are absent)."""
    if not CARRIER_ROWS.exists():
        return set()
    return set(json.loads(CARRIER_ROWS.read_text(encoding="utf-8"))["pool_rows"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "mtsamples_fp.json"))
    args = parser.parse_args()
    path = Path(args.shared) / "external" / "mtsamples" / "mtsamples.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["transcription"].strip()]
    scanner = cptscan.load()
    started = time.perf_counter()
    results = list(scanner.scan({"note_id": r["note_id"], "text": r["transcription"]} for r in rows))
    seconds = time.perf_counter() - started
    flagged = [r for r in results if r["codes"]]
    text_of = {r["note_id"]: r["transcription"] for r in rows}
    per_code = Counter(c["code"] for r in flagged for c in r["codes"])
    pool = carrier_pool()
    held_out = [r for r in rows if r["note_id"] not in pool]
    report = {
        "rows": len(rows),
        "distinct_transcriptions": len(set(text_of.values())),
        "flagged_rows": len(flagged),
        "flagged_distinct_transcriptions": len({text_of[r["note_id"]] for r in flagged}),
        "flagged_rate": len(flagged) / len(rows),
        "per_code": dict(per_code),
        "held_out": {"rows": len(held_out), "carrier_pool_rows": len(rows) - len(held_out),
                     "flagged_rows": sum(r["note_id"] not in pool for r in flagged)},
        "seconds": round(seconds, 2),
        "flagged": [{"note_id": r["note_id"], "codes": [c["code"] for c in r["codes"]],
                     "rules": sorted({m["rule"] for m in r["mentions"] if m["label"] in SERVICES and m["assertion"] == "affirmed"})}
                    for r in flagged],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"MTSamples: {report['rows']} notes ({report['distinct_transcriptions']} distinct), "
          f"{report['flagged_rows']} flagged ({report['flagged_rate']:.2%}), "
          f"{report['flagged_distinct_transcriptions']} distinct; per code {report['per_code']}; {seconds:.1f} s")
    held = report["held_out"]
    print(f"  outside the training carrier pool: {held['rows']} notes, {held['flagged_rows']} flagged "
          f"({held['carrier_pool_rows']} pool rows left out)")
    for item in report["flagged"]:
        print(f"  {item['note_id']}: {item['codes']} from {item['rules']}")


if __name__ == "__main__":
    main()
