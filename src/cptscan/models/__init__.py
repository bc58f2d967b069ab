"""Trained models in this folder (``cptscan/models/``, shipped inside the wheel): found through the
manifest, checked before they are unpickled.

A joblib file is a pickle: loading a swapped file would run its code. So a model is loaded only when its
sha256 equals the manifest's and the running scikit-learn is the one that wrote it; anything else is
refused with a message that says what to do. A folder with no manifest, or a manifest naming a file that
is not there, is an error too: a scanner silently running without its classifiers gives other codes. Rules
only is a choice (``cptscan.load(rules_only=True)``, ``--rules-only``, or a manifest listing no models).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Optional

MANIFEST = "manifest.json"
#: manifest entry keys that are not forwarded as component settings as they are.
ENTRY_KEYS = ("file", "sha256", "sklearn_version", "component")


#: joins a vocabulary's terms in a model file; no term holds it (``Vocabulary`` checks when it is pickled)
TERM_SEPARATOR = "\x00"


class Vocabulary(dict):
    """A fitted vectorizer's ``vocabulary_`` (term -> column) that pickles as one string of its terms.

    ``joblib.load`` unpickles with Python's pure-Python unpickler, one opcode at a time: the 144,000 terms of
    the shipped models, pickled as a dict, took about a second of every start (a one-note scan, each
    ``--jobs`` worker, each service worker); as one string per vectorizer they take a few milliseconds.
    """

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        terms = sorted(self, key=self.__getitem__)
        if [self[t] for t in terms] != list(range(len(terms))) or any(TERM_SEPARATOR in t for t in terms):
            raise ValueError("a vocabulary pickles as one string only if its columns are 0..n-1 and no term "
                             "holds the separator")
        return _vocabulary, (TERM_SEPARATOR.join(terms),)


def _vocabulary(joined: str) -> Vocabulary:
    return Vocabulary((term, column) for column, term in enumerate(joined.split(TERM_SEPARATOR)))


def compact_vocabularies(model: Any) -> Any:
    """``model`` (a fitted scikit-learn Pipeline or FeatureUnion, nested or not) with every vectorizer's
    ``vocabulary_`` a ``Vocabulary``, so that its file loads fast; called on every model before it is saved."""
    parts = [step for _, step in getattr(model, "steps", getattr(model, "transformer_list", []))]
    for part in parts:
        compact_vocabularies(part)
    if isinstance(getattr(model, "vocabulary_", None), dict):
        model.vocabulary_ = Vocabulary(model.vocabulary_)
    return model


class ModelIntegrityError(RuntimeError):
    """A model file does not match its manifest (hash or scikit-learn version)."""


def models_dir(root: Optional[Path] = None) -> Path:
    """``$CPTSCAN_MODELS``, else a knowledge directory's ``models/`` (``root``), else the package's own (this one)."""
    env = os.environ.get("CPTSCAN_MODELS")
    if env:
        return Path(env)
    return root / "models" if root is not None else Path(__file__).resolve().parent


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Optional[Path] = None) -> dict[str, Any]:
    path = (directory or models_dir()) / MANIFEST
    if not path.exists():
        raise ModelIntegrityError(
            f"no model manifest in {path.parent}: the classifiers are missing (an install without its models, or "
            "a wrong $CPTSCAN_MODELS). Run `cptscan train`, or scan rules-only on purpose with --rules-only.")
    return json.loads(path.read_text(encoding="utf-8"))


def load_verified(path: str | Path, sha256: str, sklearn_version: str) -> Any:
    """Unpickles ``path`` only after its hash and the scikit-learn version match what the manifest says."""
    import joblib
    import sklearn

    path = Path(path)
    if not path.exists():
        raise ModelIntegrityError(f"model file {path} is missing; run `cptscan train` to rebuild models/")
    actual = file_sha256(path)
    if actual != sha256:
        raise ModelIntegrityError(
            f"refusing to load {path.name}: its sha256 {actual[:16]}… does not match the manifest "
            f"({sha256[:16]}…). The file was changed after training; run `cptscan train` to rebuild it.")
    if sklearn.__version__ != sklearn_version:
        raise ModelIntegrityError(
            f"refusing to load {path.name}: it was written by scikit-learn {sklearn_version}, this is "
            f"{sklearn.__version__}. Install the pinned version or run `cptscan train`.")
    return joblib.load(path)


def load_model_components(directory: Optional[Path] = None, rules_only: bool = False,
                          ) -> tuple[tuple[tuple[str, dict], ...], dict[str, str]]:
    """The pipeline components the manifest declares, with their config, and each model's hash.

    Every declared file must exist (checked here, before the pipeline is built, so the error names what to
    do); ``rules_only`` asks for no classifiers at all.
    """
    if rules_only:
        return (), {}
    directory = directory or models_dir()
    manifest = read_manifest(directory)
    absent = [entry["file"] for entry in manifest.get("models", {}).values() if not (directory / entry["file"]).is_file()]
    if absent:
        raise ModelIntegrityError(f"model files {absent} named by {directory / MANIFEST} are missing; run "
                                  "`cptscan train` to rebuild them, or scan rules-only on purpose with --rules-only")
    pipes, hashes = [], {}
    for name, entry in manifest.get("models", {}).items():
        # keys beyond the four every model has (threshold, labels) are the component's own settings
        extra = {k: v for k, v in entry.items() if k not in ENTRY_KEYS}
        pipes.append((entry["component"], {
            "model_path": str(directory / entry["file"]),
            "sha256": entry["sha256"],
            "sklearn_version": entry["sklearn_version"],
            **extra,
        }))
        hashes[name] = entry["sha256"][:16]
    return tuple(pipes), hashes
