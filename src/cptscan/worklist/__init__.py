"""The coder worklist: reconcile findings as rows a coder works through, and what the coders decided.

rows      findings -> prioritised rows with a coder action (priorities and wording in worklist.json)
render    CSV (with decision, corrected_code and comment columns), JSONL, and the worklist page's data
page      the self-contained HTML page (assets/) and its Content-Security-Policy
decisions what a decision and a corrected code may be; one decision as an outcomes line
served    the page at /worklist of ``cptscan serve``, and the decisions posted from it
outcomes  an answered CSV or JSONL -> acceptance/rejection/edit rates, and chart_gold lines
commands  the ``reconcile``, ``worklist`` and ``outcomes`` CLI commands (``register(app)``)
"""

from cptscan.worklist.outcomes import rates, read_answers, read_csv, to_gold
from cptscan.worklist.render import render_csv, render_html, render_jsonl
from cptscan.worklist.rows import advisories, build_rows

__all__ = ["advisories", "build_rows", "rates", "read_answers", "read_csv", "render_csv", "render_html", "render_jsonl",
           "to_gold"]
