"""The scanner's reading rules as JSON: ConText modifiers and section titles here, and each code pack's
labels and target rules (``cptscan/packs``).

Files are validated when loaded so that a typo in a rule fails loudly at start-up rather than silently
matching nothing; their combined sha256 (with the packs') goes into every result so an audit can tell which
rules decided.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Optional

from .. import packs

RULE_FILES = ("context_rules.json", "negation_rules.json", "section_rules.json", "text_repairs.json")
KNOWN_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"}


class RuleFileError(ValueError):
    """A rule file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class RuleSet:
    target: dict[str, Any]
    context: dict[str, Any]
    negation: dict[str, Any]
    sections: dict[str, Any]
    sha256: str
    packs: tuple[str, ...] = ()
    repairs: dict[str, Any] = field(default_factory=dict)  # how noisy text is read back (text_repairs.json)

    @property
    def labels(self) -> dict[str, dict[str, Any]]:
        return self.target["labels"]

    @property
    def matcher_rules(self) -> list[dict[str, Any]]:
        """Target rules in the tokenizer's terms (see ``tokens.py``): what the matcher and the gate use."""
        from .tokens import tokenized_rules

        return tokenized_rules(self.target["target_rules"])

    @property
    def anchor_labels(self) -> list[str]:
        """Labels whose mentions make a note worth reporting; the gate is built from their rules."""
        return [name for name, spec in self.labels.items() if spec.get("anchor")]

    @property
    def roles(self) -> dict[str, dict[str, Any]]:
        return self.target["roles"]

    def labels_with_role(self, *roles: str) -> list[str]:
        """The labels playing any of ``roles``: code reads roles (service, input, withdrawal...), never names."""
        return [name for name, spec in self.labels.items() if spec["role"] in roles]

    def role_of(self, label: str) -> Optional[str]:
        spec = self.labels.get(label)
        return spec["role"] if spec else None

    @property
    def concept_labels(self) -> list[str]:
        """Labels reported in a result's ``concepts`` and annotated in gold (services, variants, readings); a
        label may opt out (``"concept": false``: a burn surgeon's decision documents the reading, but gold
        annotates the reading itself)."""
        roles = {role for role, spec in self.roles.items() if spec.get("concept")}
        return [name for name, spec in self.labels.items() if spec["role"] in roles and spec.get("concept", True)]


def _read(name: str, root: Optional[Path]) -> bytes:
    """A general rule file of a knowledge directory's ``rules/``, or of the package's."""
    folder = root / "rules" if root is not None else resources.files(__package__)
    return folder.joinpath(name).read_bytes()


def _validate_target(data: dict[str, Any]) -> None:
    labels = data.get("labels") or {}
    roles = data.get("roles") or {}
    for name, spec in labels.items():
        if spec.get("role") not in roles:
            raise RuleFileError(f"target_rules.json: label {name} has unknown role {spec.get('role')!r}")
    seen: set[str] = set()
    for rule in data.get("target_rules", []):
        rule_id = (rule.get("metadata") or {}).get("id")
        if not rule_id:
            raise RuleFileError(f"target_rules.json: rule {rule.get('literal')!r} has no metadata.id")
        if rule_id in seen:
            raise RuleFileError(f"target_rules.json: duplicate rule id {rule_id}")
        seen.add(rule_id)
        if rule.get("category") not in labels:
            raise RuleFileError(f"target_rules.json: rule {rule_id} has undeclared label {rule.get('category')!r}")


def _validate_context(data: dict[str, Any], main: dict[str, Any]) -> None:
    """ConText rules use the categories that context_rules.json maps to assertions, or the evidence ones."""
    categories = set(main["assertion_of_category"]) | {"CURRENT_ENCOUNTER", "PERFORMED", "PSEUDO", "POSSIBLE_EXISTENCE"}
    for rule in data.get("context_rules", []):
        if rule.get("category") not in categories:
            raise RuleFileError(f"{data.get('file', 'context rules')}: {rule.get('literal')!r} has unknown category {rule.get('category')!r}")
        if rule.get("direction", "BIDIRECTIONAL") not in KNOWN_DIRECTIONS:
            raise RuleFileError(f"{data.get('file', 'context rules')}: {rule.get('literal')!r} has unknown direction")


def _validate_sections(data: dict[str, Any]) -> None:
    allowed = {None, "historical", "family", "hypothetical", "hypothetical_unless_performed"}
    for name, spec in data.get("sections", {}).items():
        if not spec.get("titles"):
            raise RuleFileError(f"section_rules.json: section {name} has no titles")
        if spec.get("assertion") not in allowed:
            raise RuleFileError(f"section_rules.json: section {name} has unknown assertion {spec.get('assertion')!r}")


def _merge_target(names: tuple[str, ...], roles: dict[str, Any], root: Optional[Path]) -> dict[str, Any]:
    """The packs' labels and target rules as one target file; a label two packs declare must agree."""
    versions, labels, rules = [], {}, []
    for name in names:
        data = packs.read_pack(name, root).data("target_rules.json")
        versions.append(data.get("version", name))
        for label, spec in (data.get("labels") or {}).items():
            if label in labels and labels[label] != spec:
                raise RuleFileError(f"pack {name}: label {label} is declared differently by an earlier pack")
            labels[label] = spec
        rules += data.get("target_rules", [])
    return {"version": "+".join(versions), "roles": roles, "labels": labels, "target_rules": rules}


def _with_pack_extras(names: tuple[str, ...], context: dict[str, Any], sections: dict[str, Any],
                      root: Optional[Path]) -> None:
    """Adds the packs' own ConText modifiers and section titles to the general ones (in place)."""
    for name in names:
        pack = packs.read_pack(name, root)
        context["context_rules"] = context["context_rules"] + (pack.data("context_rules.json") or {}).get("context_rules", [])
        for section, spec in ((pack.data("section_rules.json") or {}).get("sections") or {}).items():
            if section in sections["sections"]:
                raise RuleFileError(f"pack {name}: section {section} already exists")
            sections["sections"][section] = spec


@lru_cache(maxsize=None)
def load_rules(extra_packs: tuple[str, ...] = (), root: Optional[Path] = None) -> RuleSet:
    """The general rule files and those of the default packs plus ``extra_packs``, validated once per process;
    from the knowledge directory ``root`` if given, else from the package."""
    names = packs.resolve(extra_packs, root)
    raw = {name: _read(name, root) for name in RULE_FILES}
    try:
        parsed = {name: json.loads(data) for name, data in raw.items()}
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"rule file is not valid JSON: {exc}") from exc
    vocabulary_raw, vocabulary = packs.vocabulary(root)
    target = _merge_target(names, vocabulary["roles"], root)
    _with_pack_extras(names, parsed["context_rules.json"], parsed["section_rules.json"], root)
    _validate_target(target)
    _validate_context(parsed["context_rules.json"], parsed["context_rules.json"])
    _validate_context(parsed["negation_rules.json"], parsed["context_rules.json"])
    _validate_sections(parsed["section_rules.json"])
    pack_bytes = [raw_file for pack in (packs.read_pack(name, root) for name in names)
                  for file, raw_file in pack.raw.items() if file == "target_rules.json" or file in packs.OPTIONAL_FILES]
    digest = hashlib.sha256(b"".join([vocabulary_raw, *pack_bytes, *(raw[name] for name in RULE_FILES)])).hexdigest()
    return RuleSet(target, parsed["context_rules.json"], parsed["negation_rules.json"],
                   parsed["section_rules.json"], digest, names, parsed["text_repairs.json"])
