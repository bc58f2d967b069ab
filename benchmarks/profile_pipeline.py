"""Where cptscan spends its time, and what three no-accuracy-cost changes would save (issue 6, part 3).

    .venv/bin/python benchmarks/profile_pipeline.py --shared ../shared            # component times + variants
    .venv/bin/python benchmarks/profile_pipeline.py --shared ../shared --cprofile # plus the top functions (cProfile)

1. Component times (tokenizer and each pipe, ms per note and share) on the MTSamples notes the gate lets
   through, and on the ~3 KB latency note of bench.py; the gate's own cost over all MTSamples notes.
2. Variants, implemented here without touching src/ and checked to give result dicts equal to the current
   scanner's on corpus-dev, the hand-written corpus, a sample of the generated corpus and the gated MTSamples
   notes:
   * ``early_exit``: a doc without an anchor mention stops right after the target matcher (its result is
     empty anyway: ``Scanner._result`` drops every mention of a note without an anchor);
   * ``context_sentences``: ConText's matcher runs only on the sentences that hold a target (a ConText
     modifier's scope never leaves its sentence), instead of the whole note;
   * both together.
Note text is never printed; only ids, counts and timings.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import pstats
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (data helpers)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "profile.json"
#: CPU time of this (single-threaded) process: the machine is shared, and wall time there measures the neighbours.
CLOCK = time.process_time


# -- variants ------------------------------------------------------------------------------------------------
class SentenceMatcher:
    """Stands in for ConText's matcher: matches only inside the sentences holding a target (and the next one,
    so that a match starting in a target sentence is still found whole); keeps matches starting in them."""

    def __init__(self, matcher: Any, span_group: str):
        self.matcher, self.span_group = matcher, span_group

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)

    def __call__(self, doc):
        targets = doc.spans[self.span_group] if self.span_group in doc.spans else []
        if not len(targets):
            return []
        sents = list(doc.sents)
        starts = [s.start for s in sents]
        import bisect

        wanted = sorted({bisect.bisect_right(starts, t.start) - 1 for t in targets})
        out = []
        for i in wanted:
            lo, hi = sents[i].start, sents[i].end
            window_end = sents[i + 1].end if i + 1 < len(sents) else hi
            for match_id, start, end in self.matcher(doc[lo:window_end]):
                if start + lo < hi:
                    out.append((match_id, start + lo, end + lo))
        return sorted(out, key=lambda m: (m[1], m[2]))


def install_context_sentences(nlp) -> None:
    context = nlp.get_pipe("cptscan_context")
    if not isinstance(context._ConText__matcher, SentenceMatcher):
        context._ConText__matcher = SentenceMatcher(context._ConText__matcher, context.span_group_name)


def run_pipeline(scanner, docs, early_exit: bool) -> Iterator:
    """nlp.pipe, one doc at a time, in the pipeline's order, with an optional stop right after the target
    matcher for docs without an anchor mention (the target rules use sentence starts, so sentences stay first)."""
    from cptscan.nlp.components import MENTIONS

    anchors = set(scanner.rules.anchor_labels)
    for doc in docs:
        for name, proc in scanner.nlp.pipeline:
            doc = proc(doc)
            if early_exit and name == "cptscan_targets" and not any(s.label_ in anchors for s in doc.spans.get(MENTIONS, [])):
                doc = None  # the result of a doc without an anchor mention is the result of no doc
                break
        yield doc


def variant_scan(scanner, records, early_exit: bool) -> list[dict]:
    from cptscan.nlp.pipeline import make_doc
    from cptscan.records import Note
    from cptscan.scanner import validate
    from cptscan.textprep import neutralise_markup

    seen: set[str] = set()
    out = []
    for record in records:
        item = validate(record, seen, scanner.max_chars)
        if not isinstance(item, Note):
            out.append(scanner._error_line(*item))
            continue
        doc = None
        if not scanner.use_gate or scanner.gate.passes(item.text):
            doc = next(run_pipeline(scanner, [make_doc(scanner.nlp, neutralise_markup(item.text), item.date_of_service,
                                                       item.note_type)], early_exit))
        out.append(scanner._result(item, doc))
    return out


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
    ap.add_argument("--generated-sample", type=int, default=300)
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

    # 2. variants, checked for equal results
    corpus = bench._jsonl(ROOT / "corpora" / "generated" / "notes.jsonl")
    check = (bench.dev_notes(shared) + bench._jsonl(ROOT / "corpora" / "handwritten" / "notes.jsonl")
             + random.Random(6).sample(corpus, min(args.generated_sample, len(corpus))))
    reference_gated = list(scanner.scan(gated))
    reference_check = list(scanner.scan(check))
    t_current, _ = timed(lambda: list(scanner.scan(gated)))
    latency_record = [{"note_id": "lat", "text": latency_text, "date_of_service": record.get("date_of_service"),
                       "note_type": record.get("note_type")}]

    def lat(fn) -> dict[str, float]:
        for _ in range(10):
            fn()
        samples = []
        for _ in range(100):
            t0 = CLOCK()
            fn()
            samples.append((CLOCK() - t0) * 1000)
        q = statistics.quantiles(samples, n=100)
        return {"p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2)}

    res["variants"] = {"current": {"gated_mtsamples_s": t_current, "latency": lat(lambda: list(scanner.scan(latency_record))),
                                   "mismatches": 0}}
    print(f"\ncurrent: gated MTSamples {t_current:.1f} s, latency {res['variants']['current']['latency']}")
    variants = [("early_exit", True, False), ("context_sentences", False, True), ("early_exit+context_sentences", True, True)]
    for name, early, ctx_sent in variants:
        vscanner = cptscan.load()
        if ctx_sent:
            install_context_sentences(vscanner.nlp)
        t_v, out_gated = timed(lambda: variant_scan(vscanner, gated, early))
        out_check = variant_scan(vscanner, check, early)
        mism = [a["note_id"] for a, b in zip(reference_gated + reference_check, out_gated + out_check) if a != b]
        res["variants"][name] = {"gated_mtsamples_s": t_v, "speedup_gated": t_current / t_v,
                                 "latency": lat(lambda: variant_scan(vscanner, latency_record, early)),
                                 "mismatches": len(mism), "mismatched_ids": mism[:20],
                                 "checked_notes": len(gated) + len(check)}
        print(f"{name}: gated MTSamples {t_v:.1f} s ({t_current / t_v:.2f}x), latency {res['variants'][name]['latency']}, "
              f"{len(mism)} mismatches over {len(gated) + len(check)} notes", flush=True)

    # what the whole mixed corpus would cost with the gate + variant (gate time + gated-note time)
    all_mb = bench.size_of(mts) / 1e6
    for name, v in res["variants"].items():
        v["projected_all_mtsamples_mb_per_s"] = all_mb / (res["gate"]["seconds"] + v["gated_mtsamples_s"])
    res["loadavg_after"] = bench.loadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")
    print("(all times are CPU seconds of this process, time.process_time)")
    print(f"\nwritten to {args.out.relative_to(ROOT)}; load average {res['loadavg_before']} -> {res['loadavg_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
