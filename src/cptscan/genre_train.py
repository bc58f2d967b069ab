"""Training of the genre classifier (``cptscan train-genre``): what kind of text a document or a block is.

The classes are the genres of ``corpora/genre`` (clinical narrative, report, vendor printout, payer letter,
authorization form, coder/CDI query, query answer, education, research). Training reads the seeded genre
corpus and its hand-written blocks, and real MTSamples transcriptions as clinical text (radiology as reports,
the rest as narratives; the rows that mention the services' words are left out). Each document is one
example and each of its blocks another, since the scanner asks the model about both.

Validation sees phrasing training did not: the genre corpus is split by writer (template family D and the
hand-written blocks are held out) and MTSamples by a hash of the transcription text (a text repeated under
two specialties stays on one side). C is chosen on validation; the shipped model is then refitted on train
and validation together, with that C, and the card says both.

The development sets are never read here.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Optional, Sequence

from .models import MANIFEST, compact_vocabularies, file_sha256

MODEL_FILE = "genre.joblib"
MODEL_NAME = "genre"
COMPONENT = "cptscan_genre"
C_GRID = (1.0, 4.0, 16.0)
SEED = 2026
#: the hand-written blocks' writer: held out with the generator's validation writer
HAND_WRITER = "H"
MIN_BLOCK_CHARS = 30
#: MTSamples documents used for training at the most (the rest of the train side is not needed)
MTSAMPLES_TRAIN_CAP = 1500
MTSAMPLES_VALIDATION_SHARE = 5  # one transcription in five, by text hash
#: MTSamples lost its line breaks (sections are joined by ","): a comma glued to the next capital word
#: or header was a line break
MT_HEADER = re.compile(r"\s*,\s*(?=[A-Z][A-Z /&()-]{2,}:)")
MT_LINE = re.compile(r"(?<=[.:])\s*,(?=[A-Z])|\s,(?=\S)")
DIGITS = re.compile(r"\d")
SPACES = re.compile(r"\s+")
CARD_START = "<!-- genre:start -->"
CARD_END = "<!-- genre:end -->"


@dataclass(frozen=True)
class Example:
    text: str
    genre: str
    unit: str  # "document" or "block"
    source: str  # genre corpus writer, or "mtsamples"
    split: str


def genre_text(text: str) -> str:
    """What the model sees: digits folded to 0 and white space collapsed (a wrapped note reads the same)."""
    return SPACES.sub(" ", DIGITS.sub("0", text)).strip()


def _split_of_text(text: str) -> str:
    digest = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)
    return "validation" if digest % MTSAMPLES_VALIDATION_SHARE == 0 else "train"


def read_handwritten(path: Path) -> list[dict[str, Any]]:
    """Entries of ``handwritten.txt``: ``=== genre`` starts one, its text runs to the next."""
    rows, genre, lines = [], None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("=== "):
            if genre is not None:
                rows.append({"genre": genre, "text": "\n".join(lines).strip()})
            genre, lines = line[4:].strip(), []
        elif genre is not None:
            lines.append(line)
    if genre is not None:
        rows.append({"genre": genre, "text": "\n".join(lines).strip()})
    return rows


def mtsamples_text(transcription: str) -> str:
    """An MTSamples transcription with its section breaks and line breaks put back (blank line before a header)."""
    return MT_LINE.sub("\n", MT_HEADER.sub("\n\n", transcription)).strip()


def read_mtsamples(path: Path, seed: int) -> list[Example]:
    """Clinical examples from MTSamples: each transcription, and up to three of its sections, as blocks."""
    excluded_path = path.parent / "relevant_rows.tsv"
    with open(excluded_path, encoding="utf-8", newline="") as fh:
        excluded = {row["note_id"] for row in csv.DictReader(fh, delimiter="\t")}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["transcription"].strip() and r["note_id"] not in excluded]
    rng = random.Random(seed)
    seen, out, train_docs = set(), [], 0
    for row in rows:
        text = mtsamples_text(row["transcription"])
        if text in seen:
            continue
        seen.add(text)
        split = _split_of_text(text)
        if split == "train":
            if train_docs >= MTSAMPLES_TRAIN_CAP:
                continue
            train_docs += 1
        genre = "report" if row["medical_specialty"].strip() == "Radiology" else "clinical_narrative"
        out.append(Example(text, genre, "document", "mtsamples", split))
        blocks = [b for b in re.split(r"\n\s*\n", text) if len(b.strip()) >= MIN_BLOCK_CHARS]
        for b in rng.sample(blocks, min(3, len(blocks))):
            out.append(Example(b, genre, "block", "mtsamples", split))
    return out


def read_genre_corpus(folder: Path) -> list[Example]:
    """Documents of ``documents.jsonl`` and each of their blocks, and the hand-written blocks (validation)."""
    out = []
    with open(folder / "documents.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out.append(Example(row["text"], row["genre"], "document", row["writer"], row["split"]))
            for b in row["blocks"]:
                text = row["text"][b["start"]:b["end"]]
                if len(text.strip()) >= MIN_BLOCK_CHARS and len(row["blocks"]) > 1:
                    out.append(Example(text, b["genre"], "block", row["writer"], row["split"]))
    for row in read_handwritten(folder / "handwritten.txt"):
        out.append(Example(row["text"], row["genre"], "block", HAND_WRITER, "validation"))
    return out


def training_data_sha256(folder: Path, mtsamples: Path) -> str:
    digest = hashlib.sha256()
    for path in (folder / "documents.jsonl", folder / "handwritten.txt", mtsamples, mtsamples.parent / "relevant_rows.tsv"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def make_model(c: float, seed: int):
    """TF-IDF of characters within words (3-4) -> multinomial logistic regression.

    Word n-grams were dropped: on validation (unseen writers) a model of word 1-2-grams and char 3-5-grams
    scored macro F1 0.417 and accuracy 0.633, words alone 0.268 / 0.578, chars 3-4 alone 0.559 / 0.697.
    A genre is a register (how a letter, a form or a report is worded), which short character runs carry
    across writers; the word vocabulary learnt the generator's phrases. The smaller vocabulary also costs
    a third of the time per call and loads faster."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    features = TfidfVectorizer(preprocessor=genre_text, analyzer="char_wb", ngram_range=(3, 4), min_df=3,
                               max_features=20000, sublinear_tf=True)
    head = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features), ("classifier", head)])


