"""Trains the two sentence classifiers (``interpretation``, ``service``) from cptscan's own corpora.

Data: ``corpora/generated``, ``corpora/carriers`` (MTSamples text carrying generated paragraphs) and
``corpora/handwritten`` (notes, gold spans, sentence labels), split by ``corpora/splits.json``; models are
fitted on ``train`` and selected (C, threshold) on ``validation``. The split holds out whole phrasing
families of the generator and a writer set of hand-written notes, so validation scores wordings the models
never read; it is also reported per source. The shared development set is never read here: it measures the
scanner, so it must not shape the models.

Sentences are cut the way the scanner cuts them at inference (the ``cptscan_sentences`` component), not the
way the generator wrote ``sentences.jsonl``; each pipeline sentence takes the label of the labelled
segments covering most of it. The service model also needs the service *family* (which code), taken from
the gold service spans inside the sentence or, failing that, from the note's gold codes.

Everything is seeded and single-threaded so that one seed gives one set of metrics.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np

from .catalog import load_catalog
from .rules import load_rules
from .nlp.classifiers import REST, classifier_text

SEED = 2026
CORPORA = ("generated", "carriers", "handwritten")
CORPUS_FILES = ("notes.jsonl", "gold.jsonl", "sentences.jsonl")
#: the service concept of each code the scanner proposes (the service model's classes), from the catalog.
FAMILY_OF_CODE = {entry.code: entry.service_concept for entry in load_catalog().detectable()}
FAMILIES = tuple(sorted(set(FAMILY_OF_CODE.values())))
INTERPRETATION_CLASSES = ("interpretation", "software_output", REST)
#: a pipeline sentence takes a segment label covering at least this share of its characters (as the generator).
MIN_COVER = 0.4
C_GRID = (0.5, 2.0, 8.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.30, 0.96, 0.05))
COMPONENTS = {"interpretation": "cptscan_interpretation_classifier", "service": "cptscan_service_classifier"}


@dataclass(frozen=True)
class Sentence:
    """One pipeline sentence with its labels for both models."""

    note_id: str
    start: int
    end: int
    text: str
    label: str  # service_performed / software_output / interpretation / other
    family: Optional[str]  # service family of a service_performed sentence (None if unknown)
    split: str
    source: str = "generated"  # the corpus folder the note comes from


@dataclass
class Corpus:
    sentences: list[Sentence]
    boundary_agreement: float  # share of labelled segments the pipeline cuts at the same offsets
    unknown_family: int  # service_performed sentences left out of the service model
    training_data_sha256: str
    root: Path = Path(".")  # the corpora folder (splits.json describes its split)


# -- data -------------------------------------------------------------------------------------------------
def _jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def training_data_sha256(root: Path) -> str:
    """One hash over every file training reads, so a manifest names the exact data behind its models."""
    digest = hashlib.sha256()
    for corpus in CORPORA:
        for name in CORPUS_FILES:
            digest.update((root / corpus / name).read_bytes())
    digest.update((root / "splits.json").read_bytes())
    return digest.hexdigest()


def _sentencizer():
    """The scanner's tokenizer and sentence component alone: inference segmentation, without the rules."""
    from .nlp.medspacy_parts import blank_clinical

    nlp = blank_clinical()
    nlp.add_pipe("cptscan_sentences")
    return nlp


def pipeline_sentences(texts: Iterable[str]) -> Iterable[list[tuple[int, int]]]:
    """Per text, the stripped (start, end) offsets of the sentences the scanner's pipeline makes."""
    from .textprep import prepare

    nlp = _sentencizer()
    texts = [prepare(t) for t in texts]
    nlp.max_length = max([nlp.max_length] + [len(t) + 1 for t in texts])
    for doc in nlp.pipe(texts):
        out = []
        for sent in doc.sents:
            text = sent.text
            start = sent.start_char + len(text) - len(text.lstrip())
            end = sent.start_char + len(text.rstrip())
            if end > start:
                out.append((start, end))
        yield out


def _label_of(text: str, start: int, end: int, segments: Sequence[dict]) -> str:
    """The non-``other`` segment label covering most non-space characters, if it covers >= 40%."""
    size = sum(not ch.isspace() for ch in text[start:end]) or 1
    cover: Counter[str] = Counter()
    for seg in segments:
        lo, hi = max(start, seg["start"]), min(end, seg["end"])
        if hi > lo and seg["label"] != REST:
            cover[seg["label"]] += sum(not ch.isspace() for ch in text[lo:hi])
    if cover:
        label, n = cover.most_common(1)[0]
        if n / size >= MIN_COVER:
            return label
    return REST


