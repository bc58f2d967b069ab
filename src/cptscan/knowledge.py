"""The scanner's knowledge as one object: reading rules, code catalog and label roles of the enabled packs.

Every stage that needs to know what a label means or what a code requires (the pipeline components,
coding, reconcile, the worklist, the service) gets this object from ``cptscan.load()`` rather than reading
the packaged files on its own, so a site catalog or an extra code pack reaches every stage at once. The
spaCy components receive it through their config, as a registered function (``cptscan.knowledge.v1``)
that names the packs and the catalog: a saved pipeline's ``config.cfg`` says which knowledge it was built
with, and loading it builds the same.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from spacy.util import registry

from .catalog import Catalog, load_catalog
from .rules import RuleSet, load_rules

#: the knowledge of the default packs, as a component's config names it
DEFAULT_KNOWLEDGE = {"@misc": "cptscan.knowledge.v1", "packs": [], "catalog": None}


@dataclass(frozen=True)
class Knowledge:
    rules: RuleSet
    catalog: Catalog
    catalog_path: Optional[str] = None

    @property
    def packs(self) -> Tuple[str, ...]:
        return self.rules.packs

    @property
    def config(self) -> Dict[str, Any]:
        """This knowledge as a spaCy config block: what a component's ``knowledge`` setting holds."""
        extra = [name for name in self.packs if name not in load_rules().packs]
        return {**DEFAULT_KNOWLEDGE, "packs": extra, "catalog": self.catalog_path}

    def labels(self, *roles: str) -> FrozenSet[str]:
        return frozenset(self.rules.labels_with_role(*roles))

    def reads_as(self, label: Optional[str]) -> str:
        """A label as a coder reads it (its ``reads_as`` in the rule data), for reasons and query drafts."""
        spec = self.rules.labels.get(label or "", {})
        return spec.get("reads_as") or (label or "").replace("_", " ").lower()


@lru_cache(maxsize=None)
def _load(packs: Tuple[str, ...], catalog_path: Optional[str]) -> Knowledge:
    return Knowledge(load_rules(packs), load_catalog(catalog_path, packs), catalog_path)


def load_knowledge(catalog_path: Optional[str] = None, packs: Sequence[str] = ()) -> Knowledge:
    """The default packs plus ``packs``, with a site's own catalog file instead of the packs' codes if given.

    Loaded once per process for each combination, so the scanner, its components and reconcile share one.
    """
    return _load(tuple(packs), str(catalog_path) if catalog_path else None)


@registry.misc("cptscan.knowledge.v1")
def knowledge_from_config(packs: List[str] = [], catalog: Optional[str] = None) -> Knowledge:  # noqa: B006
    """The knowledge a pipeline component's config names (``{"@misc": "cptscan.knowledge.v1", ...}``)."""
    return load_knowledge(catalog, packs)
