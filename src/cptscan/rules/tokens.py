"""Target rules as the tokenizer sees them.

Rule files are written in words a person reads ("CaRi-Heart", "AI-based", "non-calcified"), but medspaCy's
clinical tokenizer splits such words at hyphens and apostrophes, so a one-token pattern holding them
would never match. ``tokenized_rules`` rewrites every such alternative as the token sequence the
tokenizer produces, splitting a rule into variants where needed; the matcher and the gate both use the
result, so what the gate lets through is exactly what the matcher can see.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from itertools import product
from typing import Any

KEYS = ("LOWER", "TEXT", "ORTH", "NORM")


@lru_cache(maxsize=4096)
def _pieces(word: str) -> tuple[str, ...]:
    from ..nlp.medspacy_parts import rule_tokenizer

    return tuple(t.text for t in rule_tokenizer()(word) if not t.is_space)


def _slot_options(token: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The token-sequence options one pattern slot stands for once its words are tokenized."""
    key = next((k for k in KEYS if k in token), None)
    if key is None:
        return [[token]]
    value = token[key]
    words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
    if not words:
        return [[token]]
    whole = [w for w in words if len(_pieces(w)) <= 1]
    split = [w for w in words if len(_pieces(w)) > 1]
    if not split:
        return [[token]]
    options = []
    if whole:
        kept = dict(token)
        kept[key] = {"IN": whole}
        options.append([kept])
    for word in split:
        options.append([{key: piece.lower() if key == "LOWER" else piece} for piece in _pieces(word)])
    if token.get("OP") in ("?", "*"):
        options.append([])
    return options


def tokenized_pattern(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Every token-level variant of ``pattern``; a slot with an optional split word also may be absent."""
    per_slot = [_slot_options(token) for token in pattern]
    variants = []
    for choice in product(*per_slot):
        variant = [t for seq in choice for t in seq]
        if variant and variant not in variants:
            variants.append(variant)
    return variants


def tokenized_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules with hyphenated or apostrophe words rewritten as token sequences (ids kept)."""
    out = []
    for rule in rules:
        pattern = rule.get("pattern")
        if not isinstance(pattern, list):
            out.append(rule)
            continue
        for variant in tokenized_pattern(pattern):
            new = copy.deepcopy(rule)
            new["pattern"] = variant
            out.append(new)
    return out
