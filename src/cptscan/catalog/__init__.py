"""Code catalog: data in each code pack's codes.json, date-aware look-ups in catalog.py."""

from .catalog import Catalog, CatalogError, CodeEntry, load_catalog, official_descriptors, parse_date

__all__ = ["Catalog", "CatalogError", "CodeEntry", "load_catalog", "official_descriptors", "parse_date"]
