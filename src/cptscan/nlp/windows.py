"""Runs rule matchers on the sentences where a rule can match instead of on the whole note.

spaCy's Matcher walks every pattern over every token, so its cost is tokens x patterns: on a 3 KB note
with a service the target and ConText matchers were more than half of the scan, nearly all of it spent
on sentences that hold no rule word or no target. Here a match lies within one sentence (ConText's scope
is the sentence; the rules describe phrases), and each matcher runs only on the sentences worth matching:

* ``RuleSentences`` picks the sentences holding one required word of every required slot of some rule
  (the words come from ``rules/patterns.py``, as the gate's do, so a new rule widens the selection by
  itself); ``RuleMatcher`` runs each target rule only where its words are; the section headers and the
  administrative-document cues use the same selection;
* ``TargetSentences`` picks the sentences holding a target mention, where ``SentenceMatcher`` runs
  ConText's cues.

Both stand in for medspaCy's ``MedspacyMatcher`` (the matcher inside TargetMatcher, Sectionizer and
ConText) and return what it would return, with document offsets. ``tests/perf/test_windows.py`` checks
they find exactly what medspaCy's matchers find on the whole note, restricted to those sentences.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Callable, Iterable

import numpy
from .medspacy_parts import prune_overlapping_matches
from spacy.attrs import LOWER
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..rules.patterns import RequirementIndex, rule_words
from .extensions import Window, check_deadline, sentence_windows

Selector = Callable[[Doc], list[Window]]


def merge(windows: Iterable[Window]) -> list[Window]:
    """Adjacent or overlapping windows as one (fewer, longer matcher calls give the same matches)."""
    merged: list[list[int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


class RuleSentences:
    """Selects the sentences in which at least one rule can match, and names those rules.

    ``requirements`` holds, per rule, the word sets it needs (one word of each); rules are looked up
    through ``RequirementIndex``, and a rule that needs no word is tried in every sentence.
    """

    def __init__(self, vocab: Vocab, requirements: Iterable[list[frozenset[str]]]):
        self.index = RequirementIndex(list(requirements))
        self.words = numpy.array(sorted(vocab.strings.add(w) for w in self.index.vocabulary), dtype="uint64")

    def candidates(self, doc: Doc) -> list[tuple[Window, list[int]]]:
        """Each sentence where some pattern can match, with the indices of those patterns (in order)."""
        lower = doc.to_array(LOWER)
        hits = numpy.flatnonzero(numpy.isin(lower, self.words)).tolist() if len(self.words) else []
        selected, at = [], 0
        for window in sentence_windows(doc):
            present = set()
            while at < len(hits) and hits[at] < window[1]:
                present.add(doc.vocab.strings[int(lower[hits[at]])])
                at += 1
            indices = self.index.satisfied(present)
            if indices:
                selected.append((window, indices))
        return selected

    def __call__(self, doc: Doc) -> list[Window]:
        return merge(window for window, _ in self.candidates(doc))


class TargetSentences:
    """Selects the sentences holding a span of ``span_group`` whose label is not in ``quiet_labels``."""

    def __init__(self, span_group: str, quiet_labels: Iterable[str] = ()):
        self.span_group = span_group
        self.quiet_labels = frozenset(quiet_labels)

    def __call__(self, doc: Doc) -> list[Window]:
        starts = [span.start for span in doc.spans.get(self.span_group, []) if span.label_ not in self.quiet_labels]
        if not starts:
            return []
        sentences = sentence_windows(doc)
        first_tokens = [start for start, _ in sentences]
        wanted = {sentences[bisect_right(first_tokens, s) - 1] for s in starts}
        return merge(wanted)


def match_in_windows(matcher: Callable[[Any], list], doc: Doc, windows: list[Window]) -> list[tuple[int, int, int]]:
    """A spaCy ``Matcher`` run on each window, with match offsets in the document."""
    matches = []
    for start, end in windows:
        check_deadline(doc)
        matches.extend((key, start + s, start + e) for key, s, e in matcher(doc[start:end]))
    return matches


class _WindowedMedspacyMatcher:
    """Stands in for medspaCy's ``MedspacyMatcher`` inside TargetMatcher or ConText, which call it and read
    its rule_map and labels (delegated); it returns what the wrapped matcher would, with document offsets."""

    def __init__(self, matcher: Any):
        self.matcher = matcher

    def __getattr__(self, name: str) -> Any:
        if name == "matcher":  # not set yet while unpickling: no delegation loop
            raise AttributeError(name)
        return getattr(self.matcher, name)

    def _finish(self, doc: Doc, matches: list[tuple[int, int, int]], windows: list[Window]) -> list[tuple[int, int, int]]:
        """Adds phrase and regex rules' matches inside ``windows``; prunes overlaps if the wrapped matcher does."""
        phrase_matcher = self.matcher._MedspacyMatcher__phrase_matcher
        for start, end in windows:  # spaCy's PhraseMatcher, unlike its Matcher, gives document offsets for a Span
            matches.extend(phrase_matcher(doc[start:end]))
        starts = [start for start, _ in windows]
        matches.extend(m for m in self.matcher._MedspacyMatcher__regex_matcher(doc) if _inside(m, windows, starts))
        return prune_overlapping_matches(matches) if self.matcher._prune else matches


