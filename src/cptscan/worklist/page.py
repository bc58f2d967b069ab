"""The worklist page template: inline CSS and JS, no network. ``render_html`` fills __TITLE__ and __DATA__.

Kept as a Python string (not an .html file) because the package ships only .py and .json data.
Every piece of note-derived text reaches the DOM through ``textContent``; nothing is parsed as HTML.
"""

PAGE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
  header { padding: 10px 16px; background: #2d3e50; color: #fff; }
  header h1 { font-size: 18px; margin: 0; display: inline-block; }
  header .count { margin-left: 12px; opacity: .8; }
  header input { margin-left: 20px; padding: 3px 6px; width: 260px; }
  main { display: flex; height: calc(100vh - 44px); }
  #list { flex: 1 1 55%; overflow: auto; border-right: 1px solid #ccc; }
  #detail { flex: 1 1 45%; overflow: auto; padding: 12px 16px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
  th { position: sticky; top: 0; background: #f4f6f8; }
  td:nth-child(4), td:nth-child(5) { white-space: nowrap; }
  tbody tr { cursor: pointer; }
  tbody tr:hover { background: #f0f7ff; }
  tbody tr.selected { background: #dbeafe; }
  .type { font-size: 12px; padding: 1px 6px; border-radius: 8px; white-space: nowrap; }
  .p1, .p2 { background: #fecaca; } .p3 { background: #fed7aa; } .p4 { background: #fef08a; } .p5 { background: #bbf7d0; }
  .note { border: 1px solid #ddd; border-radius: 4px; margin: 10px 0; }
  .note h3 { margin: 0; padding: 6px 10px; font-size: 13px; background: #f4f6f8; }
  .note pre { white-space: pre-wrap; word-wrap: break-word; margin: 0; padding: 10px; font: 13px/1.6 ui-monospace, monospace; }
  mark { padding: 1px 2px; border-radius: 3px; }
  mark .lab { font: bold 9px sans-serif; margin-left: 4px; opacity: .7; text-transform: uppercase; }
  .legend span { display: inline-block; margin: 2px 6px 2px 0; padding: 1px 6px; border-radius: 3px; font-size: 12px; }
  .missing li { color: #b91c1c; }
  #advisories { margin: 8px; padding: 6px 10px; background: #fffbeb; border: 1px solid #fcd34d; }
  .empty { color: #666; font-style: italic; }
</style>
</head>
<body>
<header><h1>__TITLE__</h1><span class="count" id="count"></span>
  <input id="filter" type="search" placeholder="filter (chart, code, type, action)" aria-label="filter"></header>
<main>
  <section id="list">
    <table id="findings">
      <thead><tr><th>#</th><th>type</th><th>chart</th><th>date</th><th>code</th><th>action</th></tr></thead>
      <tbody></tbody>
    </table>
    <div id="advisories" hidden><strong>Advisories</strong><ul></ul></div>
  </section>
  <section id="detail"><p class="empty">Click a finding to see its notes and evidence.</p></section>
</main>
<script type="application/json" id="data">__DATA__</script>
<script>
"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function colour(label) {
  if (Object.prototype.hasOwnProperty.call(DATA.colours, label)) return DATA.colours[label];
  let h = 0;
  for (const ch of String(label)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return DATA.fallback[h % DATA.fallback.length];
}

// Cuts the text at every span boundary; each piece is plain text or a <mark> for the labels covering it.
function highlighted(text, spans) {
  const pre = el("pre");
  const cuts = new Set([0, text.length]);
  const good = spans.filter(s => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end && s.end <= text.length);
  good.forEach(s => { cuts.add(s.start); cuts.add(s.end); });
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const labels = [...new Set(good.filter(s => s.start <= a && b <= s.end).map(s => String(s.label)))];
    if (!labels.length) { pre.appendChild(document.createTextNode(text.slice(a, b))); continue; }
    const mark = el("mark", {"data-label": labels.join(" "), title: labels.join(", ")}, text.slice(a, b));
    mark.style.background = colour(labels[0]);
    if (good.some(s => s.end === b && labels.includes(String(s.label)))) mark.appendChild(el("span", {class: "lab"}, labels[0]));
    pre.appendChild(mark);
  }
  return pre;
}

function showRow(id) {
  const row = DATA.rows.find(r => r.id === id);
  document.querySelectorAll("#findings tbody tr").forEach(tr => tr.classList.toggle("selected", tr.dataset.id === id));
  const detail = document.getElementById("detail");
  detail.replaceChildren();
  if (!row) { detail.appendChild(el("p", {class: "empty"}, "No finding with id " + id)); return; }
  detail.appendChild(el("h2", {}, row.type.replace(/_/g, " ") + " — " + row.code));
  detail.appendChild(el("p", {}, row.chart_id + " · date of service " + row.date_of_service));
  detail.appendChild(el("p", {}, row.reason));
  const act = el("p"); act.appendChild(el("strong", {}, "Action: ")); act.appendChild(document.createTextNode(row.action));
  detail.appendChild(act);
  detail.appendChild(el("h3", {}, "Missing elements"));
  if (row.missing.length) {
    const ul = el("ul", {class: "missing", id: "missing"});
    row.missing.forEach(m => ul.appendChild(el("li", {}, m)));
    detail.appendChild(ul);
  } else detail.appendChild(el("p", {class: "empty", id: "missing"}, "none"));
  const labels = [...new Set(row.evidence.flatMap(e => (e.spans || []).map(s => String(s.label))))];
  if (labels.length) {
    const legend = el("p", {class: "legend"});
    labels.forEach(l => { const s = el("span", {}, l); s.style.background = colour(l); legend.appendChild(s); });
    detail.appendChild(legend);
  }
  if (!row.evidence.length) detail.appendChild(el("p", {class: "empty"}, "No note on this date documents the service."));
  for (const ev of row.evidence) {
    const note = DATA.notes[ev.note_id];
    const box = el("div", {class: "note", "data-note": ev.note_id});
    box.appendChild(el("h3", {}, ev.note_id + (note && note.note_type ? " · " + note.note_type : "") + (note && note.date_of_service ? " · " + note.date_of_service : "")));
    box.appendChild(note ? highlighted(String(note.text || ""), ev.spans || []) : el("p", {class: "empty"}, "note text not available"));
    detail.appendChild(box);
  }
}

function fillTable() {
  const body = document.querySelector("#findings tbody");
  DATA.rows.forEach((r, i) => {
    const tr = el("tr", {"data-id": r.id, id: "row-" + r.id});
    tr.appendChild(el("td", {}, i + 1));
    const type = el("td"); type.appendChild(el("span", {class: "type p" + r.priority}, r.type.replace(/_/g, " "))); tr.appendChild(type);
    [r.chart_id, r.date_of_service, r.type === "wrong_variant" ? r.billed + " → " + r.expected : r.code, r.action]
      .forEach(v => tr.appendChild(el("td", {}, v)));
    tr.addEventListener("click", () => { location.hash = "row=" + r.id; });
    body.appendChild(tr);
  });
  document.getElementById("count").textContent = DATA.rows.length + " findings";
  if (DATA.advisories.length) {
    const box = document.getElementById("advisories");
    box.hidden = false;
    DATA.advisories.forEach(a => box.querySelector("ul").appendChild(el("li", {}, a.chart_id + " · " + a.date_of_service + ": " + a.reason)));
  }
}

function filterRows(text) {
  const q = text.toLowerCase();
  document.querySelectorAll("#findings tbody tr").forEach(tr => { tr.hidden = q && !tr.textContent.toLowerCase().includes(q); });
}

function fromHash() {
  const m = /^#row=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m) showRow(m[1]);
}

fillTable();
document.getElementById("filter").addEventListener("input", e => filterRows(e.target.value));
window.addEventListener("hashchange", fromHash);
fromHash();
</script>
</body>
</html>
"""
