// zkpulse live page, the ensemble strip: one chip per ZooKeeper server (up / mode) and the quorum state of each
// ensemble, from GET /api/ensembles (docs/contract.md §10), refreshed every few seconds. Its own file, so the
// page's main script (app.js) does not change; plain browser JavaScript, no inline code (the CSP forbids it).
/* global document, fetch, setTimeout, AbortSignal */
'use strict';

(() => {
  const REFRESH_MS = 5000;
  const REQUEST_TIMEOUT_MS = 4000;
  const QUORUM_TEXT = { ok: 'quorum ok', 'at-risk': 'quorum at risk', lost: 'quorum lost', standalone: 'standalone' };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
    return node;
  }

  /** down (no answer), not-serving (answers, does not serve), else its mode */
  function serverState(s) {
    if (!s.up) return 'down';
    if (!s.serving) return 'not-serving';
    return typeof s.mode === 'string' ? s.mode : 'unknown';
  }

  const STATE_TEXT = { down: 'down', 'not-serving': 'not serving', unknown: 'serving' };

  function quorumChip(q) {
    const text = QUORUM_TEXT[q.state] || String(q.state);
    const counts = q.state === 'standalone' ? '' : ` · ${q.votersUp}/${q.voters} voters, ${q.needed} needed`;
    return el('span', { class: 'quorum', 'data-quorum': String(q.state) }, `${text}${counts}`);
  }

  function serverChip(s) {
    const st = serverState(s);
    const title = [s.server, s.problem, s.source ? `read via ${s.source === 'admin' ? 'AdminServer' : 'four-letter words'}` : null].filter(Boolean).join(' — ');
    return el(
      'span',
      { class: 'zk-server', 'data-server': String(s.server), 'data-state': st, title },
      el('span', { class: 'mono' }, String(s.server)),
      ' ',
      el('span', { class: 'zk-mode' }, STATE_TEXT[st] || st),
    );
  }

  /** how many client addresses to name: the top of the sessions-per-address list */
  const TOP_ADDRESSES = 5;

  /** what a hold says for people: "crawler master m1", "crawler lock locks/nightly (holds)" */
  function holdText(h) {
    const what = h.kind === 'lock' ? `lock ${h.id}${h.holder ? ' (holds)' : ' (waits)'}` : `${h.kind} ${h.id}`;
    return `${h.cluster} ${what}`;
  }

  /**
   * Who is behind the sessions that matter (docs/contract.md §10): the client address of each session holding a
   * master, a candidacy or a lock; workers, which may be thousands, are counted per address instead.
   */
  function holders(e) {
    const rows = [];
    for (const s of Array.isArray(e.sessions) ? e.sessions : []) {
      const holds = (Array.isArray(s.holds) ? s.holds : []).filter((h) => h.kind !== 'worker');
      if (holds.length === 0) continue;
      rows.push(el('li', { class: 'zk-session', 'data-session': String(s.session) },
        el('span', { class: 'mono' }, s.address === null ? 'address unknown' : String(s.address)), ' — ',
        holds.map(holdText).join(', '),
        el('span', { class: 'muted' }, ` (session 0x${String(s.session)})`)));
    }
    const top = (Array.isArray(e.addresses) ? e.addresses : []).slice(0, TOP_ADDRESSES);
    const parts = [];
    if (rows.length > 0) parts.push(el('ul', { class: 'zk-sessions' }, ...rows));
    if (top.length > 0) {
      parts.push(el('div', { class: 'zk-addresses muted' }, 'sessions per client: ',
        ...top.map((a, i) => el('span', { class: 'zk-address', 'data-address': String(a.address) }, `${i > 0 ? ', ' : ''}${a.address} ${a.sessions}`))));
    }
    return parts;
  }

  function render(ensembles) {
    const section = document.getElementById('ensembles');
    const list = document.getElementById('ensemble-list');
    if (!section || !list) return;
    section.hidden = false;
    if (ensembles.length === 0) {
      list.replaceChildren(el('div', { class: 'muted' }, 'no ensemble polled yet'));
      return;
    }
    list.replaceChildren(
      ...ensembles.map((e) =>
        el(
          'div',
          { class: 'ensemble', 'data-ensemble': String(e.name) },
          el('span', { class: 'ensemble-name' }, String(e.name)),
          quorumChip(e.quorum),
          ...e.servers.map(serverChip),
          ...(e.problem ? [el('span', { class: 'muted' }, String(e.problem))] : []),
          ...holders(e),
        ),
      ),
    );
  }

  function unknown(text) {
    const list = document.getElementById('ensemble-list');
    if (list) list.replaceChildren(el('div', { class: 'muted' }, text));
  }

  async function load() {
    try {
      const signal = AbortSignal.timeout ? AbortSignal.timeout(REQUEST_TIMEOUT_MS) : undefined;
      const res = await fetch('/api/ensembles', { headers: { accept: 'application/json' }, signal });
      // a collector without the ensemble poller: no strip at all, and no asking again
      if (res.status === 404) {
        const section = document.getElementById('ensembles');
        if (section) section.hidden = true;
        return;
      }
      if (!res.ok) {
        unknown(`ensembles: ${res.status}`);
      } else {
        const body = await res.json();
        render(Array.isArray(body && body.ensembles) ? body.ensembles : []);
      }
    } catch {
      unknown('unknown (collector unreachable)');
    }
    setTimeout(load, REFRESH_MS);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', load);
  else load();
})();
