"""cptscan: finds the documentation of AI-augmented CPT 2026 services in clinical notes.

    import cptscan
    scanner = cptscan.load()
    for result in scanner.scan(notes):   # notes: dicts in the corpus format
        ...

Results are suggestions for a certified coder, not coding advice.
"""

__version__ = "0.1.0"


def load(**kwargs):
    """Loads the scanner once (pipeline, code packs, catalog, verified models); see ``cptscan.scanner.load``.

    ``cptscan.load(packs=["retinal"])`` adds a code pack that is off by default; ``catalog_path`` a site's
    own catalog file.
    """
    from .scanner import load as _load

    return _load(**kwargs)


__all__ = ["load", "__version__"]