def _family_of(start: int, end: int, gold: dict) -> Optional[str]:
    """Which service a sentence documents: its gold service spans (affirmed first; when two services meet in
    one sentence, as in dictation without punctuation, the one covering most of it), else the note's codes."""
    spans = [s for s in gold.get("spans", []) if s["label"] in FAMILIES and s["start"] < end and start < s["end"]]
    for wanted in (True, False):
        cover: Counter[str] = Counter()
        for s in spans:
            if (s["assertion"] == "affirmed") == wanted:
                cover[s["label"]] += min(end, s["end"]) - max(start, s["start"])
        if cover:
            return min(cover, key=lambda label: (-cover[label], label))
    families = {FAMILY_OF_CODE[c["code"]] for c in gold.get("codes", []) if c["code"] in FAMILY_OF_CODE}
    return families.pop() if len(families) == 1 else None


def load_corpus(root: Path, limit: Optional[int] = None) -> Corpus:
    """Pipeline sentences of the train and validation notes, labelled from the corpus files.

    ``limit`` keeps the first ``limit`` notes of each split (for quick tests).
    """
    splits = json.loads((root / "splits.json").read_text(encoding="utf-8"))
    split_of = {nid: name for name in ("train", "validation") for nid in splits[name]}
    notes, gold, segments, source = {}, {}, defaultdict(list), {}
    for corpus in CORPORA:
        for note in _jsonl(root / corpus / "notes.jsonl"):
            notes[note["note_id"]], source[note["note_id"]] = note, corpus
        gold.update({g["note_id"]: g for g in _jsonl(root / corpus / "gold.jsonl")})
        for seg in _jsonl(root / corpus / "sentences.jsonl"):
            segments[seg["note_id"]].append(seg)
    ids = [nid for nid in sorted(notes) if nid in split_of]
    if limit is not None:
        ids = [nid for name in ("train", "validation") for nid in [i for i in ids if split_of[i] == name][:limit]]
    sentences, same, total, unknown = [], 0, 0, 0
    for nid, cuts in zip(ids, pipeline_sentences(notes[nid]["text"] for nid in ids)):
        text = notes[nid]["text"]
        cut_set = set(cuts)
        same += sum((s["start"], s["end"]) in cut_set for s in segments[nid])
        total += len(segments[nid])
        for start, end in cuts:
            label = _label_of(text, start, end, segments[nid])
            family = _family_of(start, end, gold[nid]) if label == "service_performed" else None
            unknown += label == "service_performed" and family is None
            sentences.append(Sentence(nid, start, end, text[start:end], label, family, split_of[nid], source[nid]))
    return Corpus(sentences, same / total if total else 0.0, unknown, training_data_sha256(root), root)


def interpretation_target(s: Sentence) -> str:
    return s.label if s.label in INTERPRETATION_CLASSES else REST


def service_target(s: Sentence) -> Optional[str]:
    """The family of a performed-service sentence, ``other`` for the rest, None when the family is unknown."""
    if s.label != "service_performed":
        return REST
    return s.family