class SentenceMatcher(_WindowedMedspacyMatcher):
    """The wrapped matcher, all rules, run only on the windows ``selector`` returns (ConText's cues)."""

    def __init__(self, matcher: Any, selector: Selector):
        super().__init__(matcher)
        self.selector = selector

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        windows = self.selector(doc)
        return self._finish(doc, match_in_windows(self.matcher._MedspacyMatcher__matcher, doc, windows), windows)


class RuleMatcher(_WindowedMedspacyMatcher):
    """The wrapped matcher with one spaCy Matcher per token-pattern rule, each run only on the sentences
    holding its required words (a sentence with a rule word is a candidate for a few rules, not for all of
    them); phrase and regex rules run on every sentence that is a candidate for any rule, theirs included.
    Rules added to the wrapped matcher later are indexed on the next call."""

    def __init__(self, matcher: Any):
        super().__init__(matcher)
        self._index()

    def _index(self) -> None:
        tokenizer = self.matcher.nlp  # MedspacyMatcher keeps only the tokenizer, to read phrase rules
        rules = list(self.matcher.rule_map.values())
        self.rule_matchers: list[Any] = []
        for rule in rules:
            rule_matcher = None
            if isinstance(rule.pattern, list):  # validated when added to the wrapped matcher: not again
                rule_matcher = Matcher(tokenizer.vocab, validate=False)
                rule_matcher.add(rule._rule_id, [rule.pattern], on_match=rule.on_match)
            self.rule_matchers.append(rule_matcher)
        self.sentences = RuleSentences(tokenizer.vocab, [rule_words(rule.pattern, rule.literal, tokenizer)
                                                          for rule in rules])
        self.indexed = len(rules)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if self.indexed != len(self.matcher.rule_map):
            self._index()
        matches: list[tuple[int, int, int]] = []
        candidates = self.sentences.candidates(doc)
        for (start, end), indices in candidates:
            check_deadline(doc)
            window = doc[start:end]
            for i in indices:
                if self.rule_matchers[i] is not None:
                    matches.extend((key, start + s, start + e) for key, s, e in self.rule_matchers[i](window))
        matches.sort(key=lambda m: (m[1], m[2]))
        return self._finish(doc, matches, merge(window for window, _ in candidates))


def _inside(match: tuple[int, int, int], windows: list[Window], starts: list[int]) -> bool:
    """Whether a match lies inside one of ``windows`` (sorted and apart, as ``merge`` gives them; ``starts``
    their starts): only the last window starting at or before the match can hold it."""
    at = bisect_right(starts, match[1]) - 1
    return at >= 0 and match[2] <= windows[at][1]
