"""How the note is laid out, beyond its sentences: form fields that say "not done", fields that name the
analysed data set, and blocks written for another reader (patient education, after-visit summaries) inside a
clinical note.

Both decide what a mention on them means whatever ConText finds in its sentence: a service named in the
label of a field whose value is ``N/A``, ``***`` or a ticked "not performed" box was not done; a service
described in a patient-education paragraph was not done at this encounter. The patterns are data
(``form_fields`` and ``block_genres`` in context_rules.json).
"""

import re
from dataclasses import dataclass
from typing import Any, Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..knowledge import DEFAULT_KNOWLEDGE, Knowledge
from ..rules import RuleSet
from .extensions import text_of

Region = tuple[int, int, str]  # char start, char end, the cue shown in the evidence
Field = tuple[int, int, str, str]  # char start, char end, the assertion its answer gives, the cue

BLANK_LINES = re.compile(r"\n[ \t\r]*\n")



@dataclass(frozen=True)
class Layout:
    """The answered form fields of one note, and its blocks written for another reader than the record."""

    fields: tuple[Field, ...] = ()
    foreign_blocks: tuple[Region, ...] = ()
    input_fields: tuple[Region, ...] = ()

    def field_at(self, offset: int) -> Optional[tuple[str, str]]:
        """(assertion, cue) of the answered form field holding ``offset``, if any."""
        for start, end, assertion, cue in self.fields:
            if start <= offset < end:
                return assertion, cue
        return None

    def foreign_block_at(self, offset: int) -> Optional[str]:
        return _region_at(self.foreign_blocks, offset)

    def input_field_at(self, offset: int) -> Optional[str]:
        """The label of the field naming the analysed data set that holds ``offset``, if any."""
        return _region_at(self.input_fields, offset)


def _region_at(regions: tuple[Region, ...], offset: int) -> Optional[str]:
    for start, end, cue in regions:
        if start <= offset < end:
            return cue
    return None


class LayoutReader:
    """Finds answered or empty form fields and non-clinical blocks in a note's text."""

    def __init__(self, spec: dict[str, Any], blocks: dict[str, Any], input_fields: dict[str, Any]):
        flags = re.IGNORECASE | re.MULTILINE
        self.line = re.compile(spec["line"], re.MULTILINE)
        self.unfilled = [re.compile(r, re.IGNORECASE) for r in spec["unfilled"]]
        self.negative = [re.compile(r, re.IGNORECASE) for r in spec["negative"]]
        self.ticked = [re.compile(r, re.IGNORECASE) for r in spec["ticked"]]
        self.input_label = re.compile(input_fields["regex"], re.IGNORECASE)
        self.min_cues = blocks["min_cues"]
        self.genres = {genre: [(cue["name"], re.compile(cue["regex"], flags), cue.get("min_count", 1)) for cue in cues]
                       for genre, cues in blocks["genres"].items()}

    def read(self, text: str) -> Layout:
        inputs = tuple((m.start("value"), m.end(), m.group("label")) for m in self.line.finditer(text)
                       if self.input_label.search(m.group("label")))
        return Layout(tuple(self._fields(text)), tuple(self._foreign_blocks(text)), inputs)

    def _fields(self, text: str) -> list[Field]:
        out = []
        for m in self.line.finditer(text):
            value = m.group("value")
            if any(r.search(value) for r in self.unfilled):
                out.append((m.start(), m.end(), "negated", f"unfilled: {value.strip()[:40]}"))
            elif any(r.search(value) for r in self.negative):
                out.append((m.start(), m.end(), "negated", f"answered: {value.strip()[:40]}"))
            elif any(r.search(value) for r in self.ticked):
                out.append((m.start(), m.end(), "affirmed", f"ticked: {value.strip()[:40]}"))
        return out

    def _foreign_blocks(self, text: str) -> list[Region]:
        out = []
        for start, end in blocks_of(text):
            block = text[start:end]
            for genre, cues in self.genres.items():
                found = [name for name, regex, count in cues if len(regex.findall(block)) >= count]
                if len(found) >= self.min_cues:
                    out.append((start, end, f"{genre} block: {', '.join(found)}"))
                    break
        return out


def blocks_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of the blocks between blank lines: the unit a reader sees as one piece of writing."""
    out, start = [], 0
    for gap in [*BLANK_LINES.finditer(text), None]:
        out.append((start, gap.start() if gap is not None else len(text)))
        if gap is not None:
            start = gap.end()
    return out


class LayoutComponent:
    """Sets ``doc._.cptscan_layout`` for the assertion step."""

    def __init__(self, rules: RuleSet) -> None:
        context = rules.context
        self.reader = LayoutReader(context["form_fields"], context["block_genres"], context["input_fields"])

    def __call__(self, doc: Doc) -> Doc:
        doc._.cptscan_layout = self.reader.read(text_of(doc))
        return doc


@Language.factory("cptscan_layout", default_config={"knowledge": DEFAULT_KNOWLEDGE})
def make_layout(nlp: Language, name: str, knowledge: Knowledge) -> LayoutComponent:
    return LayoutComponent(knowledge.rules)