# -- models -----------------------------------------------------------------------------------------------
def make_features():
    """Word 1-2-grams (phrasing) and char 3-5-grams (abbreviations, typos, "c t a"), both sublinear TF-IDF."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=30000, sublinear_tf=True,
                                 dtype=np.float32)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, max_features=60000,
                                 sublinear_tf=True, dtype=np.float32)),
    ])


def _classifier(c: float, seed: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed)


def _rounded(tp: int, fp: int, fn: int) -> dict[str, float]:
    from .evaluate.metrics import prf

    return {k: round(v, 4) if isinstance(v, float) else v for k, v in prf(tp, fp, fn).items()}


def binary_prf(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    pairs = list(zip(gold, pred))
    return _rounded(sum(g and p for g, p in pairs), sum(p and not g for g, p in pairs), sum(g and not p for g, p in pairs))


def positive_predictions(proba: np.ndarray, classes: Sequence[str], positives: Sequence[str],
                         threshold: float) -> list[Optional[str]]:
    """Per row the best positive class if its probability reaches ``threshold`` (as the component decides)."""
    cols = [list(classes).index(p) for p in positives]
    out = []
    for row in proba:
        best = max(cols, key=lambda c: row[c])
        out.append(classes[best] if row[best] >= threshold else None)
    return out


def score(gold: Sequence[str], pred: Sequence[Optional[str]], positives: Sequence[str]) -> dict[str, float]:
    """Sentence P/R/F1 of the positives: a hit needs the right positive class (the right family)."""
    tp = sum(g == p for g, p in zip(gold, pred) if p is not None)
    fp = sum(p is not None and g != p for g, p in zip(gold, pred))
    fn = sum(g in positives and g != p for g, p in zip(gold, pred))
    return _rounded(tp, fp, fn)


@dataclass
class Trained:
    """A fitted model (a plain scikit-learn Pipeline) with what was chosen on validation and why."""

    name: str
    model: Any
    positives: list[str]
    threshold: float
    c: float
    validation: dict[str, Any] = field(default_factory=dict)
    selection: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def fit_model(name: str, features: Any, train_x: list[str], train_y: list[str], val_x: list[str], val_y: list[str],
              positives: Sequence[str], seed: int, c_grid: Sequence[float] = C_GRID) -> Trained:
    """A classifier on ``features`` (fitted already); C and the threshold chosen by positive-class F1 on
    validation."""
    from sklearn.pipeline import Pipeline

    xtr = features.transform(train_x)
    xva = features.transform(val_x)
    fitted, selection = {}, []
    for c in c_grid:
        clf = _classifier(c, seed).fit(xtr, train_y)
        proba = clf.predict_proba(xva)
        classes = [str(k) for k in clf.classes_]
        fitted[c] = (clf, proba)
        for t in THRESHOLDS:
            metrics = score(val_y, positive_predictions(proba, classes, positives, t), positives)
            selection.append({"C": c, "threshold": t, **metrics})
    c, t = _choose(selection)
    clf, proba = fitted[c]
    metrics = next(row for row in selection if row["C"] == c and row["threshold"] == t)
    metrics = {k: v for k, v in metrics.items() if k not in ("C", "threshold")}
    model = Pipeline([("features", features), ("clf", clf)])
    classes = [str(k) for k in clf.classes_]
    validation = {"positive": metrics, "per_class": _per_class(val_y, proba, classes)}
    counts = {"train": dict(sorted(Counter(train_y).items())), "validation": dict(sorted(Counter(val_y).items()))}
    return Trained(name, model, list(positives), t, c, validation, selection, counts)


def _choose(selection: list[dict[str, Any]]) -> tuple[float, float]:
    """Best (F1, precision) on validation; among ties the smallest C and the middle of its threshold plateau.

    Settings can still tie at the top (validation is a few hundred positives); the middle of a plateau is
    the threshold least tuned to them.
    """
    top = max((row["f1"], row["precision"]) for row in selection)
    tied = [row for row in selection if (row["f1"], row["precision"]) == top]
    c = min(row["C"] for row in tied)
    plateau = sorted(row["threshold"] for row in tied if row["C"] == c)
    return c, plateau[(len(plateau) - 1) // 2]


def _per_class(gold: Sequence[str], proba: np.ndarray, classes: list[str]) -> dict[str, dict[str, float]]:
    """Arg-max P/R/F1 per class (the threshold applies to positives only; this shows the confusions)."""
    pred = [classes[i] for i in proba.argmax(axis=1)]
    return {k: binary_prf([g == k for g in gold], [p == k for p in pred]) for k in classes}


def _drop_stop_words(features) -> None:
    """TfidfVectorizer keeps every pruned term in ``stop_words_`` (only for introspection): megabytes."""
    for _, vec in features.transformer_list:
        if hasattr(vec, "stop_words_"):
            delattr(vec, "stop_words_")


def validation_by_source(models: dict[str, Trained], corpus: Corpus) -> dict[str, dict[str, Any]]:
    """Each model's positive P/R/F1 at its chosen threshold on the validation notes of each source.

    The generated notes measure unseen phrasing families, the carriers unseen families inside real text,
    the hand-written notes a held-out writer set: one pooled figure would hide which of them is weak.
    """
    val = [s for s in corpus.sentences if s.split == "validation"]
    targets = {"interpretation": interpretation_target, "service": service_target}
    out: dict[str, dict[str, Any]] = {}
    for name, trained in models.items():
        rows = [s for s in val if targets[name](s) is not None]
        proba = trained.model.predict_proba([classifier_text(s.text) for s in rows])
        classes = [str(k) for k in trained.model.classes_]
        pred = positive_predictions(proba, classes, trained.positives, trained.threshold)
        for src in CORPORA:
            pairs = [(targets[name](s), p) for s, p in zip(rows, pred) if s.source == src]
            if pairs:
                gold_, pred_ = zip(*pairs)
                out.setdefault(src, {})[name] = score(gold_, pred_, trained.positives)
    return out


def split_summary(corpus: Corpus) -> dict[str, str]:
    """How many phrasing families and hand-written writers each split holds (read from splits.json)."""
    splits = json.loads((corpus.root / "splits.json").read_text(encoding="utf-8"))
    fams = {k: len(v) for k, v in splits.get("families", {}).items() if v}
    writers = "; ".join(f"{w}: {', '.join(f'{n} {k}' for k, n in c.items())}" for w, c in splits.get("writers", {}).items())
    held = ", ".join(splits.get("held_out_writers", [])) or "none"
    return {"families": ", ".join(f"{n} {k}" for k, n in fams.items()) + " families",
            "writers": f"{writers}; writers held out whole: {held}"}


def train_models(corpus: Corpus, seed: int = SEED, c_grid: Sequence[float] = C_GRID) -> dict[str, Trained]:
    """Both models from one labelled corpus, on one featurizer fitted once on all the training sentences: the
    service model's part of them shares it, so a note's features are computed once for both."""
    train = [s for s in corpus.sentences if s.split == "train"]
    val = [s for s in corpus.sentences if s.split == "validation"]
    x = lambda rows: [classifier_text(s.text) for s in rows]  # noqa: E731
    train_x = x(train)
    features = make_features().fit(train_x)
    _drop_stop_words(features)
    interp = fit_model("interpretation", features, train_x, [interpretation_target(s) for s in train],
                       x(val), [interpretation_target(s) for s in val], ["interpretation"], seed, c_grid)
    train_s = [s for s in train if service_target(s) is not None]
    val_s = [s for s in val if service_target(s) is not None]
    service = fit_model("service", features, x(train_s), [service_target(s) for s in train_s],
                        x(val_s), [service_target(s) for s in val_s], list(FAMILIES), seed, c_grid)
    return {"interpretation": interp, "service": service}


# -- writing ----------------------------------------------------------------------------------------------
def save(models: dict[str, Trained], corpus: Corpus, out: Path, seed: int) -> dict[str, Any]:
    """joblib files, manifest.json (hash-checked loading reads it), metrics.json and MODEL_CARD.md."""
    import joblib
    import sklearn

    from .models import MANIFEST, compact_vocabularies, file_sha256

    out.mkdir(parents=True, exist_ok=True)
    entries = {}
    for name, trained in models.items():
        path = out / f"{name}.joblib"
        joblib.dump(compact_vocabularies(trained.model), path, compress=3)
        entries[name] = {"file": path.name, "sha256": file_sha256(path), "sklearn_version": sklearn.__version__,
                         "component": COMPONENTS[name], "threshold": trained.threshold, "labels": trained.positives}
    # models another trainer writes (the genre classifier) keep their entries
    previous = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("models", {}) if (out / MANIFEST).exists() else {}
    others = {name: entry for name, entry in previous.items() if name not in COMPONENTS}
    manifest = {"models": {**entries, **others}, "training_data_sha256": corpus.training_data_sha256,
                "created": dt.date.today().isoformat(), "seed": seed}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    metrics = metrics_of(models, corpus, seed)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    write_card(out / "MODEL_CARD.md", metrics, manifest)
    return metrics


def metrics_of(models: dict[str, Trained], corpus: Corpus, seed: int) -> dict[str, Any]:
    """Everything a rerun with the same seed must reproduce exactly (no dates, no hashes of pickles)."""
    return {
        "seed": seed,
        "training_data_sha256": corpus.training_data_sha256,
        "sentences": dict(Counter(s.split for s in corpus.sentences)),
        "segmentation_boundary_agreement": round(corpus.boundary_agreement, 4),
        "service_sentences_without_family": corpus.unknown_family,
        "validation_by_source": validation_by_source(models, corpus),
        "split": split_summary(corpus),
        "models": {name: {"C": t.c, "threshold": t.threshold, "positives": t.positives, "counts": t.counts,
                          "validation": t.validation} for name, t in models.items()},
    }


ABLATION_START = "<!-- ablation:start -->"
ABLATION_END = "<!-- ablation:end -->"


def write_card(path: Path, metrics: dict[str, Any], manifest: dict[str, Any]) -> None:
    """MODEL_CARD.md from the metrics; an ablation block already in the card is kept (it is measured apart),
    and so is the section another trainer writes (the genre classifier's, between its markers)."""
    from .genre_train import CARD_END, CARD_START

    ablation = (f"{ABLATION_START}\nNot measured for this build yet: run "
                f"`.venv/bin/python benchmarks/ablation.py --card`.\n{ABLATION_END}")
    other = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if ABLATION_START in old and ABLATION_END in old:
            ablation = old[old.index(ABLATION_START):old.index(ABLATION_END) + len(ABLATION_END)]
        if CARD_START in old and CARD_END in old:
            other = "\n" + old[old.index(CARD_START):old.index(CARD_END) + len(CARD_END)] + "\n"
    path.write_text(_card_text(metrics, manifest, ablation) + other, encoding="utf-8")


def _metric_row(name: str, m: dict[str, Any]) -> str:
    return f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['tp']} | {m['fp']} | {m['fn']} |"


