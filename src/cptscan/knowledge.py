"""The scanner's knowledge as one object: reading rules, code catalog, label roles.

Every stage that needs to know what a label means or what a code requires (the pipeline components,
coding, reconcile, the worklist, the service) gets this object from ``cptscan.load()`` rather than reading
the packaged files on its own, so a site catalog or an extra code pack reaches every stage at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .catalog import Catalog, load_catalog
from .rules import RuleSet, load_rules


@dataclass(frozen=True)
class Knowledge:
    rules: RuleSet
    catalog: Catalog

    def labels(self, *roles: str) -> frozenset[str]:
        return frozenset(self.rules.labels_with_role(*roles))

    def reads_as(self, label: Optional[str]) -> str:
        """A label as a coder reads it (its ``reads_as`` in the rule data), for reasons and query drafts."""
        spec = self.rules.labels.get(label or "", {})
        return spec.get("reads_as") or (label or "").replace("_", " ").lower()


def load_knowledge(catalog_path: Optional[str] = None) -> Knowledge:
    """The packaged knowledge, with a site's own catalog file instead of the packaged one if given."""
    return Knowledge(load_rules(), load_catalog(catalog_path))
