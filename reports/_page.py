"""The shell every HTML page shares: one stylesheet, one script, and the policy allowing only them.

A page loads nothing: its Content-Security-Policy is `default-src 'none'`, with the one inline
`<style>` and the one inline `<script>` allowed by their SHA-256 hashes. Inline event handlers
(`onerror=`, `onclick=`) and style attributes are therefore refused by the browser even if some
markup ever slipped through escaping; model output is only ever text (jinja2 autoescape).
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

# Sort a table by clicking (or Enter on) a header; filter its rows by a text box; open the
# <details> holding the element a link points at.
SCRIPT = """
(function () {
  "use strict";
  function key(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var given = cell.getAttribute("data-sort");
    return given !== null ? given : cell.textContent.trim();
  }
  function order(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y)) { return x - y; }
    return a.localeCompare(b);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var head = table.tHead;
    if (!head || !table.tBodies.length) { return; }
    var headers = Array.prototype.slice.call(head.rows[0].cells);
    headers.forEach(function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = order(key(r1, index), key(r2, index));
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  });
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    if (!table) { return; }
    input.addEventListener("input", function () {
      var needle = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  });
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) { return; }
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
"""

_HEAT = "".join(
    # pass@1 in tenths: red (0) through yellow to green (10)
    f".h{tenth}{{background:hsl({tenth * 12},70%,{88 - abs(5 - tenth)}%)}}\n"
    for tenth in range(11)
)

STYLE_BASE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d1d1f;
       background: #fafafa; line-height: 1.45; }
main { max-width: 1200px; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
nav.top { background: #1d1d1f; color: #fff; padding: .5rem 2rem; font-size: .9rem; }
nav.top a { color: #fff; margin-right: 1.2rem; text-decoration: none; }
nav.top a:hover { text-decoration: underline; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; }
p.meta, p.note, .note { color: #555; font-size: .9rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .88rem; background: #fff; }
th, td { border: 1px solid #d8d8d8; padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: #f0f0f3; position: sticky; top: 0; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " \\25B2"; }
table.sortable th[aria-sort="descending"]::after { content: " \\25BC"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow: auto; max-height: 80vh; max-width: 100%; }
input.filter { padding: .3rem .5rem; width: 18rem; font-size: .9rem; }
svg.chart { width: 100%; max-width: 900px; height: auto; display: block; background: #fff;
            margin: .5rem 0 1rem; border: 1px solid #e2e2e2; }
svg.chart * { stroke-linejoin: round; stroke-linecap: butt; }
.verdict { padding: .8rem 1rem; border-radius: 6px; font-weight: 600; margin: 1rem 0; }
.verdict.red { background: #fde2e1; color: #8a1c14; border: 1px solid #f0a19b; }
.verdict.green { background: #e0f4e4; color: #1b5e20; border: 1px solid #9ed3a8; }
.bad { color: #b00020; font-weight: 600; }
.good { color: #1b5e20; }
details { margin: .3rem 0; }
details > summary { cursor: pointer; }
details.task { background: #fff; border: 1px solid #e2e2e2; border-radius: 4px;
               padding: .3rem .6rem; }
details.cell { margin-left: 1rem; }
details.sample { margin-left: 1rem; border-left: 3px solid #ccc; padding-left: .6rem; }
details.sample.passed { border-left-color: #3ca951; }
details.sample.failed-status { border-left-color: #ff725c; }
pre { background: #f6f8fa; padding: .5rem .7rem; overflow: auto; max-height: 32rem;
      font-size: .82rem; white-space: pre; border: 1px solid #e5e5e5; border-radius: 4px; }
pre.wrap { white-space: pre-wrap; word-break: break-word; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
           font-size: .88rem; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; }
td.heat { text-align: center; font-variant-numeric: tabular-nums; min-width: 3.2rem; }
td.heat a { color: #1d1d1f; text-decoration: none; display: block; }
td.na { background: #eee; color: #888; }
code { font-size: .85rem; background: #f0f0f3; padding: 0 .2rem; border-radius: 3px; }
"""


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@cache
def stylesheet() -> str:
    """The page's one stylesheet: the base rules, the heatmap's colours, pygments' classes."""
    from pygments.formatters import HtmlFormatter

    highlighting: str = HtmlFormatter(style="default").get_style_defs(".hl")
    return STYLE_BASE + _HEAT + highlighting


def content_security_policy(style: str, script: str) -> str:
    """The policy: nothing from anywhere, except this page's one style and one script.

    Args:
        style: The exact text of the page's `<style>` element.
        script: The exact text of its `<script>` element.

    Returns:
        The value of the page's Content-Security-Policy meta tag.
    """
    return (
        "default-src 'none'; "
        f"style-src {_digest(style)}; "
        f"script-src {_digest(script)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


@cache
def environment() -> Environment:
    """The templates under reports/templates, every value HTML-escaped unless marked safe."""
    return Environment(
        loader=PackageLoader("codeeval.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(template: str, **context: Any) -> str:
    """One page from `template`, with the shared style, script and policy.

    Args:
        template: A template name under reports/templates (extending page.html.j2).
        **context: What the template shows.

    Returns:
        The page's HTML.
    """
    style = stylesheet()
    return (
        environment()
        .get_template(template)
        .render(
            style=Markup(style),
            script=Markup(SCRIPT),
            csp=content_security_policy(style, SCRIPT),
            **context,
        )
    )
