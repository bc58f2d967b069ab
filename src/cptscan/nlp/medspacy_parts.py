"""The medspaCy parts cptscan uses (tokenizer, TargetMatcher, Sectionizer, ConText), imported without the rest.

Importing any medspaCy submodule runs ``medspacy/__init__.py``, which imports every component (PyRuSH, the
I/O consumers) and ``medspacy.util``, which imports QuickUMLS and through it NLTK and SciPy's statistics:
1.3 s of a 3.6 s one-note ``cptscan scan``, for parts cptscan never uses. So the package's own ``__init__``
is skipped (a bare package module stands in while the submodules load, and medspaCy's extensions are set as
its ``__init__`` would), and QuickUMLS, which ``medspacy.util`` imports only to register its spaCy factory,
is stood in for by an empty module. Both stand-ins leave ``sys.modules`` afterwards: a later ``import
medspacy`` (the benchmark's baseline) runs the real ``__init__``, reusing the submodules loaded here; only
medspaCy's QuickUMLS component stays unavailable in such a process. If medspaCy was imported before, it is
used as it is.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language

PARTS = ("medspacy.custom_tokenizer", "medspacy.common.util", "medspacy.context", "medspacy.section_detection",
         "medspacy.target_matcher", "medspacy._extensions")


def _import_parts() -> None:
    if "medspacy" in sys.modules:
        return
    package = types.ModuleType("medspacy")
    spec = importlib.util.find_spec("medspacy")
    assert spec is not None and spec.submodule_search_locations is not None, "medspaCy is not installed"
    package.__path__ = list(spec.submodule_search_locations)
    stand_ins = {"medspacy": package}
    if "quickumls" not in sys.modules:
        quickumls = types.ModuleType("quickumls")
        quickumls.spacy_component = None  # type: ignore[attr-defined]
        stand_ins["quickumls"] = quickumls
    sys.modules.update(stand_ins)
    try:
        for name in PARTS:
            importlib.import_module(name)
        sys.modules["medspacy._extensions"].set_extensions()
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


_import_parts()

from medspacy.common.util import prune_overlapping_matches  # noqa: E402
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule  # noqa: E402
from medspacy.custom_tokenizer import create_medspacy_tokenizer  # noqa: E402
from medspacy.section_detection import Sectionizer, SectionRule  # noqa: E402
from medspacy.target_matcher import TargetMatcher, TargetRule  # noqa: E402

__all__ = ["ConText", "ConTextGraph", "ConTextModifier", "ConTextRule", "Sectionizer", "SectionRule", "TargetMatcher", "TargetRule",
           "blank_clinical", "prune_overlapping_matches", "rule_tokenizer"]


def blank_clinical() -> Language:
    """A blank English pipeline with medspaCy's clinical tokenizer (what every cptscan pipeline starts from)."""
    nlp = spacy.blank("en")
    nlp.tokenizer = create_medspacy_tokenizer(nlp)
    return nlp


@lru_cache(maxsize=1)
def rule_tokenizer() -> Any:
    """The clinical tokenizer rules are read with (hyphenated rule words become token sequences, the gate learns
    the special cases): the same splits as every pipeline's tokenizer, built once per process. The target
    matcher's rules and the gate each built their own, and each took as long as building a pipeline's."""
    return blank_clinical().tokenizer
