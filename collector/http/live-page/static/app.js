// zkpulse live page: plain browser JavaScript, no build step, no inline code (the CSP forbids it).
// State comes from GET /api/clusters/:name, refreshed (throttled) on every SSE event of /api/events;
// a 1 s tick advances the beat ages between refreshes. When the collector cannot be reached (the
// stream fails and a request fails or times out), the page says so instead of showing what it last knew.
/* global document, Node, fetch, location, setTimeout, setInterval, CSS, EventSource, window, AbortSignal */
'use strict';

const EVENT_TYPES = [
  'WorkerJoined', 'WorkerLeft', 'HeartbeatSeen', 'MasterElected', 'MasterLost', 'CandidateJoined',
  'CandidateLeft', 'TaskCreated', 'TaskAssigned', 'ProgressUpdated', 'TaskFinished', 'DataInvalid',
  'LockAcquired', 'LockReleased', 'ConfigChanged',
];
const REFRESH_THROTTLE_MS = 250;
const FULL_REFRESH_MS = 5000;
const MAX_LOG = 200;
/** a request that takes longer counts as the collector being unreachable */
const REQUEST_TIMEOUT_MS = 4000;
/** a stream the browser gave up on (an answer that was not an event stream) is opened again after this */
const STREAM_RETRY_MS = 3000;
/** worker-2 before worker-10 */
const byName = new Intl.Collator('en', { numeric: true }).compare;
const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 };

const state = {
  clusters: [],
  current: null,
  detail: null,
  fetchedAt: 0, // local clock when `detail` arrived; ages advance from there
  refreshTimer: null,
  lastRefresh: 0,
  reachable: true,
  unreachableSince: 0,
  /** bumped when the collector is found unreachable: answers to requests sent before are stale */
  generation: 0,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function formatAge(ms) {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

function formatTime(ms) {
  return ms ? new Date(ms).toLocaleTimeString() : '';
}

/** A failed request that says the collector itself is out of reach (no answer at all, or none in time). */
class UnreachableError extends Error {}

async function getJson(url) {
  const generation = state.generation;
  let res;
  try {
    const signal = AbortSignal.timeout ? AbortSignal.timeout(REQUEST_TIMEOUT_MS) : undefined;
    res = await fetch(url, { headers: { accept: 'application/json' }, signal });
  } catch (err) {
    throw new UnreachableError(`${url}: ${err.name === 'TimeoutError' ? 'no answer in time' : 'no answer'}`);
  }
  if (generation !== state.generation) throw new UnreachableError(`${url}: answered before the collector went away`);
  if (!res.ok) {
    const err = new Error(`${url}: ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return res.json();
}

function chosenCluster() {
  const m = /cluster=([^&]+)/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

async function loadClusters() {
  state.clusters = await getJson('/api/clusters');
  const wanted = chosenCluster();
  const names = state.clusters.map((c) => c.name);
  state.current = names.includes(wanted) ? wanted : (names[0] ?? null);
  renderClusterNav();
}

function renderClusterNav() {
  const nav = $('clusters');
  nav.replaceChildren(
    ...state.clusters.map((c) => {
      const a = el('a', { href: `#cluster=${encodeURIComponent(c.name)}`, 'data-cluster': c.name },
        c.name, el('span', { class: 'muted' }, ` ${c.root} · ${c.layout ?? 'zkpulse'} · ${c.workersUp}/${c.workers} up`));
      if (c.name === state.current) a.classList.add('active');
      return a;
    }),
  );
}

async function refresh() {
  state.lastRefresh = Date.now();
  if (!state.current) {
    $('status').textContent = 'no clusters configured';
    return;
  }
  try {
    const detail = await getJson(`/api/clusters/${encodeURIComponent(state.current)}`);
    state.detail = detail;
    state.fetchedAt = Date.now();
    setReachable(true);
    render();
    $('status').textContent = `updated ${new Date().toLocaleTimeString()}${detail.synced ? '' : ' · syncing'}${detail.blind ? ' · ZooKeeper unreachable' : ''}`;
  } catch (err) {
    if (err instanceof UnreachableError) setReachable(false);
    else $('status').textContent = `cannot load cluster: ${err.message}`;
  }
}

/**
 * Whether the collector answers. While it does not, nothing the page last knew is shown as current:
 * the master is unknown, the counts are blank and the tiles and tasks are greyed out.
 */
