"""A cheap gate in front of the pipeline: which notes can hold any target mention at all.

The vocabulary is derived from the anchor rules (labels marked ``"anchor": true`` in target_rules.json:
the services and the heart CT), never written by hand. For each rule, every required token (see
``rules/patterns.py``) contributes its allowed words, and a rule can only match a note that contains one
allowed word of each required token. Words are searched case-insensitively: a word of letters among the
note's runs of letters (the tokenizer splits a run of letters only through its special cases, such as
'aint' -> 'ai' + 'nt', whose pieces the gate adds), any other word as a substring, so the gate is a
superset of the matcher. Tokens that only constrain shape (IS_ALPHA) are not anchors. Evidence mentions
(interpretation, coverage...) are reported only in notes with an anchor mention, so a note the gate skips
has, provably, the same (empty) result as a scanned one.
The test is made per clause (text between line breaks and sentence-final punctuation), since no anchor
rule can match across one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from ..rules import load_rules
from ..rules.patterns import required_words
from spacy.lang.en import English
from medspacy.custom_tokenizer import create_medspacy_tokenizer


def _literal_tokens(literal: str) -> list[frozenset[str]]:
    tokenizer = create_medspacy_tokenizer(English())
    return [frozenset({t.lower_}) for t in tokenizer(literal) if not t.is_space]


def rule_requirements(rule: dict[str, Any]) -> list[frozenset[str]]:
    """The word sets a note must contain for ``rule`` to match (one word from each set)."""
    pattern = rule.get("pattern")
    if not pattern:
        return _literal_tokens(rule["literal"])
    if isinstance(pattern, str):
        raise ValueError(f"rule {rule.get('literal')!r}: regex patterns are not supported by the gate")
    return required_words(pattern)


LETTER_RUN = re.compile(r"[^\W\d_]+")
CLAUSE_END = re.compile(r"(?<=[.!?;])\s|\n")


def _special_case_pieces() -> dict[str, frozenset[str]]:
    """Letter runs inside which a tokenizer special case cuts letter tokens ('aint' -> 'ai' + 'nt',
    "ain't" -> 'ai' + "n't"): each such run with the letter pieces that are not whole runs themselves."""
    tokenizer = create_medspacy_tokenizer(English())
    out: dict[str, set[str]] = {}
    for key, pieces in tokenizer.rules.items():
        runs = LETTER_RUN.findall(key.lower())
        orths = [str(piece.get(65, piece.get("ORTH", ""))).lower() for piece in pieces]  # 65 = spacy.attrs.ORTH
        for orth in orths:
            if LETTER_RUN.fullmatch(orth) and orth not in runs:
                for run in runs:
                    if orth in run:
                        out.setdefault(run, set()).add(orth)
    return {run: frozenset(pieces) for run, pieces in out.items()}


@dataclass(frozen=True)
class Gate:
    requirements: tuple[tuple[frozenset[str], ...], ...]
    words: frozenset[str]  # pure-letter words: looked up among the note's letter runs
    fragments: tuple[str, ...]  # words with digits or punctuation: looked up as substrings
    split_runs: dict[str, frozenset[str]]  # runs the tokenizer splits into letter tokens, with their pieces

    @classmethod
    def from_rules(cls, rules: Iterable[dict[str, Any]] | None = None) -> "Gate":
        if rules is None:
            ruleset = load_rules()
            anchors = set(ruleset.anchor_labels)
            rules = [r for r in ruleset.matcher_rules if r["category"] in anchors]
        requirements = tuple(tuple(rule_requirements(rule)) for rule in rules)
        if any(not req for req in requirements):
            raise ValueError("a target rule has no required word; the gate could not exclude any note")
        vocabulary = {w for req in requirements for words in req for w in words}
        words = frozenset(w for w in vocabulary if LETTER_RUN.fullmatch(w))
        split_runs = {run: pieces for run, pieces in _special_case_pieces().items() if pieces & words}
        return cls(requirements, words, tuple(sorted(vocabulary - words)), split_runs)

    @property
    def vocabulary(self) -> frozenset[str]:
        return self.words.union(self.fragments)

    def present_words(self, text: str) -> set[str]:
        """Vocabulary words the text holds: a token made of letters is always a whole run of letters."""
        lower = text.lower()
        runs = set(LETTER_RUN.findall(lower))
        found = set(self.words.intersection(runs))
        for run in runs.intersection(self.split_runs):
            found.update(self.split_runs[run] & self.words)
        found.update(f for f in self.fragments if f in lower)
        return found

    def _any_rule(self, present: set[str]) -> bool:
        return bool(present) and any(all(words & present for words in req) for req in self.requirements)

    def passes(self, text: str) -> bool:
        """True when some anchor rule has all its required words within one clause of the text.

        Anchor matches never cross a line break or a token ending in . ! ? or ; (their tokens do not
        accept such tokens; a test checks it), so a rule whose words only meet across clauses cannot match.
        """
        if not self._any_rule(self.present_words(text)):
            return False
        return any(self._any_rule(self.present_words(clause)) for clause in CLAUSE_END.split(text) if clause)
