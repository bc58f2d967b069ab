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
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Optional

from ..rules import RuleSet, load_rules
from ..rules.patterns import RequirementIndex, rule_words
from spacy.lang.en import English
from .medspacy_parts import create_medspacy_tokenizer


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """The matcher's tokenizer, built once: it cuts phrase rules and defines the special cases."""
    return create_medspacy_tokenizer(English())


def rule_requirements(rule: dict[str, Any]) -> list[frozenset[str]]:
    """The word sets a note must contain for ``rule`` to match (one word from each set)."""
    pattern = rule.get("pattern")
    if isinstance(pattern, str):
        raise ValueError(f"rule {rule.get('literal')!r}: regex patterns are not supported by the gate")
    return rule_words(pattern, rule["literal"], _tokenizer())


LETTER_RUN = re.compile(r"[^\W\d_]+")
CLAUSE_END = re.compile(r"(?<=[.!?;])\s|\n")


def _special_case_pieces() -> dict[str, frozenset[str]]:
    """Letter runs inside which a tokenizer special case cuts letter tokens ('aint' -> 'ai' + 'nt',
    "ain't" -> 'ai' + "n't"): each such run with the letter pieces that are not whole runs themselves."""
    out: dict[str, set[str]] = {}
    for key, pieces in _tokenizer().rules.items():
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
    index: RequirementIndex = field(init=False, compare=False, repr=False)
    carried: dict[str, frozenset[str]] = field(init=False, compare=False, repr=False)  # letter run -> its words

    def __post_init__(self) -> None:
        if any(not req for req in self.requirements):
            raise ValueError("a target rule has no required word; the gate could not exclude any note")
        if any(CLAUSE_END.search(f) or f != f.strip() for f in self.fragments):
            raise ValueError("a gate word with a clause end or a space inside cannot be looked up per clause")
        object.__setattr__(self, "index", RequirementIndex(self.requirements))
        carried = {run: pieces & self.words for run, pieces in self.split_runs.items()}
        for word in self.words:
            carried[word] = carried.get(word, frozenset()) | {word}
        object.__setattr__(self, "carried", carried)

    @classmethod
    def from_rules(cls, rules: Iterable[dict[str, Any]] | None = None, ruleset: Optional[RuleSet] = None) -> "Gate":
        """The gate of ``rules`` (tokenized target rules), else of the anchor rules of ``ruleset`` (default:
        the default packs')."""
        if rules is None:
            ruleset = ruleset or load_rules()
            anchors = set(ruleset.anchor_labels)
            rules = [r for r in ruleset.matcher_rules if r["category"] in anchors]
        requirements = tuple(tuple(rule_requirements(rule)) for rule in rules)
        vocabulary = {w for req in requirements for words in req for w in words}
        words = frozenset(w for w in vocabulary if LETTER_RUN.fullmatch(w))
        split_runs = {run: pieces for run, pieces in _special_case_pieces().items() if pieces & words}
        return cls(requirements, words, tuple(sorted(vocabulary - words)), split_runs)

    @property
    def vocabulary(self) -> frozenset[str]:
        return self.words.union(self.fragments)

    def _carriers(self, lower: str) -> tuple[list[str], list[str]]:
        """The letter runs that carry vocabulary words, and the fragments, found in ``lower``."""
        runs = set(LETTER_RUN.findall(lower))
        return sorted(runs.intersection(self.carried)), [f for f in self.fragments if f in lower]

    def present_words(self, text: str) -> set[str]:
        """Vocabulary words the text holds: a token made of letters is always a whole run of letters."""
        letters, fragments = self._carriers(text.lower())
        return set(fragments).union(*(self.carried[run] for run in letters))

    def passes(self, text: str) -> bool:
        """True when some anchor rule has all its required words within one clause of the text.

        Anchor matches never cross a line break or a token ending in . ! ? or ; (their tokens do not
        accept such tokens; a test checks it), so a rule whose words only meet across clauses cannot match.
        Most notes fail on the whole text; for the others one search for the words found gives each
        clause's words (a clause is the text between two CLAUSE_END matches).
        """
        lower = text.lower()
        letters, fragments = self._carriers(lower)
        if not self.index.satisfied(set(fragments).union(*(self.carried[run] for run in letters))):
            return False
        ends = [m.start() for m in CLAUSE_END.finditer(lower)]
        by_clause: dict[int, set[str]] = defaultdict(set)
        if letters:
            whole_runs = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, letters)) + r")(?![^\W\d_])")
            for match in whole_runs.finditer(lower):
                by_clause[bisect_right(ends, match.start())].update(self.carried[match.group()])
        for fragment in fragments:
            at = lower.find(fragment)
            while at >= 0:
                by_clause[bisect_right(ends, at)].add(fragment)
                at = lower.find(fragment, at + 1)
        return any(self.index.satisfied(words) for words in by_clause.values())