def _card_text(metrics: dict[str, Any], manifest: dict[str, Any], ablation: str) -> str:
    m = metrics["models"]
    rows = ["| model / class | precision | recall | F1 | tp | fp | fn |", "|---|---|---|---|---|---|---|"]
    for name, info in m.items():
        rows.append(_metric_row(f"**{name}** (positives at threshold {info['threshold']}, C={info['C']})",
                                info["validation"]["positive"]))
        for cls, pc in info["validation"]["per_class"].items():
            rows.append(_metric_row(f"{name} / {cls} (arg-max)", pc))
    by_source = ["| source | " + " | ".join(f"{name} P / R / F1 (tp/fp/fn)" for name in m) + " |",
                 "|---|" + "---|" * len(m)]
    for src, per in metrics["validation_by_source"].items():
        by_source.append(f"| {src} | " + " | ".join(
            f"{r['precision']:.3f} / {r['recall']:.3f} / {r['f1']:.3f} ({r['tp']}/{r['fp']}/{r['fn']})"
            for r in (per.get(name, {"precision": 0, "recall": 0, "f1": 0, "tp": 0, "fp": 0, "fn": 0}) for name in m))
            + " |")
    split_info = metrics.get("split", {})
    counts = "\n".join(f"- `{name}` train {info['counts']['train']}; validation {info['counts']['validation']}"
                       for name, info in m.items())
    return CARD.format(
        created=manifest["created"], seed=metrics["seed"], data_sha=metrics["training_data_sha256"][:16],
        sentences=metrics["sentences"], agreement=metrics["segmentation_boundary_agreement"],
        unknown=metrics["service_sentences_without_family"], counts=counts, table="\n".join(rows),
        by_source="\n".join(by_source), split_families=split_info.get("families", "see splits.json"),
        split_writers=split_info.get("writers", "see splits.json"),
        interp_t=m["interpretation"]["threshold"], service_t=m["service"]["threshold"], ablation=ablation,
        interp_label=load_rules().labels_with_role("interpretation")[0], families=" / ".join(FAMILIES),
        sklearn=next(iter(manifest["models"].values()))["sklearn_version"])


