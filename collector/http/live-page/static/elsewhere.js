// zkpulse live page, haMode shard: "N clusters on other collectors", each a link to the collector that has
// it, from GET /api/collector (`elsewhere`, docs/ha.md). Its own file, so the page's main script (app.js)
// does not change; shown only when this collector is one of a shard group. No inline code (the CSP).
/* global document, fetch, setTimeout, AbortSignal, URL */
'use strict';

(() => {
  const REFRESH_MS = 5000;
  const REQUEST_TIMEOUT_MS = 4000;

  function link(entry) {
    let href = null;
    try {
      // only http(s) URLs from the member nodes become links
      if (entry.http && ['http:', 'https:'].includes(new URL(entry.http).protocol)) href = `${entry.http}/`;
    } catch {
      href = null;
    }
    const text = `${entry.name} (${entry.owner ?? 'moving'})`;
    if (!href) return document.createTextNode(text);
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    return a;
  }

  function render(info) {
    const box = document.getElementById('elsewhere');
    if (!box) return;
    const list = info && info.haMode === 'shard' && Array.isArray(info.elsewhere) ? info.elsewhere : [];
    box.hidden = list.length === 0;
    box.replaceChildren();
    if (list.length === 0) return;
    box.append(document.createTextNode(`${list.length} cluster${list.length === 1 ? '' : 's'} on other collectors: `));
    list.forEach((e, i) => {
      if (i > 0) box.append(document.createTextNode(', '));
      box.append(link(e));
    });
  }

  async function refresh() {
    try {
      const res = await fetch('/api/collector', { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (res.ok) render(await res.json());
    } catch {
      // the main script shows connection trouble; this line just keeps its last state
    }
    setTimeout(refresh, REFRESH_MS);
  }

  refresh();
})();
