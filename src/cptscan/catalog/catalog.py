"""The code catalog: which codes the scanner knows, what each needs, and when each is valid.

Everything here is data: each code pack's ``codes.json`` (``cptscan/packs``) and the elements of
``packs/vocabulary.json``; adding next year's code means editing a pack and adding tests. Descriptions are the project's own short wording: CPT descriptors are the AMA's copyright, so a site
with a CPT licence loads the official ones from its own file (``official_descriptors``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from .. import packs

REQUIRED_FIELDS = ("category", "description", "effective_from", "effective_to")


class CatalogError(ValueError):
    """The catalog file is malformed: the scanner refuses to run on a catalog it cannot trust."""


@dataclass(frozen=True)
class ElementPolicy:
    """How mentions document one element: which assertions count and where the mention must be.

    ``where`` is ``subject_or_anchor_sentence`` (the study a report is about, or a sentence with the service or
    its software), ``nearest_service`` (evidence that several services share goes to the nearest one) or
    ``any_mention`` (a mention anywhere in the note counts for every service: what ``nearest_service`` replaced,
    kept so an ablation can measure it).
    """

    name: str
    assertions: frozenset[str]
    where: str
    anchors: bool = False  # its evidence (the software) anchors the sentences a sentence-bound element may use
    reads_back: bool = False  # a nearest_service mention also counts for the services before it in its section
    same_paragraph: bool = False  # a sentence-bound mention also counts in a paragraph with an affirmed service
    dates_the_service: bool = False  # a first reading here makes a service dated earlier only by a date today's
    about: str = ""


ELEMENT_PLACES = ("subject_or_anchor_sentence", "nearest_service", "any_mention")


@dataclass(frozen=True)
class CodeEntry:
    code: str
    category: str
    description: str
    effective_from: dt.date
    effective_to: Optional[dt.date]
    service_concept: Optional[str] = None
    variant_of: Optional[str] = None
    requires_concept: Optional[str] = None
    excludes_concept: Optional[str] = None
    elements: Optional[dict[str, tuple[str, ...]]] = None
    coverage_applies: bool = False
    replaces: tuple[str, ...] = ()
    replaced_by: Optional[str] = None
    addon_to: tuple[str, ...] = ()
    #: when the service happens: "first_reading" (a software analysis of a stored data set happens where a
    #: physician first reads it) or "acquisition" (imaging happens when the images are taken)
    dated_by: str = "first_reading"

    @property
    def detectable(self) -> bool:
        """Codes the scanner can propose from a note; deleted codes only show up on claims."""
        return self.service_concept is not None

    @property
    def required(self) -> tuple[str, ...]:
        """The elements this code needs documented (any subset of the catalog's elements)."""
        return tuple(self.elements or ())

    @property
    def family(self) -> str:
        """Codes that are variants of one service share a family (``variant_of``); any other code is its own."""
        return self.variant_of or self.code

    def effective_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def _date(value: Optional[str]) -> Optional[dt.date]:
    return dt.date.fromisoformat(value) if value else None


def parse_date(value: str | dt.date) -> dt.date:
    """Dates in notes and claims are ISO 8601 (YYYY-MM-DD); anything else is a clear error."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValueError(f"unparseable date {value!r}: expected YYYY-MM-DD") from exc


class Catalog:
    """Date-aware look-ups over the codes of the enabled packs (or of a site's own catalog file)."""

    def __init__(self, data: dict, sha256: str):
        self.version: str = data["catalog_version"]
        self.sha256 = sha256
        if not isinstance(data.get("elements"), dict):
            raise CatalogError("the catalog's 'elements' must map each element to its policy (assertions, where)")
        self.policies: dict[str, ElementPolicy] = {}
        for name, raw in data["elements"].items():
            if raw.get("where") not in ELEMENT_PLACES:
                raise CatalogError(f"element {name}: 'where' must be one of {ELEMENT_PLACES}")
            self.policies[name] = ElementPolicy(name, frozenset(raw["assertions"]), raw["where"],
                                                bool(raw.get("anchors", False)), bool(raw.get("reads_back", False)),
                                                bool(raw.get("same_paragraph", False)),
                                                bool(raw.get("dates_the_service", False)), raw.get("about", ""))
        self.elements: tuple[str, ...] = tuple(self.policies)
        self.coverage_assertions = frozenset(data.get("coverage_assertions", ("affirmed",)))
        self.entries: dict[str, CodeEntry] = {}
        for code, raw in data["codes"].items():
            missing = [f for f in REQUIRED_FIELDS if f not in raw]
            if missing:
                raise CatalogError(f"code {code}: missing fields {missing}")
            elements = raw.get("elements")
            if elements is not None and not set(elements) <= set(self.elements):
                raise CatalogError(f"code {code}: unknown elements {sorted(set(elements) - set(self.elements))}; "
                                   f"the catalog declares {list(self.elements)}")
            self.entries[code] = CodeEntry(
                code=code,
                category=raw["category"],
                description=raw["description"],
                effective_from=_date(raw["effective_from"]),
                effective_to=_date(raw["effective_to"]),
                service_concept=raw.get("service_concept"),
                variant_of=raw.get("variant_of"),
                requires_concept=raw.get("requires_concept"),
                excludes_concept=raw.get("excludes_concept"),
                elements={k: tuple(elements[k]) for k in self.elements if k in elements} if elements else None,
                coverage_applies=bool(raw.get("coverage_applies", False)),
                replaces=tuple(raw.get("replaces", ())),
                replaced_by=raw.get("replaced_by"),
                addon_to=tuple(raw.get("addon_to", ())),
                dated_by=_dated_by(code, raw.get("dated_by", "first_reading")),
            )
        for entry in self.entries.values():
            for other in (*entry.replaces, entry.replaced_by):
                if other and other not in self.entries:
                    raise CatalogError(f"code {entry.code} names unknown code {other}")

    def __contains__(self, code: str) -> bool:
        return code in self.entries

    def __getitem__(self, code: str) -> CodeEntry:
        return self.entries[code]

    def detectable(self) -> list[CodeEntry]:
        return [e for e in self.entries.values() if e.detectable]

    def for_concept(self, concept: str) -> list[CodeEntry]:
        """The codes a service concept can yield (several when it has variants)."""
        return [e for e in self.detectable() if e.service_concept == concept]

    def service_concepts(self) -> list[str]:
        return sorted({e.service_concept for e in self.detectable()})

    def is_effective(self, code: str, day: str | dt.date) -> bool:
        return self.entries[code].effective_on(parse_date(day))

    def replacement(self, code: str) -> Optional[str]:
        return self.entries[code].replaced_by

    def variant_for(self, concept: str, concepts: Iterable[str]) -> CodeEntry:
        """The code a documented service is billed as, given the concepts affirmed with it.

        The code whose required concept is present, else the one that needs none and whose excluded concept
        is absent (the default variant), else the family's first code.
        The scanner and reconcile both ask here, so they cannot disagree.
        """
        entries = self.for_concept(concept)
        present = set(concepts)
        for entry in entries:
            if entry.requires_concept and entry.requires_concept in present:
                return entry
        for entry in entries:
            if not entry.requires_concept and entry.excludes_concept not in present:
                return entry
        return entries[0]

    def variants(self, code: str) -> list[str]:
        """The other codes of the same variant family."""
        family = self.entries[code].variant_of
        if not family:
            return []
        return [e.code for e in self.detectable() if e.variant_of == family and e.code != code]

    def with_descriptors(self, descriptors: dict[str, str]) -> "Catalog":
        """A copy whose descriptions are a licensed site's official descriptors (unknown codes refused)."""
        unknown = sorted(set(descriptors) - set(self.entries))
        if unknown:
            raise CatalogError(f"official descriptors for codes not in the catalog: {unknown}")
        copy = object.__new__(Catalog)
        copy.__dict__.update(self.__dict__)
        copy.entries = {
            code: CodeEntry(**{**entry.__dict__, "description": descriptors.get(code, entry.description)})
            for code, entry in self.entries.items()
        }
        return copy


DATED_BY = ("first_reading", "acquisition")


def _dated_by(code: str, value: str) -> str:
    if value not in DATED_BY:
        raise CatalogError(f"code {code}: dated_by must be one of {', '.join(DATED_BY)}, not {value!r}")
    return value


def official_descriptors(path: str | Path) -> dict[str, str]:
    """Reads a site's licensed descriptors: JSON ``{"<code>": "..."}`` or CSV with ``code,descriptor``."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return {str(k): str(v) for k, v in json.loads(text).items()}
    import csv
    import io

    rows = csv.DictReader(io.StringIO(text))
    return {row["code"].strip(): row["descriptor"].strip() for row in rows}


@lru_cache(maxsize=None)
def load_catalog(path: Optional[str] = None, extra_packs: tuple[str, ...] = (), root: Optional[Path] = None) -> Catalog:
    """The codes of the default packs plus ``extra_packs``, or a site's own file with a pack's structure.

    A site file (``{"catalog_version", "codes"}``, as a pack's ``codes.json``) replaces the packs' codes; the
    elements and their policies come from the vocabulary unless the file declares its own. ``root`` is a
    knowledge directory (``Knowledge.to_disk``) to read the packs from instead of the package.
    """
    vocabulary_raw, vocabulary = packs.vocabulary(root)
    base = {"elements": vocabulary["elements"], "coverage_assertions": vocabulary["coverage_assertions"]}
    if path:
        raw = Path(path).read_bytes()
        try:
            site = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CatalogError(f"catalog is not valid JSON: {exc}") from exc
        return Catalog({**base, **site}, hashlib.sha256(raw).hexdigest())
    versions, codes, hashed = [], {}, [vocabulary_raw]
    for name in packs.resolve(extra_packs, root):
        pack = packs.read_pack(name, root)
        raw, data = pack.raw["codes.json"], pack.data("codes.json")
        clash = sorted(set(codes) & set(data.get("codes", {})))
        if clash:
            raise CatalogError(f"pack {name}: codes {clash} are already in an earlier pack")
        versions.append(data["catalog_version"])
        codes.update(data.get("codes", {}))
        hashed.append(raw)
    return Catalog({**base, "catalog_version": "+".join(versions), "codes": codes},
                   hashlib.sha256(b"".join(hashed)).hexdigest())
