"use strict";
// The coder's worklist page. Every value that comes from the worklist (note text, chart ids, codes,
// reasons) and every value the coder types reaches the DOM through textContent, a text node or an
// attribute value; nothing is ever parsed as HTML.
const DATA = JSON.parse(document.getElementById("data").textContent);
const ROWS = DATA.rows;
const INDEX = new Map(ROWS.map((r, i) => [r.id, i]));
const STORE = "cptscan-worklist:" + DATA.hash;
const $ = id => document.getElementById(id);

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

const str = v => (v === undefined || v === null ? "" : String(v));
const typeText = t => str(t).replace(/_/g, " ");
const codeText = r => (r.type === "wrong_variant" ? r.billed + " → " + r.expected : str(r.code));
const priorityClass = p => ([1, 2, 3, 4, 5].includes(p) ? "p" + p : "pn");

function colour(label) {
  if (Object.prototype.hasOwnProperty.call(DATA.colours, label)) return DATA.colours[label];
  let h = 0;
  for (const ch of String(label)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return DATA.fallback[h % DATA.fallback.length];
}

// ------------------------------------------------------------------ decisions (kept in local storage)

// Only ids of this worklist and plain strings are taken back from storage, whatever it holds.
function loadDecisions() {
  const out = new Map();
  let saved = {};
  try { saved = JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { saved = {}; }
  for (const [id, d] of Object.entries(saved)) {
    if (INDEX.has(id) && d && typeof d === "object") {
      out.set(id, {decision: str(d.decision), corrected_code: str(d.corrected_code), comment: str(d.comment),
                   decided_at: str(d.decided_at)});
    }
  }
  return out;
}

const decisions = loadDecisions();

function saveDecisions() {
  try {
    localStorage.setItem(STORE, JSON.stringify(Object.fromEntries(decisions)));
  } catch (e) {
    $("sync").textContent = "This browser does not keep the decisions: export them before closing the page.";
  }
}

function decisionOf(id) {
  return decisions.get(id) || {decision: "", corrected_code: "", comment: "", decided_at: ""};
}

function decisionText(id) {
  const d = decisionOf(id);
  if (!d.decision) return "undecided";
  return d.decision === "edited" ? "edited → " + d.corrected_code : d.decision;
}

function store(id, entry) {
  if (!entry.decision && !entry.comment) decisions.delete(id); else decisions.set(id, entry);
  saveDecisions();
  paintDecision(id);
  if (id === current) showDecision(id);
  updateCount();
}

function setDecision(id, decision, corrected) {
  store(id, {decision, corrected_code: decision === "edited" ? corrected : "", comment: decisionOf(id).comment,
             decided_at: decision ? new Date().toISOString() : ""});
  send([id]);
}

function setComment(id, text) {
  store(id, {...decisionOf(id), comment: text});
}

// The same rule the service applies (cptscan.worklist.decisions.check): the codes come from the catalog.
function codeProblem(id, code) {
  const r = ROWS[INDEX.get(id)];
  const allowed = DATA.corrections[id] || [];
  if (!code) return "Type the corrected code.";
  if (!DATA.codes.includes(code)) return "the corrected code is not a code of the catalog";
  if (!allowed.includes(code)) {
    return "the corrected code is not a code of this row's service in force on " + r.date_of_service +
      " (one of: " + (allowed.join(", ") || "none") + ")";
  }
  return "";
}

// ------------------------------------------------------------------ the table

const tbody = document.querySelector("#findings tbody");

// A row's <tr> is made the first time it is shown, and kept.
const trs = new Array(ROWS.length);
const rowEl = i => trs[i] || (trs[i] = makeRow(ROWS[i], i));

function makeRow(r, i) {
  const tr = el("tr", {"data-id": r.id, id: "row-" + r.id, tabindex: "-1"});
  tr.appendChild(el("td", {}, i + 1));
  const type = el("td");
  type.appendChild(el("span", {class: "type " + priorityClass(r.priority)}, typeText(r.type)));
  tr.appendChild(type);
  [r.chart_id, r.date_of_service, codeText(r), r.action].forEach(v => tr.appendChild(el("td", {}, v)));
  tr.appendChild(el("td", {class: "decision"}));
  paintCell(tr.lastChild, r.id);
  return tr;
}

function paintDecision(id) {
  if (trs[INDEX.get(id)]) paintCell(trs[INDEX.get(id)].lastChild, id);
}

function paintCell(cell, id) {
  const d = decisionOf(id);
  cell.textContent = decisionText(id) + (d.comment ? " · comment" : "");
  cell.className = "decision" + (d.decision ? " d-" + d.decision : "");
}

const SORTS = {
  rank: i => i,
  type: i => typeText(ROWS[i].type),
  chart: i => str(ROWS[i].chart_id),
  date: i => str(ROWS[i].date_of_service),
  code: i => codeText(ROWS[i]),
  action: i => str(ROWS[i].action),
  decision: i => decisionText(ROWS[i].id),
};
// The filtered, sorted rows are view.order; the table holds the first view.shown of them and takes
// CHUNK more as the list is scrolled to its end (or a key moves past them), so 5,000 rows stay fast.
const CHUNK = 100;
const view = {sort: "rank", desc: false, group: "", order: [], shown: 0, lastGroup: null, sizes: new Map()};

// What the filter searches: every field of the row, its notes' text, and the coder's decision and comment.
const noteLower = new Map(Object.entries(DATA.notes).map(([id, n]) => [id, str(n && n.text).toLowerCase()]));
const rowLower = ROWS.map(r => [r.id, typeText(r.type), r.chart_id, r.date_of_service, codeText(r), r.code, r.billed,
  r.expected, r.suggested, (r.missing || []).join(" "), r.action, r.reason, r.evidence_snippet,
  (r.evidence_notes || []).join(" "), r.query_draft].map(str).join("\n").toLowerCase());

function matches(i, q) {
  if (rowLower[i].includes(q)) return true;
  if ((ROWS[i].evidence_notes || []).some(n => (noteLower.get(n) || "").includes(q))) return true;
  const d = decisionOf(ROWS[i].id);
  return (decisionText(ROWS[i].id) + "\n" + d.comment).toLowerCase().includes(q);
}

const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);

function apply() {
  const q = $("filter").value.trim().toLowerCase();
  const order = [];
  for (let i = 0; i < ROWS.length; i++) if (!q || matches(i, q)) order.push(i);
  const key = SORTS[view.sort];
  const keys = new Array(ROWS.length);
  order.forEach(i => { keys[i] = key(i); });
  const dir = view.desc ? -1 : 1;
  order.sort((a, b) => dir * cmp(keys[a], keys[b]) || a - b);
  view.sizes = new Map();
  if (view.group) {
    const groupOf = i => str(ROWS[i][view.group]);
    order.sort((a, b) => cmp(groupOf(a), groupOf(b)));  // stable: the chosen sort holds inside a group
    order.forEach(i => view.sizes.set(groupOf(i), (view.sizes.get(groupOf(i)) || 0) + 1));
  }
  view.order = order.map(i => ROWS[i].id);
  view.shown = 0;
  view.lastGroup = null;
  tbody.replaceChildren();
  $("list").scrollTop = 0;  // a new filter or order starts at its top
  showMore(CHUNK);
  const first = tbody.querySelector("tr[data-id]");
  const picked = current !== null && rowEl(INDEX.get(current)).isConnected;
  if (first && !picked) first.tabIndex = 0;  // the list stays reachable with Tab when no picked row is in it
  $("nothing").hidden = order.length > 0;
  document.querySelectorAll("#findings thead th").forEach(th => {
    if (th.dataset.sort === view.sort) th.setAttribute("aria-sort", view.desc ? "descending" : "ascending");
    else th.removeAttribute("aria-sort");
  });
  updateCount();
}

function showMore(count) {
  const frag = document.createDocumentFragment();
  const end = Math.min(view.order.length, view.shown + count);
  for (let k = view.shown; k < end; k++) {
    const i = INDEX.get(view.order[k]);
    const group = view.group ? str(ROWS[i][view.group]) : null;
    if (group !== null && group !== view.lastGroup) {
      view.lastGroup = group;
      const head = el("tr", {class: "group"});
      const what = view.group === "chart_id" ? "Chart " : "Date of service ";
      head.appendChild(el("th", {colspan: "7", scope: "rowgroup"}, what + group + " · " + view.sizes.get(group) + " findings"));
      frag.appendChild(head);
    }
    frag.appendChild(rowEl(i));
  }
  view.shown = end;
  tbody.appendChild(frag);
  $("more").hidden = end >= view.order.length;
  $("more-count").textContent = "Showing " + end + " of " + view.order.length + " findings.";
}

function showUpTo(id) {
  const at = view.order.indexOf(id);
  if (at >= view.shown) showMore(at - view.shown + CHUNK);
}

function updateCount() {
  let decided = 0;
  decisions.forEach(d => { if (d.decision) decided += 1; });
  $("count").textContent = ROWS.length + " findings · " + decided + " decided · " + view.order.length + " shown";
}

// ------------------------------------------------------------------ the selected finding

let current = null;

function select(id, focus) {
  if (!INDEX.has(id)) {
    $("pick").hidden = false;
    $("chosen").hidden = true;
    $("pick").textContent = "No finding with id " + id;
    return;
  }
  tbody.querySelectorAll("tr[tabindex='0']").forEach(tr => { tr.tabIndex = -1; });
  if (current !== null) {
    rowEl(INDEX.get(current)).classList.remove("selected");
    rowEl(INDEX.get(current)).removeAttribute("aria-current");
  }
  current = id;
  showUpTo(id);
  const tr = rowEl(INDEX.get(id));
  tr.classList.add("selected");
  tr.setAttribute("aria-current", "true");
  tr.tabIndex = 0;
  if (focus) tr.focus({preventScroll: true});
  if (tr.isConnected) tr.scrollIntoView({block: "nearest"});
  if (location.hash !== "#row=" + id) history.replaceState(null, "", "#row=" + id);
  showRow(id);
}

function focusCurrent() {
  if (current !== null && rowEl(INDEX.get(current)).isConnected) rowEl(INDEX.get(current)).focus();
}

function move(delta) {
  if (!view.order.length) return;
  const at = view.order.indexOf(current);
  const next = at < 0 ? (delta > 0 ? 0 : view.order.length - 1) : Math.min(Math.max(at + delta, 0), view.order.length - 1);
  select(view.order[next], true);
}

function nextUndecided() {
  const at = view.order.indexOf(current);
  for (let step = 1; step <= view.order.length; step++) {
    const id = view.order[(at + step + view.order.length) % view.order.length];
    if (!decisionOf(id).decision) { select(id, true); return; }
  }
  $("sync").textContent = "Every finding shown is decided.";
}

function showDecision(id) {
  const d = decisionOf(id);
  $("state").textContent = decisionText(id);
  for (const [button, value] of [["accept", "accepted"], ["reject", "rejected"], ["edit", "edited"]]) {
    $(button).setAttribute("aria-pressed", String(d.decision === value));
  }
  const allowed = DATA.corrections[id] || [];
  $("allowed").replaceChildren(...allowed.map(code => el("option", {value: code})));
  $("corrected-help").textContent = "codes for this date: " + (allowed.join(", ") || "none");
  $("corrected").value = d.corrected_code;
  $("corrected").removeAttribute("aria-invalid");
  $("corrected-error").textContent = "";
  if (document.activeElement !== $("comment")) $("comment").value = d.comment;
}

// Each span is cut at every boundary; a piece is plain text or a <mark> naming the labels that cover it,
// and the last piece of a span says its label, rule and assertion cue.
function cue(span) {
  return (span.modifiers || []).map(m => str(m.category).toLowerCase() + " “" + str(m.cue) + "”").join(", ");
}

function spanTag(span) {
  const assertion = span.assertion && span.assertion !== "affirmed" ? span.assertion : "";
  return [span.label, span.rule, assertion, cue(span)].filter(Boolean).map(str).join(" · ");
}

function highlighted(text, spans) {
  const pre = el("pre");
  const cuts = new Set([0, text.length]);
  const good = spans.filter(s => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end && s.end <= text.length);
  good.forEach(s => { cuts.add(s.start); cuts.add(s.end); });
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = good.filter(s => s.start <= a && b <= s.end);
    if (!covering.length) { pre.appendChild(document.createTextNode(text.slice(a, b))); continue; }
    const labels = [...new Set(covering.map(s => str(s.label)))];
    const mark = el("mark", {"data-label": labels.join(" "), title: covering.map(spanTag).join("\n")}, text.slice(a, b));
    mark.style.background = colour(labels[0]);
    covering.filter(s => s.end === b).forEach(s => mark.appendChild(el("span", {class: "lab"}, spanTag(s))));
    pre.appendChild(mark);
  }
  return pre;
}

