"""Do the trained classifiers help? The scanner on the development set with rules only, rules + the
interpretation model, and rules + both models, scored note by note with ``cptscan.evaluate.metrics``.

Each configuration is a models folder (``CPTSCAN_MODELS``): empty for rules only, or a manifest that lists a
subset of the trained models (the files are copied, so hashes are checked as in production). Also prints a
sentence-level proxy of each model on the development notes: a sentence is positive when it overlaps an
affirmed gold span of the model's label (the development set has no sentence labels).

The development set is only measured here; nothing in it feeds training or model selection.

    .venv/bin/python benchmarks/ablation.py                 # tables on stdout
    .venv/bin/python benchmarks/ablation.py --card          # and into src/cptscan/models/MODEL_CARD.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cptscan.evaluate.metrics import note_level, read_jsonl  # noqa: E402
from cptscan.models import MANIFEST, load_verified, models_dir, read_manifest  # noqa: E402
from cptscan.train import ABLATION_END, ABLATION_START, FAMILIES, pipeline_sentences  # noqa: E402

CONFIGS = (("rules only", ()), ("rules + interpretation", ("interpretation",)),
           ("rules + interpretation + service", ("interpretation", "service")))
CODES = ("75577", "0972T", "0992T", "0993T")
ELEMENTS = ("input", "process", "interpretation")


def models_subset(source: Path, names: tuple[str, ...], into: Path) -> Path:
    """A models folder holding only ``names`` (copied files, same manifest entries)."""
    into.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(source)
    entries = {n: e for n, e in manifest.get("models", {}).items() if n in names}
    for entry in entries.values():
        shutil.copy2(source / entry["file"], into / entry["file"])
    (into / MANIFEST).write_text(json.dumps({**manifest, "models": entries}), encoding="utf-8")
    return into


def scan_with(models: Path, notes: list[dict]) -> tuple[list[dict], float]:
    """Results of a scanner loaded from ``models``, and the scan time in seconds."""
    os.environ["CPTSCAN_MODELS"] = str(models)
    import cptscan

    scanner = cptscan.load()
    started = time.perf_counter()
    results = list(scanner.scan(notes))
    return results, time.perf_counter() - started


def run_configs(source: Path, notes: list[dict], gold: list[dict]) -> dict[str, Any]:
    saved = os.environ.get("CPTSCAN_MODELS")
    out = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for i, (name, subset) in enumerate(CONFIGS):
                folder = models_subset(source, subset, Path(tmp) / str(i))
                results, seconds = scan_with(folder, notes)
                out[name] = {**note_level(gold, results), "seconds": round(seconds, 2),
                             "needs_review": sum(c["status"] == "needs_review" for r in results for c in r["codes"])}
    finally:
        if saved is None:
            os.environ.pop("CPTSCAN_MODELS", None)
        else:
            os.environ["CPTSCAN_MODELS"] = saved
    return out


def sentence_proxy(source: Path, notes: list[dict], gold: list[dict]) -> dict[str, Any]:
    """Each model alone on every development sentence, against sentences overlapping affirmed gold spans."""
    from cptscan.nlp.classifiers import classifier_text
    from cptscan.train import positive_predictions, score

    manifest = read_manifest(source)
    spans = {g["note_id"]: [s for s in g.get("spans", []) if s.get("assertion") == "affirmed"] for g in gold}
    rows = []  # (text, gold interpretation label, gold service label)
    for note, cuts in zip(notes, pipeline_sentences(n["text"] for n in notes)):
        for start, end in cuts:
            inside = {s["label"] for s in spans.get(note["note_id"], []) if s["start"] < end and start < s["end"]}
            families = sorted(inside & set(FAMILIES))
            rows.append((classifier_text(note["text"][start:end]),
                         "interpretation" if "PHYSICIAN_INTERPRETATION" in inside else "other",
                         families[0] if families else "other"))
    out = {}
    for name, column in (("interpretation", 1), ("service", 2)):
        entry = manifest["models"][name]
        model = load_verified(source / entry["file"], entry["sha256"], entry["sklearn_version"])
        proba = model.predict_proba([r[0] for r in rows])
        classes = [str(c) for c in model.classes_]
        pred = positive_predictions(proba, classes, entry["labels"], entry["threshold"])
        out[name] = score([r[column] for r in rows], pred, entry["labels"])
    out["sentences"] = len(rows)
    return out


def _row(label: str, cells: list[dict]) -> str:
    return f"| {label} | " + " | ".join(f"{c['precision']:.2f} / {c['recall']:.2f} / {c['f1']:.2f}" for c in cells) + " |"


def render(report: dict[str, Any], proxy: dict[str, Any]) -> str:
    names = list(report)
    empty = {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    lines = ["P / R / F1 per configuration (67 notes of corpus-dev; needs_review is not a candidate).", "",
             "| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    lines.append(_row("codes (micro)", [report[n]["code"] for n in names]))
    for code in CODES:
        lines.append(_row(f"code {code}", [report[n]["per_code"].get(code, empty) for n in names]))
    lines.append(_row("billable (supported)", [report[n]["billable"] for n in names]))
    lines.append(_row("missing elements (micro)", [report[n]["missing"] for n in names]))
    for element in ELEMENTS:
        lines.append(_row(f"missing {element}", [report[n]["missing_per_element"].get(element, empty) for n in names]))
    lines.append(_row("concepts (micro)", [report[n]["concepts"] for n in names]))
    lines.append("| status agreement (matched codes) | " + " | ".join(
        f"{report[n]['status']['accuracy']:.2f} ({report[n]['status']['correct']}/{report[n]['status']['total']})" for n in names) + " |")
    lines.append("| needs_review codes | " + " | ".join(str(report[n]["needs_review"]) for n in names) + " |")
    lines.append("| scan seconds | " + " | ".join(str(report[n]["seconds"]) for n in names) + " |")
    lines += ["", f"Sentence-level proxy on the development notes ({proxy['sentences']} pipeline sentences; "
              "positive = overlaps an affirmed gold span of the label; the model alone, no anchor filter):", "",
              "| model | precision | recall | F1 | tp | fp | fn |", "|---|---|---|---|---|---|---|"]
    for name in ("interpretation", "service"):
        m = proxy[name]
        lines.append(f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['tp']} | {m['fp']} | {m['fn']} |")
    return "\n".join(lines)


def write_card(card: Path, table: str, verdict: str) -> None:
    text = card.read_text(encoding="utf-8")
    from cptscan.rules import load_rules

    block = (f"{ABLATION_START}\nReproduce: `.venv/bin/python benchmarks/ablation.py --card` "
             f"(measured with rules {load_rules().sha256[:16]}; the rules change more often than the models).\n\n{table}\n\n"
             f"{verdict}\n{ABLATION_END}")
    if ABLATION_START in text and ABLATION_END in text:
        text = text[:text.index(ABLATION_START)] + block + text[text.index(ABLATION_END) + len(ABLATION_END):]
    else:
        text += "\n" + block + "\n"
    card.write_text(text, encoding="utf-8")


def verdict_of(report: dict[str, Any]) -> str:
    """One honest sentence per model: did code F1 or missing-element F1 move?"""
    base, interp, both = (report[name] for name, _ in CONFIGS)
    parts = []
    for label, cfg in (("the interpretation model", interp), ("adding the service model", both)):
        ref = base if cfg is interp else interp
        parts.append(f"{label}: code F1 {ref['code']['f1']:.3f} → {cfg['code']['f1']:.3f}, missing-element F1 "
                     f"{ref['missing']['f1']:.3f} → {cfg['missing']['f1']:.3f}, status agreement "
                     f"{ref['status']['accuracy']:.2f} → {cfg['status']['accuracy']:.2f}")
    text = "Measured change — " + "; ".join(parts) + "."
    for label, cfg, ref in (("The interpretation model", interp, base), ("The service model", both, interp)):
        if not _raises(cfg, ref):
            text += (f" {label} does not raise code, billable or missing-element F1 or status agreement on the "
                     "development set.")
    return text


def _raises(cfg: dict[str, Any], ref: dict[str, Any]) -> bool:
    """Any headline figure better than the reference configuration."""
    return (cfg["code"]["f1"] > ref["code"]["f1"] or cfg["billable"]["f1"] > ref["billable"]["f1"]
            or cfg["missing"]["f1"] > ref["missing"]["f1"] or cfg["status"]["accuracy"] > ref["status"]["accuracy"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpus-dev")
    parser.add_argument("--models", type=Path, default=models_dir())
    parser.add_argument("--card", action="store_true", help="write the tables into MODEL_CARD.md of --models")
    parser.add_argument("--json", type=Path, help="write the full reports as JSON here")
    args = parser.parse_args()
    notes, gold = read_jsonl(args.dev / "notes.jsonl"), read_jsonl(args.dev / "gold.jsonl")
    report = run_configs(args.models, notes, gold)
    proxy = sentence_proxy(args.models, notes, gold)
    table, verdict = render(report, proxy), verdict_of(report)
    print(table, "", verdict, sep="\n")
    if args.json:
        args.json.write_text(json.dumps({"configs": report, "sentence_proxy": proxy}, indent=2), encoding="utf-8")
    if args.card:
        write_card(args.models / "MODEL_CARD.md", table, verdict)


if __name__ == "__main__":
    main()