function setReachable(reachable) {
  if (state.reachable === reachable) return;
  state.reachable = reachable;
  document.body.dataset.reachable = String(reachable);
  if (reachable) {
    const badge = $('stream');
    if (badge.dataset.state === 'unreachable') {
      // the API answers again; the stream follows on its own (its open event says "live")
      badge.dataset.state = 'down';
      badge.textContent = 'reconnecting…';
    }
    // what the page shows is from before: only a fresh answer replaces the "unknown"
    scheduleRefresh();
    loadAlerts();
    return;
  }
  state.generation += 1;
  state.unreachableSince = Date.now();
  const badge = $('stream');
  badge.dataset.state = 'unreachable';
  badge.textContent = 'collector unreachable';
  $('status').textContent = `collector unreachable since ${formatTime(state.unreachableSince)}; retrying`;
  renderUnreachable();
}

function renderUnreachable() {
  $('master').textContent = 'unknown (collector unreachable)';
  $('master').dataset.present = 'unknown';
  $('master-since').textContent = '';
  $('epoch').textContent = '—';
  $('workers-up').textContent = '—';
  $('candidates').replaceChildren();
  $('candidates-empty').textContent = 'unknown';
  $('candidates-empty').hidden = false;
  $('alerts').replaceChildren(el('li', { class: 'muted' }, 'unknown (collector unreachable)'));
}

/** At most one refresh per REFRESH_THROTTLE_MS, the last event always followed by one. */
function scheduleRefresh() {
  if (state.refreshTimer !== null) return;
  const wait = Math.max(0, state.lastRefresh + REFRESH_THROTTLE_MS - Date.now());
  state.refreshTimer = setTimeout(() => {
    state.refreshTimer = null;
    refresh();
  }, wait);
}

function render() {
  const d = state.detail;
  if (!d) return;
  if (!state.reachable) return renderUnreachable();
  $('master').textContent = d.master ? (d.master.id ?? '(no id)') : 'none';
  $('master').dataset.present = String(d.master !== null);
  $('master-since').textContent = d.master && d.master.since ? `since ${formatTime(d.master.since)}` : '';
  $('epoch').textContent = d.master ? d.master.epoch : '—';
  $('layout').textContent = d.layout ?? 'zkpulse';
  // the rules this layout cannot feed (or the config turned off): named, so their silence is not a surprise
  const off = (d.rules ?? []).filter((r) => !r.applies);
  $('rules-off').textContent = off.length > 0 ? `off: ${off.map((r) => r.name).join(', ')}` : '';
  $('rules-off').title = off.map((r) => `${r.name}: ${r.reason ?? ''}`).join('\n');
  const up = d.workers.filter((w) => w.up).length;
  $('workers-up').textContent = `${up} / ${d.workers.length}`;
  // an empty list says nothing: a note instead of a numbered "none"
  $('candidates').replaceChildren(
    ...d.candidates.map((c, i) => el('li', { class: i === 0 ? 'leader' : '' }, c.id ?? c.node, el('span', { class: 'muted mono' }, ` #${c.seq}`))),
  );
  $('candidates-empty').textContent = 'no candidates';
  $('candidates-empty').hidden = d.candidates.length > 0;
  renderWorkers(d.workers);
  renderTasks(d.tasks);
  renderLocks(d.locks ?? []);
  tick();
}

/** One row per lock: who holds it (its owner when the data says), how many wait, for how long (ticking). */
function renderLocks(locks) {
  const body = $('locks').querySelector('tbody');
  body.replaceChildren(
    ...[...locks].sort((a, b) => byName(a.lock, b.lock)).map((l) => {
      const holder = l.holder === null ? 'free' : (l.owner ?? l.holder);
      const row = el('tr', { 'data-lock': l.lock, 'data-free': String(l.holder === null), 'data-contended': String(l.waiters > 0) },
        el('td', { class: 'mono' }, l.lock),
        el('td', { class: 'holder' }, holder + (l.holders.length > 1 ? ` +${l.holders.length - 1}` : '')),
        el('td', { class: 'waiters' }, String(l.waiters)),
        el('td', { class: 'held mono' }, ''));
      if (l.holder !== null) row.title = `${l.holder} · session ${l.session ?? '?'}`;
      return row;
    }),
  );
  $('locks').hidden = locks.length === 0;
  $('locks-empty').hidden = locks.length > 0;
}