def per_class(gold: Sequence[str], pred: Sequence[str]) -> dict[str, dict[str, float]]:
    out = {}
    for label in sorted(set(gold) | set(pred)):
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                      "support": tp + fn}
    return out


def evaluate(model: Any, examples: Sequence[Example], clinical: frozenset[str]) -> dict[str, Any]:
    """Per-genre figures, and the one decision the scanner takes from them: clinical or not."""
    pred = [str(p) for p in model.predict([e.text for e in examples])]
    gold = [e.genre for e in examples]
    side = per_class(["clinical" if g in clinical else "non-clinical" for g in gold],
                     ["clinical" if p in clinical else "non-clinical" for p in pred])
    by_unit = {unit: per_class([g for g, e in zip(gold, examples) if e.unit == unit],
                               [p for p, e in zip(pred, examples) if e.unit == unit])
               for unit in ("document", "block")}
    hand = [(g, p) for g, p, e in zip(gold, pred, examples) if e.source == HAND_WRITER]
    return {"per_genre": per_class(gold, pred), "clinical_or_not": side, "per_unit": by_unit,
            "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(gold), 4),
            "handwritten_accuracy": round(sum(g == p for g, p in hand) / len(hand), 4) if hand else None,
            "n": len(gold)}


def run(corpus: Path, mtsamples: Path, out: Path, clinical: frozenset[str], seed: int = SEED) -> dict[str, Any]:
    """Fits, selects C on validation, refits on everything, writes the joblib file, manifest entry and card."""
    import joblib
    import sklearn

    examples = read_genre_corpus(corpus) + read_mtsamples(mtsamples, seed)
    train = [e for e in examples if e.split == "train"]
    validation = [e for e in examples if e.split == "validation"]
    selection = []
    for c in C_GRID:
        model = make_model(c, seed).fit([e.text for e in train], [e.genre for e in train])
        figures = evaluate(model, validation, clinical)
        macro = sum(m["f1"] for m in figures["per_genre"].values()) / len(figures["per_genre"])
        selection.append({"C": c, "macro_f1": round(macro, 4), "validation": figures})
    best = max(selection, key=lambda s: (s["macro_f1"], -s["C"]))
    final = make_model(best["C"], seed).fit([e.text for e in examples], [e.genre for e in examples])
    out.mkdir(parents=True, exist_ok=True)
    joblib.dump(compact_vocabularies(final), out / MODEL_FILE)
    entry = {"file": MODEL_FILE, "sha256": file_sha256(out / MODEL_FILE), "sklearn_version": sklearn.__version__,
             "component": COMPONENT, "before": "cptscan_assertion"}
    _merge_manifest(out / MANIFEST, entry)
    metrics = {"seed": seed, "C": best["C"], "selection": [{k: s[k] for k in ("C", "macro_f1")} for s in selection],
               "validation": best["validation"], "created": date.today().isoformat(),
               "training_data_sha256": training_data_sha256(corpus, mtsamples),
               "counts": {split: dict(Counter(e.genre for e in examples if e.split == split))
                          for split in ("train", "validation")},
               "sources": dict(Counter(e.source for e in examples))}
    (out / "genre_metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _write_card(out / "MODEL_CARD.md", metrics)
    return metrics


def _merge_manifest(path: Path, entry: dict[str, Any]) -> None:
    """The genre entry written into the manifest beside the other models' entries, which stay as they are."""
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"models": {}}
    manifest.setdefault("models", {})[MODEL_NAME] = entry
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _row(name: str, m: dict[str, float]) -> str:
    return f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"


