"""Which spans meet a window, found by bisection instead of by comparing every pair.

A long note holds thousands of mentions, ConText cues and sentences; any step that compares each with each
grows with the square of the note's length (a 500,000-character note took minutes). The spans are short
(a phrase, a cue, a sentence's scope), so the ones that can meet a window are found among those starting
just before it. Callers still make their exact test on these candidates, so their results do not change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Sequence

Interval = tuple[int, int]


class SpanIndex:
    """``spans`` as (start, end) pairs; ``meeting(start, end)`` gives, in their given order, the indices of
    every span that overlaps or touches [start, end] (and perhaps a few more, which the exact test drops)."""

    def __init__(self, spans: Sequence[Interval]):
        self.order = sorted(range(len(spans)), key=lambda i: spans[i][0])
        self.starts = [spans[i][0] for i in self.order]
        self.reach = max((end - start for start, end in spans), default=0)

    def meeting(self, start: int, end: int) -> list[int]:
        return sorted(self.order[bisect_left(self.starts, start - self.reach):bisect_right(self.starts, end)])


def touching_groups(spans: Sequence[Interval]) -> list[list[int]]:
    """The indices of ``spans`` in groups, each in ascending order, such that two spans that overlap or touch
    are always in one group: pairs from different groups share no position."""
    groups: list[list[int]] = []
    reach = None
    for i in sorted(range(len(spans)), key=lambda i: spans[i]):
        start, end = spans[i]
        if reach is None or start > reach:
            groups.append([])
            reach = end
        groups[-1].append(i)
        reach = max(reach, end)
    return [sorted(group) for group in groups]
