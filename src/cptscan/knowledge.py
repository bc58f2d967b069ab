"""The scanner's knowledge as one object: reading rules, code catalog, label roles and models.

Every stage that needs to know what a label means or what a code requires (the pipeline components,
coding, reconcile, the worklist, the service) gets this object from ``cptscan.load()`` rather than reading
the packaged files on its own, so a site catalog or an extra code pack reaches every stage at once. The
spaCy components receive it through their config, as a registered function (``cptscan.knowledge.v1``)
that names the packs, the catalog and the knowledge directory: a saved pipeline's ``config.cfg`` says which
knowledge it was built with, and loading it builds the same.

``to_disk`` writes the knowledge in use (general rules, the enabled packs, a site catalog, the models) as
one directory with a hash for every file; ``from_disk`` refuses a directory whose files do not match, so a
site can freeze what it validated and ship exactly that to its cluster or service.
"""

import hashlib
import json
import shutil
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from spacy.util import registry

from . import __version__, packs
from .catalog import Catalog, load_catalog
from .models import models_dir
from .rules import RULE_FILES, RuleSet, load_rules

#: the knowledge of the default packs, as a component's config names it
DEFAULT_KNOWLEDGE = {"@misc": "cptscan.knowledge.v1", "packs": [], "catalog": None, "root": None}
MANIFEST = "knowledge.json"
SITE_CATALOG = "catalog.json"


class KnowledgeError(ValueError):
    """A knowledge directory is incomplete or was changed after it was written."""