def _write_card(path: Path, metrics: dict[str, Any]) -> None:
    """The genre section of MODEL_CARD.md, between its markers (replaced whole; the rest of the card is kept)."""
    v = metrics["validation"]
    lines = [
        CARD_START, "## Genre classifier (`genre.joblib`, `cptscan train-genre`)", "",
        f"Built on {metrics['created']}, seed {metrics['seed']}, training data sha256 "
        f"`{metrics['training_data_sha256'][:16]}…` (corpora/genre + MTSamples). Classes: the nine genres of "
        "`corpora/genre/generate.py`. TF-IDF of char_wb 3-4-grams (≤ 20k, min_df 3, digits folded) → "
        f"LogisticRegression (class_weight balanced); C={metrics['C']} chosen on validation from "
        f"{[s['C'] for s in metrics['selection']]} by macro F1 ({[s['macro_f1'] for s in metrics['selection']]}), "
        "then refitted on train + validation.", "",
        "Validation is unseen phrasing: generator writer D, the hand-written blocks (writer H) and one MTSamples "
        "transcription in five (by text hash). Every document and each of its blocks is one example. "
        f"Counts: train {metrics['counts']['train']}; validation {metrics['counts']['validation']}.", "",
        f"Validation accuracy {v['accuracy']:.3f} on {v['n']} examples; hand-written blocks alone "
        f"{v['handwritten_accuracy']:.3f}.", "",
        "| genre | precision | recall | F1 | support |", "|---|---|---|---|---|",
        *[_row(g, m) for g, m in v["per_genre"].items()],
        *[_row(f"**{g}** (the decision the scanner takes)", m) for g, m in v["clinical_or_not"].items()],
        "", CARD_END,
    ]
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    section = "\n".join(lines)
    if CARD_START in text and CARD_END in text:
        head, rest = text.split(CARD_START, 1)
        text = head + section + rest.split(CARD_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def default_mtsamples(repo: Path) -> Optional[Path]:
    path = repo.parent / "shared" / "external" / "mtsamples" / "mtsamples.csv"
    return path if path.exists() else None
