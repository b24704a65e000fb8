"""The inline style sheet and script of the HTML roster report (no external resources)."""

from __future__ import annotations

STYLE = """
:root { --front: #2f6bd8; --back: #1f9d6b; --short: #d62728; --req: #1f2937;
  --floor: #9ec5fe; --back-light: #9bd8bd; --grid: #e5e7eb; --label: 270px; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #111827; background: #f9fafb; }
header { position: sticky; top: 0; z-index: 5; background: #fff; padding: 10px 16px 6px;
  border-bottom: 1px solid var(--grid); }
h1 { font-size: 18px; margin: 0; }
.subtitle { margin: 2px 0 6px; color: #4b5563; }
.filters { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; }
.filters select { font: inherit; padding: 1px 4px; }
.shown { color: #4b5563; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin-top: 6px; color: #374151; }
.legend i { display: inline-block; width: 22px; height: 10px; margin-right: 5px;
  vertical-align: middle; border-radius: 2px; }
.swatch.front { background: var(--front); }
.swatch.back { background: var(--back-light); }
.swatch.remote, .bar.remote { background-image: repeating-linear-gradient(135deg,
  rgba(255,255,255,.55) 0 4px, transparent 4px 8px); }
.swatch.pause { background: #fff; border: 1px dashed #9ca3af; }
.swatch.required { height: 0; border-top: 2px solid var(--req); border-radius: 0; }
.swatch.onfloor { background: var(--floor); }
.swatch.short { background: var(--short); }
main { padding: 8px 16px 24px; }
.day { background: #fff; border: 1px solid var(--grid); border-radius: 6px; margin: 10px 0;
  padding: 6px 10px 10px; }
.day h2 { font-size: 15px; margin: 2px 0 6px; display: flex; gap: 12px; align-items: baseline; }
.day h2 .note { font-size: 12px; font-weight: normal; color: #4b5563; }
.day h2 .note.bad { color: var(--short); font-weight: 600; }
.row { display: grid; grid-template-columns: var(--label) 1fr; align-items: center;
  min-height: 20px; }
.row:nth-child(even) .track { background-color: #fafafa; }
.label { display: flex; align-items: baseline; white-space: nowrap; overflow: hidden;
  padding-right: 8px; }
.label .name { overflow: hidden; text-overflow: ellipsis; flex: 0 1 auto; min-width: 0; }
.label .id, .label .badge { flex: none; }
.label .id { color: #6b7280; margin-left: 4px; font-size: 11px; }
.badge { display: inline-block; font-size: 10px; padding: 0 4px; margin-left: 4px;
  border-radius: 3px; color: #fff; vertical-align: 1px; }
.badge.front { background: var(--front); }
.badge.back { background: var(--back); }
.badge.remote { background: #7c3aed; }
.badge.off { background: #9ca3af; }
.track { position: relative; height: 18px; border-left: 1px solid var(--grid);
  background-image: linear-gradient(to right, var(--grid) 1px, transparent 1px);
  background-size: calc(100% / var(--hours, 24)) 100%; }
.axis .track { height: 16px; background: none; }
.tick { position: absolute; top: 0; font-size: 10px; color: #6b7280;
  transform: translateX(-50%); }
.bar { position: absolute; top: 2px; bottom: 2px; border-radius: 3px; color: #fff;
  font-size: 10px; line-height: 14px; padding: 0 3px; overflow: hidden; white-space: nowrap;
  text-overflow: clip; }
.bar.front { background-color: var(--front); }
.bar.back { background-color: var(--back-light); color: #064e3b; }
.bar.back.remote { outline: 1px dashed #064e3b; outline-offset: -1px; }
.gap { position: absolute; top: 8px; height: 0; border-top: 1px dashed #6b7280; }
.chart { position: relative; height: 110px; }
.chart svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; }
.chart .ymax, .chart .yzero { position: absolute; left: -26px; font-size: 10px;
  color: #6b7280; width: 22px; text-align: right; }
.chart .ymax { top: -4px; }
.chart .yzero { bottom: -4px; }
.coverage .label { white-space: normal; font-size: 12px; color: #374151; }
path.onfloor { fill: var(--floor); stroke: none; }
path.shortfall { fill: var(--short); fill-opacity: .85; stroke: none; }
path.required { fill: none; stroke: var(--req); stroke-width: 1.5px; }
line.gridline { stroke: var(--grid); stroke-width: 1px; }
.tables { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; margin-top: 14px; }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--grid); }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 2px 8px; border-bottom: 1px solid var(--grid); text-align: left; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
tr[hidden] { display: none; }
@media print { header { position: static; } .day { break-inside: avoid; } }
"""

