"""The learned genre of a note and of each of its blocks, settling what the keyword cues leave open.

``cptscan_document_kind`` calls a document administrative from weighted cues and ``cptscan_layout`` masks
blocks written for another reader; both are sure of the clear cases and wrong on the rest: a CCTA report
that opens with "Dear Dr." and thanks the referrer reads as a letter, a payer's letter with one cue reads as
clinical, a physician's answer under a coder's query is dropped with the query. This component asks a
scikit-learn model (``cptscan train-genre``, genre.joblib) what kind of text the whole document and each
block between blank lines is, and changes the two decisions only where the model is confident and the cues
leave room (the thresholds and which genres are clinical: ``document_genres`` in context_rules.json). It runs
before ``cptscan_assertion``, which turns an administrative document or a masked block into the DOCUMENT cue.

No ``from __future__ import annotations`` here: spaCy validates factory configs from real annotations.
"""

from bisect import bisect_left
from dataclasses import replace
from typing import Any, List, Sequence, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from ..knowledge import DEFAULT_KNOWLEDGE, Knowledge
from ..models import ModelIntegrityError, load_verified
from ..rules import RuleSet
from .extensions import MENTIONS, text_of
from .layout import Layout, blocks_of

Region = Tuple[int, int, str]


class GenreReader:
    """Re-decides ``doc._.cptscan_admin_cues`` and the layout's foreign blocks with the model's genres."""

    def __init__(self, model: Any, rules: RuleSet):
        spec = rules.context["document_genres"]
        classes = [str(c) for c in model.classes_]
        unknown = set(spec["clinical"]) | set(spec["administrative"])
        if set(classes) != unknown:
            raise ModelIntegrityError(f"the genre model's classes {sorted(classes)} are not the rule data's "
                                      f"{sorted(unknown)}; run `cptscan train-genre`")
        self.model = model
        self.classes = classes
        self.clinical = [classes.index(g) for g in spec["clinical"]]
        self.answers = frozenset(spec["answers"])
        self.keep = float(spec["keep"])
        self.mask = float(spec["mask"])
        self.block_mask = float(spec["block_mask"])
        self.min_block_chars = int(spec["min_block_chars"])
        self.anchors = frozenset(rules.anchor_labels)

    def __call__(self, doc: Doc) -> Doc:
        layout = doc._.cptscan_layout or Layout()
        text = text_of(doc)
        every = blocks_of(text)
        # the model reads only what can change a decision (each call costs a TF-IDF pass over its text): the
        # whole document when some cue of another genre was found, and the blocks that hold a service (or
        # heart CT) mention or that the layout cues mask
        anchors = sorted(m.start_char for m in doc.spans.get(MENTIONS, []) if m.label_ in self.anchors)
        masked = {start for start, _, _ in layout.foreign_blocks}
        blocks = [(s, e) for s, e in every if len(text[s:e].strip()) >= self.min_block_chars
                  and (s in masked or _holds(anchors, s, e))]
        with_cues = bool(doc._.cptscan_admin_cues or doc._.cptscan_document_cues)
        if not blocks and not with_cues:
            return doc
        rows = self.model.predict_proba(([text] if with_cues else []) + [text[s:e] for s, e in blocks])
        whole, parts = (rows[0], rows[1:]) if with_cues else (None, rows)
        cues = doc._.cptscan_admin_cues
        if not cues and doc._.cptscan_document_cues and 1 - self._clinical(whole) >= self.mask:
            cues = (self._name(whole, "learned genre"),)
        if cues:
            kept = {blocks[i] for i, row in enumerate(parts)
                    if self._clinical(row) >= self.keep and self.classes[int(row.argmax())] in self.answers}
            if kept:  # an answer under the query is the record: only the other blocks are administrative
                reason = "administrative: " + ", ".join(cues)
                doc._.cptscan_admin_cues = ()
                doc._.cptscan_layout = replace(layout, foreign_blocks=tuple(
                    (s, e, reason) for s, e in every if (s, e) not in kept))
                return doc
            if doc._.cptscan_admin_cues and self._clinical(whole) >= self.keep:
                cues = ()  # a clinical document the cues mistook for a letter (a report opening "Dear Dr.")
        doc._.cptscan_admin_cues = cues
        doc._.cptscan_layout = replace(layout, foreign_blocks=tuple(self._foreign(layout.foreign_blocks, blocks, parts)))
        return doc

    def _foreign(self, structural: Sequence[Region], blocks: List[Tuple[int, int]], rows: Any) -> List[Region]:
        """Blocks masked: those the layout cues mask unless the model calls them clinical with ``keep``, and
        those the model alone calls administrative with ``block_mask``."""
        row_at = {start: row for (start, _), row in zip(blocks, rows)}
        out = [r for r in structural if r[0] not in row_at or self._clinical(row_at[r[0]]) < self.keep]
        masked = {r[0] for r in structural}
        out += [(s, e, self._name(row, "learned genre block")) for (s, e), row in zip(blocks, rows)
                if s not in masked and 1 - self._clinical(row) >= self.block_mask]
        return sorted(out)

    def _clinical(self, row: Any) -> float:
        return float(sum(row[i] for i in self.clinical))

    def _name(self, row: Any, what: str) -> str:
        best = max(range(len(row)), key=lambda i: row[i])
        return f"{what}: {self.classes[best].replace('_', ' ')} {row[best]:.2f}"


def _holds(offsets: List[int], start: int, end: int) -> bool:
    """Whether a sorted list of character offsets has one in [start, end)."""
    at = bisect_left(offsets, start)
    return at < len(offsets) and offsets[at] < end


@Language.factory("cptscan_genre", default_config={
    "model_path": "", "sha256": "", "sklearn_version": "", "knowledge": DEFAULT_KNOWLEDGE})
def make_genre(nlp: Language, name: str, model_path: str, sha256: str, sklearn_version: str,
               knowledge: Knowledge) -> GenreReader:
    """The genre model (hash-checked before it is unpickled) read with the rule data's genres and thresholds."""
    return GenreReader(load_verified(model_path, sha256, sklearn_version), knowledge.rules)
