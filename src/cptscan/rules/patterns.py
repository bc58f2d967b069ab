"""What a spaCy token pattern demands of a text: the words it cannot match without.

Both cheap pre-checks read rules through this module: the gate (may a note hold an anchor mention at all?)
and the sentence windows of the matchers (may this sentence hold any rule's match?). Each is sound only if
every word listed here is one the pattern really requires, so the analysis errs towards "no requirement".
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable, Optional, Sequence

#: pattern keys whose value pins a token's lower-cased text (NORM is left out: "n't" has the norm "not").
WORD_KEYS = ("LOWER", "TEXT", "ORTH")
#: operators under which a slot may match no token (or, for "!", any token but the listed ones).
OPTIONAL_OPS = ("?", "*", "!")


def slot_words(slot: dict[str, Any]) -> Optional[frozenset[str]]:
    """Lower-cased words a pattern slot accepts, or None when it does not pin words down."""
    for key in WORD_KEYS:
        if key in slot:
            value = slot[key]
            if isinstance(value, str):
                return frozenset({value.lower()})
            if isinstance(value, dict) and set(value) == {"IN"}:
                return frozenset(v.lower() for v in value["IN"])
            return None
    return None


def is_required(slot: dict[str, Any]) -> bool:
    """True when every match has a token in this slot ("{0,n}" quantifiers may match none)."""
    op = slot.get("OP") or ""
    return op not in OPTIONAL_OPS and not op.startswith("{0") and not op.startswith("{,")


def rule_words(pattern: Any, literal: str, tokenize: Callable[[str], Any]) -> list[frozenset[str]]:
    """The words a rule requires: its token pattern's, a phrase rule's own tokens (cut by ``tokenize``, the
    tokenizer its matcher uses), none for a regular expression (it may match anywhere)."""
    if isinstance(pattern, str):
        return []
    if pattern:
        return required_words(pattern)
    return [frozenset({t.lower_}) for t in tokenize(literal) if not t.is_space]


def required_words(pattern: list[dict[str, Any]]) -> list[frozenset[str]]:
    """For each slot that must match a pinned word, the words it accepts: a match holds one of each."""
    required = []
    for slot in pattern:
        words = slot_words(slot) if is_required(slot) else None
        if words is not None:
            required.append(words)
    return required


class RequirementIndex:
    """Which of many patterns can match, given the words a text holds.

    Each pattern is filed under one required slot, the one whose words look least common (whose shortest
    word is longest: "fatometry" rather than ":" or "the"), and checked in full only when one of those
    words is present; otherwise every ":" or "history" would make most patterns candidates. Patterns with
    no required word are candidates everywhere.
    """

    def __init__(self, requirements: Sequence[Sequence[frozenset[str]]]):
        self.requirements = [tuple(required) for required in requirements]
        self.unconditional = [i for i, required in enumerate(self.requirements) if not required]
        by_word: dict[str, set[int]] = defaultdict(set)
        for i, required in enumerate(self.requirements):
            if required:
                for word in max(required, key=lambda words: min(len(w) for w in words)):
                    by_word[word].add(i)
        self.by_word = {word: frozenset(indices) for word, indices in by_word.items()}
        self.vocabulary = frozenset(w for required in self.requirements for words in required for w in words)

    def satisfied(self, present: Iterable[str]) -> list[int]:
        """Indices, in order, of the patterns whose every required slot has a word in ``present``."""
        present = set(present)
        possible = set(self.unconditional).union(*(self.by_word.get(w, ()) for w in present))
        return sorted(i for i in possible if all(words & present for words in self.requirements[i]))
