"""The Doc and Span attributes cptscan's components share, registered once, and cheap reads of the Doc.

spaCy rebuilds ``doc.text`` from the tokens on every access and walks every token for ``doc.sents``; on a
3 KB note each costs about half a millisecond, and the components read them several times per note.
"""

from __future__ import annotations

import time

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

MENTIONS = "cptscan_mentions"
FEATURES = "cptscan_features"  # the sentence classifiers' shared feature matrix, dropped by the finalizer
TEXT = "cptscan_text"
DEADLINE = "cptscan_deadline"  # time.monotonic() by which the note must be scanned (its time budget), or None

Window = tuple[int, int]  # token offsets [start, end)

for _name, _default in (("cptscan_assertion", "affirmed"), ("cptscan_cues", ()), ("cptscan_section", None),
                        ("cptscan_rule", None), ("cptscan_score", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
for _name, _default in (("cptscan_dos", None), ("cptscan_note_type", None), ("cptscan_admin_cues", ()),
                        ("cptscan_document_cues", ()),
                        ("cptscan_layout", None), (FEATURES, None), (TEXT, None), (DEADLINE, None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


class TimeBudgetExceeded(Exception):
    """A note's scan outlived its time budget: the scanner gives that note an error line and goes on."""


def check_deadline(doc: Doc) -> None:
    """Raises ``TimeBudgetExceeded`` once the note's deadline has passed. Called between pipeline steps and
    between the sentence windows of the matchers, the steps whose time grows with the note, so a note ends
    within one window's work of its budget instead of holding its worker (and a service's callers)."""
    deadline = doc._.get(DEADLINE)
    if deadline is not None and time.monotonic() > deadline:
        raise TimeBudgetExceeded()


def text_of(doc: Doc) -> str:
    """``doc.text``, joined from the tokens once per Doc."""
    text = doc._.get(TEXT)
    if text is None:
        text = doc.text
        doc._.set(TEXT, text)
    return text


def sentence_windows(doc: Doc) -> list[Window]:
    """Every sentence as (start, end) token offsets, read in one array pass (``doc.sents`` builds Spans)."""
    if not len(doc):
        return []
    starts = numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return list(zip(starts, starts[1:] + [len(doc)]))


def token_sentences(doc: Doc) -> list[Window]:
    """For each token, its sentence's (start, end) token offsets."""
    out: list[Window] = []
    for window in sentence_windows(doc):
        out.extend([window] * (window[1] - window[0]))
    return out