SCRIPT = r"""
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const data = JSON.parse(document.getElementById("roster-data").textContent);
  const W = 1000, H = 100;
  // The day being drawn: its time axis in minutes from its midnight.
  let axis0 = 0, axis1 = 1440, span = 1440;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const key in attrs) node.setAttribute(key, attrs[key]);
    return node;
  }
  function clock(minute) {
    const m = ((minute % 1440) + 1440) % 1440;
    return String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0");
  }
  function pct(minute) {
    return (100 * (Math.min(Math.max(minute, axis0), axis1) - axis0) / span) + "%";
  }
  function place(node, start, end) {
    node.style.left = pct(start);
    node.style.width = "calc(" + pct(end) + " - " + pct(start) + ")";
    return node;
  }
  function value(name) {
    const select = document.getElementById("filter-" + name);
    return select ? select.value : "";
  }
  function matches(person, f) {
    if (f.team && person.team !== f.team) return false;
    if (f.skill && person.skills.indexOf(f.skill) < 0) return false;
    if (f.office && person.office !== f.office && person.office !== "both") return false;
    return true;
  }
  function segments(item) {
    const parts = [];
    let cursor = item.start;
    for (const b of item.breaks) {
      if (b.start > cursor) parts.push([cursor, Math.min(b.start, item.end)]);
      cursor = Math.max(cursor, b.end);
    }
    if (cursor < item.end) parts.push([cursor, item.end]);
    return parts;
  }
  function hoursText(hours) {
    if (hours === null) return "";
    const minutes = Math.round(hours * 60);
    return Math.floor(minutes / 60) + " h" + (minutes % 60 ? " " + (minutes % 60) : "");
  }

  function axisRow() {
    const row = el("div", "row axis");
    row.append(el("div", "label", ""));
    const track = el("div", "track");
    const step = span > 18 * 60 ? 120 : 60;
    for (let m = axis0; m <= axis1; m += step) {
      const tick = el("span", "tick", clock(m));
      tick.style.left = pct(m);
      track.append(tick);
    }
    row.append(track);
    return row;
  }

  function personRow(person, items, day) {
    const row = el("div", "row person");
    row.dataset.employee = person.id;
    const label = el("div", "label");
    label.append(el("span", "name", person.name || person.id));
    label.append(el("span", "id", person.id));
    const track = el("div", "track");
    if (!items.length) label.append(el("span", "badge off", "off"));
    for (const item of items) {
      const office = item.office === "back" ? "back" : "front";
      label.append(el("span", "badge " + office, office));
      if (item.remote) label.append(el("span", "badge remote", "remote"));
      let text, title;
      if (item.kind === "flex") {
        text = (item.remote ? "\u2302 remote " : "on site ") + hoursText(item.hours);
        title = "back office " + (item.remote ? "remote" : "on site") + ", " +
          hoursText(item.hours) + " within " + clock(item.start) + "-" + clock(item.end);
      } else {
        text = (item.label ? item.label + " " : "") + clock(item.start) + "-" + clock(item.end);
        title = "shift " + text + (item.hours === null ? "" : ", " + hoursText(item.hours) +
          " paid") + item.breaks.map(function (b) {
          return "\n" + b.name + " " + clock(b.start) + "-" + clock(b.end) +
            (b.paid ? "" : " (unpaid)");
        }).join("");
      }
      const parts = segments(item);
      let widest = 0;
      parts.forEach(function (part, i) {
        if (part[1] - part[0] > parts[widest][1] - parts[widest][0]) widest = i;
      });
      parts.forEach(function (part, i) {
        const bar = place(el("div", "bar " + office + (item.remote ? " remote" : "")),
          part[0], part[1]);
        bar.dataset.employee = person.id;
        bar.dataset.date = day.date;
        bar.title = person.name + " (" + person.id + ")\n" + title;
        if (i === widest) bar.textContent = text;
        track.append(bar);
      });
      for (const b of item.breaks) {
        const gap = place(el("div", "gap"), b.start, b.end);
        gap.title = b.name + " " + clock(b.start) + "-" + clock(b.end) +
          (b.paid ? "" : " (unpaid)");
        track.append(gap);
      }
    }
    row.append(label, track);
    return row;
  }

  function coverageLine(skill) {
    if (skill && data.coverage[skill]) return { name: skill, line: data.coverage[skill] };
    return { name: "whole floor", line: data.coverage[""] || [] };
  }

  function chartRow(day, skill) {
    const chosen = coverageLine(skill);
    const low = day.offset + axis0, high = day.offset + axis1;
    const cells = chosen.line.filter(function (c) { return c[1] > low && c[0] < high; });
    let ymax = 1;
    for (const c of cells) ymax = Math.max(ymax, c[2], c[3]);
    const x = function (m) { return (W * (Math.min(Math.max(m, low), high) - low) / span)
      .toFixed(2); };
    const y = function (v) { return (H - H * v / ymax).toFixed(2); };
    let floor = "", required = "", short = "";
    for (const c of cells) {
      const x0 = x(c[0]), x1 = x(c[1]);
      floor += (floor ? "L" : "M" + x0 + " " + H + "L") + x0 + " " + y(c[3]) + "L" + x1 +
        " " + y(c[3]);
      required += (required ? "L" : "M") + x0 + " " + y(c[2]) + "L" + x1 + " " + y(c[2]);
      if (c[3] < c[2]) {
        short += "M" + x0 + " " + y(c[3]) + "H" + x1 + "V" + y(c[2]) + "H" + x0 + "Z";
      }
    }
    if (cells.length) floor += "L" + x(cells[cells.length - 1][1]) + " " + H + "Z";
    const row = el("div", "row coverage");
    const label = el("div", "label", "Coverage, " + chosen.name + ": required vs on floor");
    const chart = el("div", "chart");
    const picture = svg("svg", { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none",
      role: "img", "aria-label": "coverage on " + day.label });
    picture.setAttribute("class", "coverage-chart");
    picture.dataset.date = day.date;
    for (let g = 1; g <= 3; g++) {
      picture.append(svg("line", { x1: 0, x2: W, y1: (H * g / 4), y2: (H * g / 4),
        "class": "gridline", "vector-effect": "non-scaling-stroke" }));
    }
    picture.append(svg("path", { d: floor || "M0 0", "class": "onfloor" }));
    picture.append(svg("path", { d: short || "M0 0", "class": "shortfall" }));
    picture.append(svg("path", { d: required || "M0 0", "class": "required",
      "vector-effect": "non-scaling-stroke" }));
    chart.append(picture, el("span", "ymax", String(ymax)), el("span", "yzero", "0"));
    row.append(label, chart);
    return row;
  }

  function shortfallHours(day, skill) {
    let minutes = 0;
    for (const c of coverageLine(skill).line) {
      if (c[0] >= day.offset && c[0] < day.offset + 1440 && c[3] < c[2]) {
        minutes += (c[2] - c[3]) * (c[1] - c[0]);
      }
    }
    return minutes / 60;
  }

  function daySection(day, people, f) {
    axis0 = day.axis[0];
    axis1 = day.axis[1];
    span = axis1 - axis0;
    const section = el("section", "day");
    section.dataset.date = day.date;
    section.style.setProperty("--hours", String(span / 60));
    const items = data.work.filter(function (w) { return w.date === day.date; });
    const byPerson = {};
    for (const w of items) (byPerson[w.p] = byPerson[w.p] || []).push(w);
    const first = function (p) {
      const mine = byPerson[p.id];
      return mine ? Math.min.apply(null, mine.map(function (w) { return w.start; })) : 1e9;
    };
    const ordered = people.slice().sort(function (a, b) {
      return first(a) - first(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    const working = ordered.filter(function (p) { return byPerson[p.id]; }).length;
    const heading = el("h2", "", day.label);
    heading.append(el("span", "note", working + " of " + people.length + " working"));
    const short = shortfallHours(day, f.skill);
    heading.append(el("span", short > 0 ? "note bad" : "note",
      "shortfall " + short.toFixed(2) + " h"));
    section.append(heading, axisRow());
    for (const person of ordered) section.append(personRow(person, byPerson[person.id] || [],
      day));
    section.append(chartRow(day, f.skill));
    return section;
  }

  function render() {
    const f = { day: value("day"), office: value("office"), team: value("team"),
      skill: value("skill") };
    const people = data.people.filter(function (p) { return matches(p, f); });
    const shown = {};
    for (const p of people) shown[p.id] = true;
    const days = document.getElementById("days");
    days.replaceChildren();
    for (const day of data.days) {
      if (!f.day || f.day === day.date) days.append(daySection(day, people, f));
    }
    document.querySelectorAll("tr[data-employee]").forEach(function (tr) {
      tr.hidden = !shown[tr.dataset.employee];
    });
    document.getElementById("shown").textContent = people.length + " of " +
      data.people.length + " people shown";
    document.body.dataset.rendered = "true";
  }

  // Filters live in the address's #fragment too, so a filtered view can be shared as a link.
  const wanted = new URLSearchParams(location.hash.slice(1));
  document.querySelectorAll(".filters select").forEach(function (select) {
    const preset = wanted.get(select.name);
    if (preset !== null && Array.prototype.some.call(select.options, function (o) {
      return o.value === preset;
    })) select.value = preset;
    select.addEventListener("change", function () {
      const chosen = new URLSearchParams();
      document.querySelectorAll(".filters select").forEach(function (s) {
        if (s.value) chosen.set(s.name, s.value);
      });
      history.replaceState(null, "", "#" + chosen.toString());
      render();
    });
  });
  render();
})();
"""
