"""The worklist page served by ``cptscan serve --worklist``: GET /worklist, POST /worklist/decisions.

Each posted decision is checked (the row exists in this worklist, the decision and corrected code are
valid for it) and appended as one line to the outcomes file, which ``cptscan outcomes`` reads. The page
holds note text, so both routes answer only requests addressed to a loopback name (a web page that
rebinds its own host name to 127.0.0.1 is turned away) and the post only from the page's own origin.
The bearer token, when set, is checked before these routes as for every endpoint. Log lines carry
counts, never a comment. Imported by ``create_app`` only, so the service extra (FastAPI) is installed.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Optional

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse

from cptscan.catalog.catalog import Catalog, load_catalog
from cptscan.service import is_loopback
from cptscan.worklist import decisions as decision_rules
from cptscan.worklist.page import policy
from cptscan.worklist.render import render_page

log = logging.getLogger("cptscan.service")

PAGE_PATH = "/worklist"
POST_PATH = "/worklist/decisions"


def _host_name(host_header: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1', '[::1]:8000' -> '::1'."""
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _problem(data: dict, body: object, catalog: Catalog) -> tuple[int, str, list[tuple[dict, dict]]]:
    """The status and reason why the posted body cannot be taken (no part of it is), or 200 and the
    (row, decision) pairs to append."""
    if not isinstance(body, dict) or not isinstance(body.get("decisions"), list):
        return 422, "expected {\"worklist\": <hash>, \"decisions\": [...]}", []
    if body.get("worklist") != data["hash"]:
        return 409, "these decisions are for another worklist than the one served", []
    rows = {row["id"]: row for row in data["rows"]}
    taken = []
    for number, item in enumerate(body["decisions"], 1):
        fields = item if isinstance(item, dict) else {}
        values = {k: fields.get(k, "") for k in ("id", "decision", "corrected_code", "comment")}
        if not all(isinstance(v, str) for v in values.values()):
            return 422, f"decision {number}: id, decision, corrected_code and comment must be text", []
        if values["id"] not in rows:
            return 422, f"decision {number}: no row of this worklist has that id", []
        why = decision_rules.check(rows[values["id"]], values["decision"], values["corrected_code"], catalog)
        if why:
            return 422, f"decision {number} (row {values['id']}): {why}", []
        taken.append((rows[values["id"]], values))
    return 200, "", taken


def mount(app, data: dict, outcomes: Path, catalog: Optional[Catalog] = None) -> None:
    """Adds the worklist routes to the service app for the worklist ``data`` (``read_page_data``)."""
    catalog = catalog or load_catalog()
    html = render_page(data, post_url=POST_PATH)
    headers = {"content-security-policy": policy(POST_PATH) + "; frame-ancestors 'none'",
               "cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
    lock = threading.Lock()

    def refused(request: Request) -> Optional[JSONResponse]:
        host = request.headers.get("host", "")
        if not is_loopback(_host_name(host)):
            return JSONResponse({"detail": "the worklist answers only on a loopback address"}, status_code=403)
        origin = request.headers.get("origin")
        if request.method == "POST" and origin is not None and origin != f"http://{host}":
            return JSONResponse({"detail": "decisions are taken only from the worklist page itself"}, status_code=403)
        return None

    @app.get(PAGE_PATH, include_in_schema=False)
    def worklist_page(request: Request):
        return refused(request) or HTMLResponse(html, headers=headers)

    @app.post(POST_PATH)
    async def post_decisions(request: Request):
        """Append coder decisions ``{"worklist": hash, "decisions": [{id, decision, corrected_code, comment}]}``
        to the outcomes file; all or none are taken."""
        turned_away = refused(request)
        if turned_away:
            return turned_away
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return JSONResponse({"detail": "send the decisions as application/json"}, status_code=415)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"detail": "the body is not JSON"}, status_code=400)
        status, why, taken = _problem(data, body, catalog)
        if why:
            return JSONResponse({"detail": why}, status_code=status)
        lines = "".join(json.dumps(decision_rules.record(row, v["decision"], v["corrected_code"], v["comment"],
                                                         data["hash"]), ensure_ascii=False) + "\n"
                        for row, v in taken)
        with lock, open(outcomes, "a", encoding="utf-8") as handle:
            handle.write(lines)
        log.info("worklist: %d decisions appended", len(taken))
        return {"appended": len(taken)}