function spanTable(spans) {
  const table = el("table", {class: "spans"});
  table.appendChild(el("caption", {class: "sr-only"}, "Evidence spans of this note"));
  const head = el("tr");
  ["evidence", "label", "rule", "assertion", "cue"].forEach(h => head.appendChild(el("th", {scope: "col"}, h)));
  table.appendChild(el("thead")).appendChild(head);
  const body = table.appendChild(el("tbody"));
  spans.forEach(s => {
    const tr = el("tr");
    [s.text, s.label, s.rule, s.assertion || "affirmed", cue(s)].forEach(v => tr.appendChild(el("td", {}, str(v))));
    body.appendChild(tr);
  });
  return table;
}

function showRow(id) {
  const r = ROWS[INDEX.get(id)];
  $("pick").hidden = true;
  $("chosen").hidden = false;
  $("heading").textContent = typeText(r.type) + " — " + codeText(r);
  $("where").textContent = "Chart " + str(r.chart_id) + " · date of service " + str(r.date_of_service) +
    " · finding type: " + typeText(r.type) + " (priority " + str(r.priority) + ")";
  showDecision(id);
  const box = $("finding");
  box.replaceChildren();
  box.appendChild(el("h3", {}, "Reason"));
  box.appendChild(el("p", {id: "reason"}, r.reason));
  const act = el("p");
  act.appendChild(el("strong", {}, "Action: "));
  act.appendChild(document.createTextNode(str(r.action)));
  box.appendChild(act);
  box.appendChild(el("h3", {}, "Missing elements"));
  if ((r.missing || []).length) {
    const ul = el("ul", {class: "missing", id: "missing"});
    r.missing.forEach(m => ul.appendChild(el("li", {}, m)));
    box.appendChild(ul);
  } else box.appendChild(el("p", {class: "empty", id: "missing"}, "none"));
  if (r.query_draft) {
    const query = box.appendChild(el("div", {class: "query"}));
    query.appendChild(el("h3", {}, "Documentation query draft"));
    query.appendChild(el("label", {for: "query", class: "sr-only"}, "Documentation query draft, to copy"));
    query.appendChild(el("textarea", {id: "query", readonly: ""})).value = str(r.query_draft);
  }
  const evidence = r.evidence || [];
  const labels = [...new Set(evidence.flatMap(e => (e.spans || []).map(s => str(s.label))))];
  if (labels.length) {
    const legend = el("p", {class: "legend"});
    labels.forEach(l => { const s = el("span", {}, l); s.style.background = colour(l); legend.appendChild(s); });
    box.appendChild(legend);
  }
  if (!evidence.length) box.appendChild(el("p", {class: "empty"}, "No note on this date documents the service."));
  for (const ev of evidence) {
    const note = DATA.notes[ev.note_id];
    const part = el("div", {class: "note", "data-note": ev.note_id});
    part.appendChild(el("h4", {}, str(ev.note_id) + (note && note.note_type ? " · " + note.note_type : "") +
      (note && note.date_of_service ? " · " + note.date_of_service : "")));
    part.appendChild(note ? highlighted(str(note.text), ev.spans || []) : el("p", {class: "empty"}, "note text not available"));
    if ((ev.spans || []).length) part.appendChild(spanTable(ev.spans));
    box.appendChild(part);
  }
}