@dataclass(frozen=True)
class Knowledge:
    rules: RuleSet
    catalog: Catalog
    catalog_path: Optional[str] = None
    root: Optional[Path] = None  # a knowledge directory; None: the files shipped in the package
    ablated: Tuple[str, ...] = ()  # capabilities switched off to measure them (cptscan.ablation)

    @property
    def packs(self) -> Tuple[str, ...]:
        return self.rules.packs

    @property
    def models_dir(self) -> Path:
        return models_dir(self.root)

    @property
    def config(self) -> Dict[str, Any]:
        """This knowledge as a spaCy config block: what a component's ``knowledge`` setting holds."""
        extra = [name for name in self.packs if name not in packs.resolve((), self.root)]
        config = {**DEFAULT_KNOWLEDGE, "packs": extra, "catalog": self.catalog_path,
                  "root": str(self.root) if self.root is not None else None}
        return {**config, "ablate": list(self.ablated)} if self.ablated else config

    def labels(self, *roles: str) -> FrozenSet[str]:
        return frozenset(self.rules.labels_with_role(*roles))

    def reads_as(self, label: Optional[str]) -> str:
        """A label as a coder reads it (its ``reads_as`` in the rule data), for reasons and query drafts."""
        spec = self.rules.labels.get(label or "", {})
        return spec.get("reads_as") or (label or "").replace("_", " ").lower()

    def pack_data(self, file: str) -> List[Dict[str, Any]]:
        """An optional pack file (``queries.json``) of each enabled pack that has it, parsed, in pack order."""
        found = (packs.read_pack(name, self.root).data(file) for name in self.packs)
        return [data for data in found if data is not None]

    @property
    def vocabulary(self) -> Dict[str, Any]:
        """``packs/vocabulary.json`` of this knowledge: roles, elements and the query frame."""
        return packs.vocabulary(self.root)[1]

    def to_disk(self, path: Path) -> Path:
        """Writes this knowledge as one directory: ``rules/``, ``packs/`` (the enabled ones), ``catalog.json``
        (a site catalog, if any), ``models/`` and ``knowledge.json`` with the sha256 of every file."""
        path = Path(path)
        if self.ablated:
            raise KnowledgeError("this knowledge has capabilities switched off for measuring; write it without them")
        if path.exists() and any(path.iterdir()):
            raise KnowledgeError(f"{path} is not empty; write the knowledge to a new directory")
        rules_src = self.root / "rules" if self.root is not None else resources.files("cptscan.rules")
        _copy_files(rules_src, path / "rules", RULE_FILES)
        packs_src = packs.packs_root(self.root)
        _copy_files(packs_src, path / "packs", [packs.VOCABULARY])
        for name in self.packs:
            shutil.copytree(str(packs_src.joinpath(name)), path / "packs" / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        if self.catalog_path:
            shutil.copyfile(self.catalog_path, path / SITE_CATALOG)
        manifest = json.loads((self.models_dir / "manifest.json").read_text(encoding="utf-8"))
        model_files = ["manifest.json"] + [entry["file"] for entry in manifest.get("models", {}).values()]
        _copy_files(self.models_dir, path / "models", model_files)
        files = {str(p.relative_to(path)): _sha256(p) for p in sorted(path.rglob("*")) if p.is_file()}
        (path / MANIFEST).write_text(json.dumps({
            "cptscan": __version__, "packs": list(self.packs), "rules_sha256": self.rules.sha256,
            "catalog": SITE_CATALOG if self.catalog_path else None, "files": files}, indent=1), encoding="utf-8")
        return path

    @classmethod
    def from_disk(cls, path: Path, ablate: Sequence[str] = ()) -> "Knowledge":
        """The knowledge a directory written by ``to_disk`` holds, after every file's hash is checked (with the
        capabilities ``ablate`` switched off, if any)."""
        path = Path(path).resolve()
        manifest = _verified_manifest(path)
        default = set(packs.resolve((), path))
        extra = tuple(name for name in manifest["packs"] if name not in default)
        catalog = str(path / manifest["catalog"]) if manifest.get("catalog") else None
        return _load(extra, catalog, path, tuple(ablate))


def _copy_files(source: Any, target: Path, names: Sequence[str]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        (target / name).write_bytes(source.joinpath(name).read_bytes())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _verified_manifest(path: Path) -> Dict[str, Any]:
    """The directory's manifest, once every file it lists has its hash and no other file was added."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KnowledgeError(f"{path} is not a knowledge directory ({MANIFEST}: {exc})") from exc
    listed = manifest.get("files") or {}
    present = {str(p.relative_to(path)) for p in path.rglob("*") if p.is_file() and p.name != MANIFEST
               and "__pycache__" not in p.parts}
    for name in sorted(set(listed) | present):
        if name not in present:
            raise KnowledgeError(f"{path}: {name} is missing")
        if name not in listed:
            raise KnowledgeError(f"{path}: {name} is not in {MANIFEST}; refusing a directory with added files")
        if _sha256(path / name) != listed[name]:
            raise KnowledgeError(f"{path}: {name} was changed after the knowledge was written (sha256 differs)")
    return manifest


@lru_cache(maxsize=None)
def _load(packs: Tuple[str, ...], catalog_path: Optional[str], root: Optional[Path],
          ablate: Tuple[str, ...] = ()) -> Knowledge:
    if ablate:  # the full knowledge with capabilities switched off (cptscan.ablation)
        from .ablation import switch_off

        return switch_off(_load(packs, catalog_path, root), ablate)
    return Knowledge(load_rules(packs, root), load_catalog(catalog_path, packs, root), catalog_path, root)


def load_knowledge(catalog_path: Optional[str] = None, packs: Sequence[str] = (), ablate: Sequence[str] = ()) -> Knowledge:
    """The default packs plus ``packs``, with a site's own catalog file instead of the packs' codes if given,
    and the capabilities ``ablate`` switched off (``cptscan.ablation``; none by default).

    Loaded once per process for each combination, so the scanner, its components and reconcile share one.
    """
    return _load(tuple(packs), str(catalog_path) if catalog_path else None, None, tuple(ablate))


def knowledge_for(packs: Sequence[str] = (), catalog_path: Optional[str] = None,
                  knowledge_dir: Optional[str] = None, ablate: Sequence[str] = ()) -> Knowledge:
    """The knowledge ``cptscan.load`` options choose: a knowledge directory, or packs and a site catalog."""
    if knowledge_dir is not None:
        if packs or catalog_path:
            raise KnowledgeError("a knowledge directory carries its own packs and catalog; give one or the other")
        return Knowledge.from_disk(Path(knowledge_dir), ablate)
    return load_knowledge(catalog_path, packs, ablate)


@registry.misc("cptscan.knowledge.v1")
def knowledge_from_config(packs: List[str] = [], catalog: Optional[str] = None,  # noqa: B006
                          root: Optional[str] = None, ablate: List[str] = []) -> Knowledge:  # noqa: B006
    """The knowledge a pipeline component's config names (``{"@misc": "cptscan.knowledge.v1", ...}``)."""
    if root is not None:
        return Knowledge.from_disk(Path(root), ablate)
    return load_knowledge(catalog, packs, ablate)
