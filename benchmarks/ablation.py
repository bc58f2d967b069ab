"""What does each capability contribute? The scanner with everything on, then with each capability of
``cptscan.ablation.CAPABILITIES`` switched off in turn, on the development sets as written and hard-wrapped
at 64 columns, scored by ``cptscan.evaluate.metrics.evaluate`` (the figures of ``cptscan evaluate --json``).

One row of the table is ``cptscan evaluate NOTES GOLD --json [--render wrap64] --ablate NAME``. With
``--card`` it also measures the trained classifiers for the model card: rules only, rules + the
interpretation model, and both models (the classifiers switched off by the same registry), with a
sentence-level proxy of each model (a sentence is positive when it overlaps an affirmed gold span of the
model's label: the development set has no sentence labels).

The development sets are only measured here; nothing in them feeds rules, training or model selection.

    .venv/bin/python benchmarks/ablation.py                 # tables on stdout
    .venv/bin/python benchmarks/ablation.py --docs          # and into docs/evaluation.md
    .venv/bin/python benchmarks/ablation.py --card          # the classifier ablation into MODEL_CARD.md
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import cptscan  # noqa: E402
from cptscan.ablation import CAPABILITIES  # noqa: E402
from cptscan.evaluate.metrics import evaluate, read_jsonl  # noqa: E402
from cptscan.evaluate.render import render_notes  # noqa: E402
from cptscan.models import load_verified, models_dir, read_manifest  # noqa: E402
from cptscan.train import ABLATION_END, ABLATION_START, FAMILIES, pipeline_sentences  # noqa: E402

DOCS_START, DOCS_END = "<!-- capabilities:start -->", "<!-- capabilities:end -->"
SETS = ("corpus-dev2", "corpus-dev")
RENDERINGS = (None, "wrap64")
CLASSIFIERS = ("interpretation_model", "service_model")
CARD_CONFIGS = (("rules only", CLASSIFIERS), ("rules + interpretation", ("service_model",)),
                ("rules + interpretation + service", ()))
ELEMENTS = ("input", "process", "interpretation")


def scored(scanner: Any, notes: list[dict], gold: list[dict], rendering: Optional[str]) -> dict[str, Any]:
    """The evaluation report of ``scanner`` on ``notes`` (re-rendered first if asked), and its scan time."""
    started = time.perf_counter()
    results = list(scanner.scan(render_notes(notes, rendering) if rendering else notes))
    seconds = time.perf_counter() - started
    return {**evaluate(gold, results, reps=0), "seconds": round(seconds, 2),
            "needs_review": sum(c["status"] == "needs_review" for r in results for c in r["codes"])}


def run_capabilities(sets: dict[str, tuple[list[dict], list[dict]]]) -> dict[str, dict[str, Any]]:
    """Per row (``all on``, then each capability off) the report of every (set, rendering)."""
    out: dict[str, dict[str, Any]] = {}
    for name in ("all on", *CAPABILITIES):
        scanner = cptscan.load(ablate=() if name == "all on" else (name,))
        out[name] = {_key(set_name, rendering): scored(scanner, notes, gold, rendering)
                     for set_name, (notes, gold) in sets.items() for rendering in RENDERINGS}
        print(f"measured {name}", file=sys.stderr, flush=True)
    return out


def _key(set_name: str, rendering: Optional[str]) -> str:
    return f"{set_name} {rendering or 'as written'}"


def _cells(report: dict[str, Any]) -> list[str]:
    code, status = report["code"], report["status"]
    return [f"{code['precision']:.3f}", f"{code['recall']:.3f}", f"{code['f1']:.3f}", f"{report['billable']['f1']:.3f}",
            f"{status['correct']}/{status['total']}", f"{report['missing']['f1']:.3f}"]


def render_capabilities(reports: dict[str, dict[str, Any]], sets: dict[str, tuple[list[dict], list[dict]]]) -> str:
    """One markdown table per (set, rendering); a figure that differs from ``all on`` is in bold."""
    lines = []
    for set_name, (_, gold) in sets.items():
        for rendering in RENDERINGS:
            key = _key(set_name, rendering)
            base = _cells(reports["all on"][key])
            lines += [f"**{set_name}**, {rendering + ' (hard-wrapped at 64 columns)' if rendering else 'as written'} "
                      f"({len(gold)} notes)", "",
                      "| switched off | code P | code R | code F1 | billable F1 | status | missing F1 |",
                      "|---|---|---|---|---|---|---|"]
            for name, per_set in reports.items():
                cells = [c if name == "all on" or c == b else f"**{c}**" for c, b in zip(_cells(per_set[key]), base)]
                lines.append(f"| {'(none: all on)' if name == 'all on' else name} | " + " | ".join(cells) + " |")
            lines.append("")
    return "\n".join(lines).rstrip()


def capability_list() -> str:
    return "\n".join(f"| `{name}` | {spec.about} | {_how(spec)} |" for name, spec in CAPABILITIES.items())


def _how(spec: Any) -> str:
    ways = [f"pipe `{p}` disabled" for p in spec.pipes] + [f"preparation step `{s}` skipped" for s in spec.steps]
    if spec.knowledge is not None:
        ways.append(spec.knowledge.__doc__.splitlines()[0].rstrip("."))
    return "; ".join(ways)


def replace_between(path: Path, start: str, end: str, block: str) -> None:
    """``block`` written between the markers ``start`` and ``end`` of ``path`` (appended with them if absent)."""
    text = path.read_text(encoding="utf-8")
    block = f"{start}\n{block}\n{end}"
    if start in text and end in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def docs_block(table: str) -> str:
    from cptscan.rules import load_rules

    return (f"Reproduce: `.venv/bin/python benchmarks/ablation.py --docs` (rules {load_rules().sha256[:16]}). "
            "Each row is `cptscan evaluate NOTES GOLD --json [--render wrap64] --ablate NAME`; figures differing "
            "from the first row are in bold; status is agreement on matched codes.\n\n"
            "| name | what it does | how it is switched off |\n|---|---|---|\n"
            f"{capability_list()}\n\n{table}")


# -- the classifiers, for the model card ------------------------------------------------------------------------
def run_card(notes: list[dict], gold: list[dict]) -> dict[str, Any]:
    return {name: scored(cptscan.load(ablate=off), notes, gold, None) for name, off in CARD_CONFIGS}


def sentence_proxy(source: Path, notes: list[dict], gold: list[dict]) -> dict[str, Any]:
    """Each model alone on every development sentence, against sentences overlapping affirmed gold spans."""
    from cptscan.nlp.classifiers import classifier_text
    from cptscan.rules import load_rules
    from cptscan.train import positive_predictions, score

    manifest = read_manifest(source)
    interpretation = set(load_rules().labels_with_role("interpretation"))
    spans = {g["note_id"]: [s for s in g.get("spans", []) if s.get("assertion") == "affirmed"] for g in gold}
    rows = []  # (text, gold interpretation label, gold service label)
    for note, cuts in zip(notes, pipeline_sentences(n["text"] for n in notes)):
        for start, end in cuts:
            inside = {s["label"] for s in spans.get(note["note_id"], []) if s["start"] < end and start < s["end"]}
            families = sorted(inside & set(FAMILIES))
            rows.append((classifier_text(note["text"][start:end]),
                         "interpretation" if inside & interpretation else "other",
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


def render_card(report: dict[str, Any], proxy: dict[str, Any], notes: int) -> str:
    names = list(report)
    empty = {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    codes = sorted({code for n in names for code in report[n]["per_code"]})
    lines = [f"P / R / F1 per configuration ({notes} notes of corpus-dev; needs_review is not a candidate).", "",
             "| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    lines.append(_row("codes (micro)", [report[n]["code"] for n in names]))
    for code in codes:
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


def verdict_of(report: dict[str, Any]) -> str:
    """One honest sentence per model: did code F1 or missing-element F1 move?"""
    base, interp, both = (report[name] for name, _ in CARD_CONFIGS)
    parts = []
    for label, cfg, ref in (("the interpretation model", interp, base), ("adding the service model", both, interp)):
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


def card_block(table: str, verdict: str) -> str:
    from cptscan.rules import load_rules

    return (f"Reproduce: `.venv/bin/python benchmarks/ablation.py --card` (measured with rules "
            f"{load_rules().sha256[:16]}; the rules change more often than the models). The classifiers are "
            "switched off as `--ablate interpretation_model,service_model` does; every other capability is "
            "measured in docs/evaluation.md.\n\n"
            f"{table}\n\n{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="folder holding the dev sets")
    parser.add_argument("--docs", action="store_true", help="write the capability tables into docs/evaluation.md")
    parser.add_argument("--card", action="store_true", help="measure the classifiers into models/MODEL_CARD.md")
    parser.add_argument("--json", type=Path, help="write the full reports as JSON here")
    args = parser.parse_args()
    sets = {name: (read_jsonl(args.shared / name / "notes.jsonl"), read_jsonl(args.shared / name / "gold.jsonl"))
            for name in SETS}
    reports: dict[str, Any] = {"capabilities": run_capabilities(sets)}
    table = render_capabilities(reports["capabilities"], sets)
    print(table)
    if args.docs:
        replace_between(ROOT / "docs" / "evaluation.md", DOCS_START, DOCS_END, docs_block(table))
    if args.card:
        notes, gold = sets["corpus-dev"]
        reports["card"] = run_card(notes, gold)
        reports["sentence_proxy"] = sentence_proxy(models_dir(), notes, gold)
        card, verdict = render_card(reports["card"], reports["sentence_proxy"], len(gold)), verdict_of(reports["card"])
        print("", card, "", verdict, sep="\n")
        replace_between(models_dir() / "MODEL_CARD.md", ABLATION_START, ABLATION_END, card_block(card, verdict))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