// ------------------------------------------------------------------ actions

function withCurrent(act) {
  return () => {
    if (current === null) { $("sync").textContent = "Pick a finding first (j)."; return; }
    act(current);
  };
}

const decide = decision => withCurrent(id => setDecision(id, decision, ""));
const clearDecision = withCurrent(id => setDecision(id, "", ""));
const startEdit = withCurrent(() => { $("corrected").focus(); $("corrected").select(); });
const startComment = withCurrent(() => $("comment").focus());

function saveEdit() {
  if (current === null) return;
  const code = $("corrected").value.trim().toUpperCase();
  const problem = codeProblem(current, code);
  if (problem) {
    $("corrected").setAttribute("aria-invalid", "true");
    $("corrected-error").textContent = problem;
    return;
  }
  setDecision(current, "edited", code);
  focusCurrent();
}

// ------------------------------------------------------------------ export and the service

function csvCell(value) {
  let text = Array.isArray(value) ? value.map(str).join(";") : str(value);
  if (["=", "+", "-", "@", "\t", "\r"].includes(text.charAt(0))) text = "'" + text;  // no spreadsheet formulas
  return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

function answered(r) {
  const d = decisionOf(r.id);
  return {...r, decision: d.decision, corrected_code: d.corrected_code, comment: d.comment, decided_at: d.decided_at};
}

function download(text, name, type) {
  const link = el("a", {download: name});
  link.href = URL.createObjectURL(new Blob([text], {type}));
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

function exportCsv() {
  const lines = [DATA.columns.join(",")].concat(ROWS.map(r => { const a = answered(r); return DATA.columns.map(c => csvCell(a[c])).join(","); }));
  download(lines.join("\n") + "\n", "worklist-" + DATA.hash + "-answered.csv", "text/csv");
}

function exportJsonl() {
  download(ROWS.map(r => JSON.stringify(answered(r)) + "\n").join(""), "worklist-" + DATA.hash + "-answered.jsonl",
           "application/x-ndjson");
}

async function send(ids) {
  if (!DATA.post) return;
  const body = {worklist: DATA.hash, decisions: ids.map(id => {
    const d = decisionOf(id);
    return {id, decision: d.decision, corrected_code: d.corrected_code, comment: d.comment};
  })};
  try {
    const res = await fetch(DATA.post, {method: "POST", headers: {"content-type": "application/json"},
                                        body: JSON.stringify(body), credentials: "same-origin"});
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(res.status + (answer.detail ? ": " + answer.detail : ""));
    $("sync").textContent = "Saved on the service: " + answer.appended + " decision(s).";
  } catch (err) {
    $("sync").textContent = "Not saved on the service (" + err.message + "). Send all decisions again.";
  }
}

// ------------------------------------------------------------------ keyboard and wiring

const KEYS = {
  j: () => move(1), k: () => move(-1), n: nextUndecided,
  a: decide("accepted"), r: decide("rejected"), e: startEdit, c: startComment, u: clearDecision,
  "/": () => $("filter").focus(),
  "?": () => $("help").showModal(),
};

document.addEventListener("keydown", e => {
  if (e.ctrlKey || e.metaKey || e.altKey || $("help").open) return;
  const t = e.target;
  if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) {
    if (e.key === "Escape") { e.preventDefault(); t.blur(); focusCurrent(); }
    else if (e.key === "Enter" && t.id === "corrected") { e.preventDefault(); saveEdit(); }
    return;
  }
  const act = Object.prototype.hasOwnProperty.call(KEYS, e.key) ? KEYS[e.key] : null;
  if (act) { e.preventDefault(); act(); }
});

tbody.addEventListener("click", e => {
  const tr = e.target.closest("tr[data-id]");
  if (tr) select(tr.dataset.id, true);
});
tbody.addEventListener("focusin", e => {
  const tr = e.target.closest("tr[data-id]");
  if (tr && tr.dataset.id !== current) select(tr.dataset.id, false);
});
document.querySelectorAll("#findings thead th").forEach(th => th.querySelector("button").addEventListener("click", () => {
  view.desc = view.sort === th.dataset.sort ? !view.desc : false;
  view.sort = th.dataset.sort;
  apply();
}));
$("filter").addEventListener("input", apply);
$("more-button").addEventListener("click", () => showMore(CHUNK));
new IntersectionObserver(seen => { if (seen.some(e => e.isIntersecting)) showMore(CHUNK); },
                         {root: $("list"), rootMargin: "300px"}).observe($("more"));
$("group").addEventListener("change", e => { view.group = e.target.value; apply(); });
$("next-undecided").addEventListener("click", nextUndecided);
$("accept").addEventListener("click", decide("accepted"));
$("reject").addEventListener("click", decide("rejected"));
$("edit").addEventListener("click", startEdit);
$("clear").addEventListener("click", clearDecision);
$("save-edit").addEventListener("click", saveEdit);
$("comment").addEventListener("input", e => { if (current !== null) setComment(current, e.target.value); });
$("comment").addEventListener("change", () => { if (current !== null) send([current]); });
$("export-csv").addEventListener("click", exportCsv);
$("export-jsonl").addEventListener("click", exportJsonl);
$("help-open").addEventListener("click", () => $("help").showModal());
$("help-close").addEventListener("click", () => $("help").close());
$("help").addEventListener("close", focusCurrent);
if (DATA.post) {
  $("send").hidden = false;
  $("send").addEventListener("click", () => send([...decisions.keys()]));
}
if (DATA.advisories.length) {
  $("advisories").hidden = false;
  DATA.advisories.forEach(a => $("advisories").querySelector("ul").appendChild(
    el("li", {}, str(a.chart_id) + " · " + str(a.date_of_service) + ": " + str(a.reason))));
}

function fromHash() {
  const m = /^#row=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m && m[1] !== current) select(m[1], false);
}

apply();
window.addEventListener("hashchange", fromHash);
fromHash();
