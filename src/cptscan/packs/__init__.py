"""Code packs: each family of codes the scanner knows is a folder of data, not code.

A pack folder holds ``pack.json`` (name, what it covers, whether it is on by default, its sources),
``codes.json`` (its catalog entries), ``target_rules.json`` (its labels, each with a role, and medspaCy
target rules) and, when it needs them, ``context_rules.json`` and ``section_rules.json`` (extra ConText
modifiers and section titles, added to the general ones), ``queries.json`` (the wording of documentation
query drafts per code family and element, ``cptscan.queries``) and ``examples/`` (annotated notes its tests
scan). Packs marked ``"default": true`` are always on; the others are enabled by name (``--pack``,
``cptscan.load(packs=[...])``). ``vocabulary.json`` beside the packs names the roles a label can play and
the elements a code can require: the words Python reads, the same for every pack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Iterable, Optional

VOCABULARY = "vocabulary.json"
REQUIRED_FILES = ("pack.json", "codes.json", "target_rules.json")
OPTIONAL_FILES = ("context_rules.json", "section_rules.json", "queries.json")


class PackError(ValueError):
    """A pack is unknown, incomplete or clashes with another; the message names the pack and the file."""


@dataclass(frozen=True)
class Pack:
    name: str
    about: str
    default: bool
    folder: Traversable
    raw: dict[str, bytes]  # file name -> bytes, for the files the pack has

    def data(self, file: str) -> Optional[dict[str, Any]]:
        """A pack file parsed, or None when the pack has no such (optional) file."""
        if file not in self.raw:
            return None
        try:
            return json.loads(self.raw[file])
        except json.JSONDecodeError as exc:
            raise PackError(f"pack {self.name}: {file} is not valid JSON: {exc}") from exc

    def examples(self, file: str) -> list[dict[str, Any]]:
        """The annotated example notes (``notes.jsonl``, ``gold.jsonl``) the pack's tests scan."""
        path = self.folder.joinpath("examples", file)
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def packs_root(root: Optional[Path] = None) -> Traversable:
    """The packs of a knowledge directory (``Knowledge.to_disk``), or the ones shipped in the package."""
    return root / "packs" if root is not None else resources.files(__package__)


@lru_cache(maxsize=None)
def vocabulary(root: Optional[Path] = None) -> tuple[bytes, dict[str, Any]]:
    """The roles and elements every pack speaks, as bytes (for the hash) and parsed."""
    raw = packs_root(root).joinpath(VOCABULARY).read_bytes()
    return raw, json.loads(raw)


@lru_cache(maxsize=None)
def read_pack(name: str, root: Optional[Path] = None) -> Pack:
    folder = packs_root(root).joinpath(name)
    if not folder.is_dir():
        raise PackError(f"unknown code pack {name!r}; packs here: {', '.join(sorted(available(root)))}")
    raw = {}
    for file in REQUIRED_FILES + OPTIONAL_FILES:
        path = folder.joinpath(file)
        if path.is_file():
            raw[file] = path.read_bytes()
        elif file in REQUIRED_FILES:
            raise PackError(f"pack {name}: {file} is missing")
    meta = json.loads(raw["pack.json"])
    if meta.get("name") != name:
        raise PackError(f"pack folder {name} says its name is {meta.get('name')!r}")
    return Pack(name, meta.get("about", ""), bool(meta.get("default")), folder, raw)


def available(root: Optional[Path] = None) -> dict[str, bool]:
    """Every pack shipped with cptscan (or in a knowledge directory), and whether it is on by default."""
    found = {}
    for folder in packs_root(root).iterdir():
        if folder.is_dir() and folder.joinpath("pack.json").is_file():
            found[folder.name] = bool(json.loads(folder.joinpath("pack.json").read_bytes()).get("default"))
    return found


def resolve(extra: Iterable[str] = (), root: Optional[Path] = None) -> tuple[str, ...]:
    """The packs to load: the default ones (sorted), then the extra ones in the order asked, each once."""
    names = [name for name, default in sorted(available(root).items()) if default]
    for name in extra:
        read_pack(name, root)  # an unknown name fails here, with the list of known packs
        if name not in names:
            names.append(name)
    return tuple(names)