CARD = """# cptscan sentence classifiers

Built by `cptscan train` (`src/cptscan/train.py`) on {created}, seed {seed}, scikit-learn {sklearn}.
Training data sha256 `{data_sha}…` (corpora/generated + corpora/carriers + corpora/handwritten + splits.json).
Files: `interpretation.joblib`, `service.joblib` (plain scikit-learn Pipelines), `manifest.json`
(hashes, thresholds; a model whose hash or scikit-learn version differs is refused at load),
`metrics.json` (every figure below, reproduced exactly by the same seed).

## What they do

| model | classes | spaCy component | adds |
|---|---|---|---|
| `interpretation` | interpretation / software_output / other | `cptscan_interpretation_classifier` | `{interp_label}` mention when P(interpretation) ≥ {interp_t} |
| `service` | {families} / other | `cptscan_service_classifier` | a service-concept mention (the family) when its P ≥ {service_t} |

Both run after `cptscan_assertion`, only on notes that already hold an anchor mention (a service or
same-session CT found by the rules, whatever its assertion), and only on sentences no rule mention of the
predicted label covers. A model mention covers the whole sentence, has `rule` = `model.<name>`, `score` =
the probability, and takes the assertion of the rule mentions inside the sentence when they agree on a
non-affirmed one (else affirmed). Both models' TF-IDF features are fitted on the same training sentences,
so they are the same features: at inference the second classifier reuses the first one's matrix (checked
by a fingerprint of the fitted features), which halves the classifiers' cost.

## Data

- Notes of `corpora/generated` (synthetic, seed 2026, with layout and noise variants), `corpora/carriers`
  (real MTSamples transcriptions, each carrying one generated paragraph) and `corpora/handwritten`, split by
  `corpora/splits.json`. **The split holds out phrasing, not just notes**: every wording of a labelled
  sentence in the generator is a *family*, about 30% of the families of each sentence kind are validation
  only, and a validation note is written only with validation families ({split_families}); hand-written
  notes are held out by writer set ({split_writers}). Fitted on `train`, C and threshold chosen on `validation`
  (`corpora/README.md` says how the split is made). **The shared development set is not used for
  training or selection**; it is only scored (ablation below).
- MTSamples as a false-positive test: the carriers' pool rows (`pool_rows` in `corpora/carriers/rows.json`)
  were read in training; only the rows outside the pool are fair for `benchmarks/mtsamples_fp.py`, which
  reports them apart from the whole file.
- Sentences are cut by the scanner's own `cptscan_sentences` component; each takes the label of the
  `sentences.jsonl` segments covering ≥ 40% of it. Pipeline sentences per split: {sentences}. Share of
  labelled segments the pipeline cuts at exactly the same offsets: {agreement} (the generator cuts at every
  line break, so a hard-wrapped line is several segments where the pipeline rejoins one sentence; and the
  pipeline does not split before a lower-case word after a full stop, the generator does).
- Service family of a `service_performed` sentence: the gold service span inside it, else the note's
  codes; {unknown} sentences had no single family and are left out of the service model.
{counts}

## Features and model

TF-IDF (sublinear) of word 1-2-grams (≤ 30k, min_df 2) + char_wb 3-5-grams (≤ 60k, min_df 3) on the
sentence with digits folded to 0 → LogisticRegression (lbfgs, class_weight balanced). C from
{{0.5, 2, 8}} and the threshold from 0.30-0.95 chosen by positive-class F1 on validation.

## Validation metrics (sentence level, held-out families and writer set)

A service hit needs the right family. These figures are on wordings the models never read in training,
so they are below the 1.000 that a note-level split of the same templates used to give.

{table}

Positive-class P / R / F1 at the chosen thresholds, per source of the validation notes:

{by_source}

## Ablation on the development set (note level, `/work/shared/corpus-dev`)

{ablation}

## Known limits

- The training text is mostly synthetic. Held-out families are unseen wordings, but written by the same
  generator author with the same vocabulary (vendor names, arteries, numbers are not held out), and the
  MTSamples carriers surround a generated paragraph with real text; the development set, written by other
  people, stays the honest measure.
- Sentence level only: a model mention is a whole sentence, its assertion comes from rule mentions in the
  sentence (a model-only sentence in a COMPARISON or PLAN section is still affirmed).
- The interpretation model does not know which service a reading belongs to; coding attaches it to the
  nearest service. It cannot tell a physician's reading of an *earlier* AI result from today's unless a
  rule mention in the sentence carries the historical cue.
- Notes without an anchor rule mention are never classified, so the models cannot recover a service the
  rules missed entirely; and a service sentence the rules found but asserted wrongly (e.g. historical) is
  either covered by that rule mention or takes its assertion, so the service model cannot fix it either.
  Model-only services become `needs_review` in coding, which is not scored as a candidate: on the
  development set the service model changes no figure (see the ablation).
- The interpretation model alone still over-fires on development sentences (the false positives of the
  sentence-level proxy above, among software-output and plan lines); the anchor filter and the coding step (an interpretation counts only
  next to an affirmed service) keep that from turning into wrong codes, but a gap note whose only
  "interpretation" is such a sentence is reported as supported.
"""


def run(corpora: Path, out: Path, seed: int = SEED, limit: Optional[int] = None,
        c_grid: Sequence[float] = C_GRID, write: bool = True) -> dict[str, Any]:
    """Load, train, and (``write``) save into ``out``; returns the metrics."""
    corpus = load_corpus(corpora, limit)
    models = train_models(corpus, seed, c_grid)
    if write:
        return save(models, corpus, out, seed)
    return metrics_of(models, corpus, seed)