function renderWorkers(workers) {
  const grid = $('workers');
  const existing = new Map([...grid.children].map((n) => [n.dataset.worker, n]));
  const nodes = [...workers].sort((a, b) => byName(a.id, b.id)).map((w) => {
    let tile = existing.get(w.id);
    if (!tile) {
      tile = el('div', { class: 'tile', 'data-worker': w.id },
        el('div', { class: 'id' }, w.id), el('div', { class: 'host muted' }), el('div', { class: 'state' }), el('div', { class: 'age mono' }));
    }
    tile.dataset.up = String(w.up);
    tile.dataset.state = w.state;
    tile.dataset.invalid = String(w.invalid !== null);
    tile.title = w.invalid ? `data problem: ${w.invalid}` : `${w.id} on ${w.host ?? '?'}`;
    tile.querySelector('.host').textContent = w.host ?? '';
    tile.querySelector('.state').textContent = w.up ? w.state : `down${w.leftReason ? ` (${w.leftReason})` : ''}`;
    return tile;
  });
  grid.replaceChildren(...nodes);
  if (!workers.length) grid.replaceChildren(el('div', { class: 'muted' }, 'no workers'));
}

function renderTasks(tasks) {
  const box = $('tasks');
  if (!tasks.length) {
    box.replaceChildren(el('div', { class: 'muted' }, 'no tasks'));
    return;
  }
  box.replaceChildren(
    ...[...tasks].sort((a, b) => byName(a.id, b.id)).map((t) => {
      const ratio = t.total ? Math.min(1, Math.max(0, t.done / t.total)) : 0;
      const bar = el('progress', { max: '1', value: String(ratio) });
      const label = t.total !== null ? `${t.done}/${t.total} (${Math.round(ratio * 100)}%)` : 'no progress yet';
      return el('div', { class: 'task', 'data-task': t.id, 'data-state': t.state },
        el('span', { class: 'name mono' }, t.id), bar,
        el('span', { class: 'muted' }, `${label} · ${t.state}${t.worker ? ` · ${t.worker}` : ''}`));
    }),
  );
}

/** Beat ages (and "down for") advance with the local clock between refreshes. */
function tick() {
  const d = state.detail;
  if (!d || !state.reachable) return;
  const elapsed = Date.now() - state.fetchedAt;
  for (const l of d.locks ?? []) {
    const cell = document.querySelector(`[data-lock="${CSS.escape(l.lock)}"] .held`);
    if (cell) cell.textContent = l.heldMs === null ? '—' : formatAge(l.heldMs + elapsed);
  }
  for (const w of d.workers) {
    const tile = document.querySelector(`[data-worker="${CSS.escape(w.id)}"]`);
    if (!tile) continue;
    const age = w.beatAgeMs + elapsed;
    const serverNow = w.lastBeat + age;
    const stale = w.up && w.heartbeatMs && age > 3 * w.heartbeatMs;
    tile.dataset.stale = String(Boolean(stale));
    tile.querySelector('.age').textContent = w.up
      ? `beat ${formatAge(age)} ago`
      : `down ${formatAge(w.leftAt ? serverNow - w.leftAt : age)}`;
  }
}

/** Most severe first (critical, warning, info, anything else), newest first within a severity. */
function alertOrder(a, b) {
  const rank = (x) => SEVERITY_RANK[x.labels.severity] ?? 3;
  return rank(a) - rank(b) || Date.parse(b.startsAt) - Date.parse(a.startsAt) || byName(a.fingerprint, b.fingerprint);
}

async function loadAlerts() {
  const list = $('alerts');
  try {
    const alerts = await getJson('/api/alerts');
    setReachable(true);
    if (!alerts.length) {
      list.replaceChildren(el('li', { class: 'muted' }, 'no active alerts'));
      return;
    }
    list.replaceChildren(
      ...[...alerts].sort(alertOrder).map((a) => el('li', { class: 'alert', 'data-state': a.state, 'data-severity': a.labels.severity ?? '' },
        el('strong', {}, a.labels.alertname ?? 'alert'),
        ` ${a.labels.cluster ?? ''} ${a.labels.worker ?? ''} ${a.labels.task ?? ''} · ${a.state} since ${formatTime(Date.parse(a.startsAt))}`,
        a.annotations.summary ? el('div', { class: 'muted' }, a.annotations.summary) : '')),
    );
  } catch (err) {
    if (err instanceof UnreachableError) setReachable(false);
    else list.replaceChildren(el('li', { class: 'muted' }, err.status === 404 ? 'alerts are not available on this collector' : `alerts: ${err.message}`));
  }
}

