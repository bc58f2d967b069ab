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
from typing import Any, Iterable, Optional

from ..rules import RuleSet, load_rules
from ..textprep import LINE_END_DASH, Repairs
from ..rules.patterns import RequirementIndex, rule_words
from .medspacy_parts import rule_tokenizer


def rule_requirements(rule: dict[str, Any]) -> list[frozenset[str]]:
    """The word sets a note must contain for ``rule`` to match (one word from each set)."""
    pattern = rule.get("pattern")
    if isinstance(pattern, str):
        raise ValueError(f"rule {rule.get('literal')!r}: regex patterns are not supported by the gate")
    return rule_words(pattern, rule["literal"], rule_tokenizer())


LETTER_RUN = re.compile(r"[^\W\d_]+")
CLAUSE_END = re.compile(r"(?<=[.!?;])\s|\n")


def _special_case_pieces() -> dict[str, frozenset[str]]:
    """Letter runs inside which a tokenizer special case cuts letter tokens ('aint' -> 'ai' + 'nt',
    "ain't" -> 'ai' + "n't"): each such run with the letter pieces that are not whole runs themselves."""
    out: dict[str, set[str]] = {}
    for key, pieces in rule_tokenizer().rules.items():
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
    fragments_alone: bool = field(init=False, compare=False, repr=False)  # a rule needs no letter word

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
        object.__setattr__(self, "fragments_alone", any(all(not words & self.words for words in required)
                                                        for required in self.requirements))

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
        runs = set(letter_runs(lower))
        return sorted(runs.intersection(self.carried)), [f for f in self.fragments if f in lower]

    def present_words(self, text: str) -> set[str]:
        """Vocabulary words the text holds: a token made of letters is always a whole run of letters."""
        letters, fragments = self._carriers(text.lower())
        return set(fragments).union(*(self.carried[run] for run in letters))

    def passes(self, text: str) -> bool:
        """True when some anchor rule has all its required words within one clause of the text.

        Anchor matches never cross a line break or a token ending in . ! ? or ; (their tokens do not
        accept such tokens; a test checks it), so a rule whose words only meet across clauses cannot match.
        Most notes fail on the whole text; the others are read again as a walk over their letter runs with the
        clause ends marked, and a clause's fragments are looked for in the clauses that hold a letter word (a
        rule whose every slot accepts a fragment is looked for in every clause).
        """
        lower = text.lower()
        letters, fragments = self._carriers(lower)
        if not self.index.satisfied(set(fragments).union(*(self.carried[run] for run in letters))):
            return False
        clauses = CLAUSE_END.split(lower)
        by_clause: dict[int, set[str]] = defaultdict(set)
        if self.fragments_alone and fragments:
            by_clause.update((i, set()) for i in range(len(clauses)))
        carriers, i = set(letters), 0
        for run in letter_runs(f" {CLAUSE_MARK} ".join(clauses), keep=True):
            if run == CLAUSE_MARK:
                i += 1
            elif run in carriers:
                by_clause[i].update(self.carried[run])
        for i, words in by_clause.items():
            words.update(f for f in fragments if f in clauses[i])
            if self.index.satisfied(words):
                return True
        return False


class RepairAwareGate:
    """The gate's test for a note not yet read back from OCR or dictation noise: whether the repaired note
    could let the gate through.

    The repairs (``textprep.Repairs``) look at every word of a note and cost several times the gate, while
    nearly every note fails the gate; so this test runs first, on the note as sent, and only the notes it lets
    through are repaired and gated for real. It must never turn away a note the repaired text would let
    through, so it looks for every word a repair could make: each required word also as the repairs fold
    look-alikes (the note is read as written and folded: 'p1aque', 'interpretatIon' and 'plaque' fold
    alike) and with the typing slips they read back ('mulitspectral'), a spelled abbreviation ('C C T A')
    and a word split in two ('Heart Flow') joined. A note with a line-end hyphen, or one where only a join
    completes a rule, is let through (such notes are few).
    """

    def __init__(self, gate: Gate, repairs: Repairs):
        self.repairs = repairs
        fold = repairs.fold
        slips: dict[str, set[str]] = defaultdict(set)
        for slip, word in repairs.typos.items():
            slips[word].add(slip)
        requirements = tuple(tuple(frozenset(words | {fold(w) for w in words} | set().union(*(slips[w] for w in words)))
                                   for words in required) for required in gate.requirements)
        vocabulary = {w for required in requirements for words in required for w in words}
        words = frozenset(w for w in vocabulary if LETTER_RUN.fullmatch(w))
        split_runs = dict(gate.split_runs)
        for run, pieces in gate.split_runs.items():
            split_runs[fold(run)] = split_runs.get(fold(run), frozenset()) | {fold(p) for p in pieces}
        self.wide = Gate(requirements, words, tuple(sorted(vocabulary - words)), split_runs)
        self.spelled = {w: " ".join(w.upper()) for w in words if w.upper() in repairs.abbreviations}
        # a split word's two halves (two letters or more each; a fold of several letters may be cut too)
        self.halves: dict[str, dict[str, str]] = defaultdict(dict)
        folded_from_many = [(many, one) for many, one in repairs.folds if len(many) > 1]
        for word in words:
            for i in range(2, len(word) - 1):
                self.halves[word[:i]][word[i:]] = word
            for many, one in folded_from_many:  # 'm' written 'r n': the cut falls inside what it folds from
                for at in (m.start() for m in re.finditer(re.escape(one), word)):
                    for cut in range(1, len(many)):
                        self.halves[word[:at] + many[:cut]][many[cut:] + word[at + len(one):]] = word

    def may_pass(self, text: str) -> bool:
        """False only when no repair of ``text`` can let it through the gate."""
        if LINE_END_DASH.search(text):
            return True
        spaced = text.replace("\t", " ").replace("\n", " ")  # the scanner gates the note with its lines joined
        lower = spaced.lower()
        view = lower + "\n" + self.repairs.fold(lower)
        runs = set(letter_runs(view))
        present = set(f for f in self.wide.fragments if f in view)
        present.update(*(self.wide.carried[run] for run in runs.intersection(self.wide.carried)))
        joined = {w for w, letters in self.spelled.items() if runs.issuperset(w) and letters in spaced}
        for head in runs.intersection(self.halves):
            joined.update(word for tail, word in self.halves[head].items()
                          if tail in runs and f"{head} {tail}" in view)
        if not self.wide.index.satisfied(present | joined):
            return False
        # a join counted: let the repairs and the gate decide; else the words must meet in one clause
        return bool(joined - present) or self.wide.passes(view)


NOT_LETTERS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalpha()})


CLAUSE_MARK = "\x00"
KEEP_CLAUSE_MARK = {**NOT_LETTERS, ord(CLAUSE_MARK): CLAUSE_MARK}


def letter_runs(text: str, keep: bool = False) -> list[str]:
    """The runs of letters of ``text`` in order (LETTER_RUN's matches; an ASCII text is cut by a table,
    faster), with ``keep`` each CLAUSE_MARK too (written with a space on each side)."""
    if text.isascii():
        return text.translate(KEEP_CLAUSE_MARK if keep else NOT_LETTERS).split()
    return re.findall(LETTER_RUN.pattern + "|" + CLAUSE_MARK, text) if keep else LETTER_RUN.findall(text)
