"""The coder worklist: reconcile findings as rows a coder works through, and what the coders decided.

rows      findings -> prioritised rows with a coder action (priorities and wording in worklist.json)
render    CSV (with decision and corrected_code columns), JSONL, and one self-contained HTML page
outcomes  an answered CSV -> acceptance/rejection/edit rates, and chart_gold lines
commands  the ``reconcile``, ``worklist`` and ``outcomes`` CLI commands (``register(app)``)
"""

from cptscan.worklist.outcomes import rates, read_csv, to_gold
from cptscan.worklist.render import render_csv, render_html, render_jsonl
from cptscan.worklist.rows import advisories, build_rows

__all__ = ["advisories", "build_rows", "rates", "read_csv", "render_csv", "render_html", "render_jsonl", "to_gold"]
