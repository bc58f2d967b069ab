"""The worklist page: the template, stylesheet and script in ``assets/``, put together with a strict CSP.

The page runs no code and loads no style that the policy does not name by its SHA-256, so an injected
``<script>`` or ``<style>`` would not run even if escaping failed. It may connect nowhere when opened from
disk, and only back to its own origin (to post decisions) when ``cptscan serve`` serves it.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources
from typing import Optional


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(post_url: Optional[str] = None) -> str:
    """The Content-Security-Policy of the page: its own script and style by hash, nothing else."""
    connect = "'self'" if post_url else "'none'"
    return (f"default-src 'none'; script-src {_sha256(asset('worklist.js'))}; "
            f"style-src {_sha256(asset('worklist.css'))}; img-src data:; connect-src {connect}; "
            "base-uri 'none'; form-action 'none'")


def page(title_html: str, data_json: str, post_url: Optional[str] = None) -> str:
    """The page with its title (already HTML-escaped) and data (already safe inside <script>) filled in.

    The data goes in last and apart, so neither a title nor a note can smuggle in a placeholder."""
    head, tail = asset("worklist.html").split("__DATA__")
    fill = {"__CSP__": policy(post_url), "__STYLE__": asset("worklist.css"), "__SCRIPT__": asset("worklist.js"),
            "__TITLE__": title_html}  # the title last: what it says is never taken for a marker
    for marker, value in fill.items():
        head, tail = head.replace(marker, value), tail.replace(marker, value)
    return head + data_json + tail