function describe(e) {
  switch (e.type) {
    case 'WorkerJoined': return `${e.worker} joined${e.host ? ` on ${e.host}` : ''}`;
    case 'WorkerLeft': return `${e.worker} left (${e.reason})`;
    case 'HeartbeatSeen': return `${e.worker} beat`;
    case 'MasterElected': return `${e.id ?? '?'} elected master (epoch ${e.epoch})`;
    case 'MasterLost': return `master ${e.id ?? '?'} lost (epoch ${e.epoch})`;
    case 'CandidateJoined': return `candidate ${e.id ?? e.node} joined`;
    case 'CandidateLeft': return `candidate ${e.id ?? e.node} left`;
    case 'TaskCreated': return `task ${e.task} created`;
    case 'TaskAssigned': return `task ${e.task} assigned to ${e.worker}`;
    case 'ProgressUpdated': return `${e.task}: ${e.done}/${e.total}`;
    case 'TaskFinished': return `task ${e.task} ${e.outcome}`;
    case 'DataInvalid': return `${e.path}: ${e.reason}`;
    case 'LockAcquired': return `${e.lock} acquired by ${e.owner ?? e.node} (${e.waiters} waiting)`;
    case 'LockReleased': return `${e.lock} released by ${e.owner ?? e.node} after ${formatAge(e.heldMs)}`;
    // names and versions only: the data is never sent
    case 'ConfigChanged': return e.version < 0 ? `config ${e.key} deleted`
      : `config ${e.key} at version ${e.version}${e.changedFields && e.changedFields.length ? ` (${e.changedFields.join(', ')})` : ''}`;
    default: return e.type;
  }
}

function logEvent(e) {
  // heartbeats and progress would drown everything else (crashes, failovers): they only refresh the
  // tiles and the tasks' bars
  if (e.type === 'HeartbeatSeen' || e.type === 'ProgressUpdated') return;
  const log = $('events');
  const item = el('li', { 'data-type': e.type },
    el('time', { class: 'mono muted' }, formatTime(e.time)), ' ',
    el('span', { class: 'kind' }, e.type), ' ',
    state.clusters.length > 1 ? el('span', { class: 'muted' }, `[${e.cluster}] `) : '',
    describe(e) + (e.afterBlind ? ' (found after a blind period)' : ''));
  log.prepend(item);
  while (log.children.length > MAX_LOG) log.lastElementChild.remove();
}

function connectEvents() {
  const badge = $('stream');
  const source = new EventSource('/api/events');
  source.onopen = () => {
    badge.dataset.state = 'live';
    badge.textContent = 'live';
    refresh();
    loadAlerts();
  };
  source.onerror = () => {
    // the browser retries by itself unless the answer was no event stream at all (CLOSED): then we do
    if (source.readyState === EventSource.CLOSED) setTimeout(connectEvents, STREAM_RETRY_MS);
    if (state.reachable) {
      badge.dataset.state = 'down';
      badge.textContent = 'reconnecting…';
    }
    // the stream broke: is the collector still there? refresh() marks it unreachable if not
    refresh();
  };
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (msg) => {
      let e;
      try {
        e = JSON.parse(msg.data);
      } catch {
        return;
      }
      logEvent(e);
      if (e.cluster === state.current) scheduleRefresh();
      if (e.type === 'WorkerJoined' || e.type === 'WorkerLeft' || e.type === 'MasterElected' || e.type === 'MasterLost') {
        loadClusters().catch(() => {});
      }
    });
  }
}

async function start() {
  try {
    await loadClusters();
  } catch (err) {
    $('status').textContent = `cannot load clusters: ${err.message}`;
  }
  await Promise.all([refresh(), loadAlerts()]);
  connectEvents();
  setInterval(tick, 1000);
  setInterval(() => {
    refresh();
    loadAlerts();
    loadClusters().catch(() => {});
  }, FULL_REFRESH_MS);
  window.addEventListener('hashchange', async () => {
    await loadClusters().catch(() => {});
    state.detail = null;
    $('workers').replaceChildren();
    refresh();
  });
}

start();
