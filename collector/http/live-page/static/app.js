// zkpulse live page: plain browser JavaScript, no build step, no inline code (the CSP forbids it).
// State comes from GET /api/clusters/:name/live (Server-Sent Events): one `snapshot`, then at most a few
// `delta` per second holding only the workers whose view changed, applied to a Map by id. The workers are a
// summary by health, a heat map (a canvas, one cell per worker) and a list of at most MAX_ROWS rows, down and
// stale first — never a card per worker: 10,000 of them froze the browser. Drawing happens at most once per
// animation frame; a 1 s tick advances the ages. When the collector cannot be reached (the stream fails and a
// request fails or times out), the page says so instead of showing what it last knew.
// DOM contract (README.md of this folder): #summary [data-health], #filter, #attention [data-worker][data-health],
// #heatmap, body[data-live-seq][data-live-at].
/* global document, Node, fetch, location, setTimeout, setInterval, CSS, EventSource, window, AbortSignal, requestAnimationFrame, Event */
'use strict';

const HEALTHS = ['down', 'stale', 'leaving', 'invalid', 'up'];
const HEALTH_RANK = { down: 0, stale: 1, leaving: 2, invalid: 3, up: 4 };
const HEALTH_COLOR = { down: '#da3633', stale: '#d29922', leaving: '#8957e5', invalid: '#db61a2', up: '#2ea043' };
/** the list shows at most this many workers */
const MAX_ROWS = 200;
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
  /** everything but the workers (master, candidates, tasks, locks...), from the last message that had it */
  header: null,
  /** id → row {id, host, health, state, lastBeat, heartbeatMs, leftAt, leftReason, invalid} */
  workers: new Map(),
  /** the worker ids in natural order; rebuilt only when ids come or go */
  order: [],
  orderDirty: true,
  counts: { down: 0, stale: 0, leaving: 0, invalid: 0, up: 0 },
  workerCount: 0,
  /** server time of the last message, and the local clock when it arrived: ages advance from there */
  serverAt: 0,
  receivedAt: 0,
  source: null,
  drawPending: false,
  /** what the next frame redraws */
  dirty: { header: false, workers: false },
  filter: '',
  /** the heat map's geometry of the last draw, for hovering */
  heat: { cell: 0, cols: 0 },
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

/** the collector's clock now, estimated from the last message */
function serverNow() {
  return state.serverAt + (Date.now() - state.receivedAt);
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

/** `#cluster=name` or `?cluster=name` */
function chosenCluster() {
  const m = /cluster=([^&]+)/.exec(location.hash) ?? /[?&]cluster=([^&]+)/.exec(location.search);
  return m ? decodeURIComponent(m[1]) : null;
}

async function loadClusters() {
  state.clusters = await getJson('/api/clusters');
  setReachable(true);
  const wanted = chosenCluster();
  const names = state.clusters.map((c) => c.name);
  const current = names.includes(wanted) ? wanted : (names[0] ?? null);
  renderClusterNav(current);
  if (current !== state.current) {
    state.current = current;
    connectLive();
  }
  if (!current) $('status').textContent = 'no clusters configured';
}

function renderClusterNav(current) {
  const nav = $('clusters');
  nav.replaceChildren(
    ...state.clusters.map((c) => {
      const a = el('a', { href: `#cluster=${encodeURIComponent(c.name)}`, 'data-cluster': c.name },
        c.name, el('span', { class: 'muted' }, ` ${c.root} · ${c.layout ?? 'zkpulse'} · ${c.workersUp}/${c.workers} up`));
      if (c.name === current) a.classList.add('active');
      return a;
    }),
  );
}

/**
 * Whether the collector answers. While it does not, nothing the page last knew is shown as current:
 * the master is unknown, the counts are blank and the workers and tasks are greyed out.
 */
function setReachable(reachable) {
  if (state.reachable === reachable) return;
  state.reachable = reachable;
  document.body.dataset.reachable = String(reachable);
  if (reachable) {
    const badge = $('stream');
    if (badge.dataset.state === 'unreachable') {
      // the API answers again; the stream follows on its own (its snapshot says "live")
      badge.dataset.state = 'down';
      badge.textContent = 'reconnecting…';
    }
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

// ---- the stream ----------------------------------------------------------------------------------------

function connectLive() {
  if (state.source) state.source.close();
  state.source = null;
  resetWorkers();
  if (!state.current) return;
  const badge = $('stream');
  const source = new EventSource(`/api/clusters/${encodeURIComponent(state.current)}/live`);
  state.source = source;
  source.addEventListener('snapshot', (msg) => {
    const m = parse(msg);
    if (!m || source !== state.source) return;
    resetWorkers();
    for (const w of m.workers) state.workers.set(w.id, w);
    setReachable(true);
    applyCommon(m);
    badge.dataset.state = 'live';
    badge.textContent = 'live';
    loadAlerts();
  });
  source.addEventListener('delta', (msg) => {
    const m = parse(msg);
    if (!m || source !== state.source) return;
    if (m.upsert.length > 0 || m.removed.length > 0) state.dirty.workers = true;
    for (const w of m.upsert) {
      if (!state.workers.has(w.id)) state.orderDirty = true;
      state.workers.set(w.id, w);
    }
    for (const id of m.removed) state.orderDirty = state.workers.delete(id) || state.orderDirty;
    // a newer beat alone changes no colour and no order: the ages tick on their own
    for (const [id, beat] of m.beats) {
      const w = state.workers.get(id);
      if (w) w.lastBeat = beat;
    }
    for (const e of m.log) logEvent(e);
    applyCommon(m);
  });
  source.onerror = () => {
    if (source !== state.source) return;
    // the browser retries by itself unless the answer was no event stream at all (CLOSED): then we do
    if (source.readyState === EventSource.CLOSED) {
      setTimeout(() => {
        if (source === state.source) connectLive();
      }, STREAM_RETRY_MS);
    }
    if (state.reachable) {
      badge.dataset.state = 'down';
      badge.textContent = 'reconnecting…';
    }
    // the stream broke: is the collector still there? a failed request marks it unreachable
    loadClusters().catch((err) => {
      if (err instanceof UnreachableError) setReachable(false);
    });
  };
}

function parse(msg) {
  try {
    return JSON.parse(msg.data);
  } catch {
    return null;
  }
}

function resetWorkers() {
  state.workers = new Map();
  state.order = [];
  state.orderDirty = true;
  state.header = null;
  state.dirty.workers = true;
  state.dirty.header = true;
}

/** What snapshots and deltas share: the counts, the header when sent, the stamp for the bench. */
function applyCommon(m) {
  state.counts = m.counts;
  state.workerCount = m.workerCount;
  state.serverAt = m.at;
  state.receivedAt = Date.now();
  if (m.header) {
    state.header = m.header;
    state.dirty.header = true;
  }
  document.body.dataset.liveSeq = String(m.seq);
  document.body.dataset.liveAt = String(m.at);
  const h = state.header;
  $('status').textContent = `updated ${new Date().toLocaleTimeString()}${h && !h.synced ? ' · syncing' : ''}${h && h.blind ? ' · ZooKeeper unreachable' : ''}`;
  renderCounts();
  scheduleDraw();
}

/** at most one redraw per animation frame, however many messages came */
function scheduleDraw() {
  if (state.drawPending) return;
  state.drawPending = true;
  requestAnimationFrame(() => {
    state.drawPending = false;
    draw();
  });
}

function draw() {
  if (!state.reachable) return renderUnreachable();
  if (state.dirty.header && state.header) renderHeader(state.header);
  if (state.dirty.workers) {
    if (state.orderDirty) {
      state.order = [...state.workers.keys()].sort(byName);
      state.orderDirty = false;
    }
    renderHeatmap();
    renderAttention();
  }
  state.dirty.header = false;
  state.dirty.workers = false;
  tick();
}

// ---- rendering -----------------------------------------------------------------------------------------

function renderCounts() {
  for (const node of $('summary').querySelectorAll('[data-health]')) {
    const count = state.counts[node.dataset.health] ?? 0;
    node.textContent = String(count);
    node.parentElement.dataset.zero = String(count === 0);
  }
  if (state.reachable) $('workers-up').textContent = `${state.workerCount - (state.counts.down ?? 0)} / ${state.workerCount}`;
}

function renderHeader(d) {
  $('master').textContent = d.master ? (d.master.id ?? '(no id)') : 'none';
  $('master').dataset.present = String(d.master !== null);
  $('master-since').textContent = d.master && d.master.since ? `since ${formatTime(d.master.since)}` : '';
  $('epoch').textContent = d.master ? d.master.epoch : '—';
  $('layout').textContent = d.layout ?? 'zkpulse';
  // the rules this layout cannot feed (or the config turned off): named, so their silence is not a surprise
  const off = (d.rules ?? []).filter((r) => !r.applies);
  $('rules-off').textContent = off.length > 0 ? `off: ${off.map((r) => r.name).join(', ')}` : '';
  $('rules-off').title = off.map((r) => `${r.name}: ${r.reason ?? ''}`).join('\n');
  // an empty list says nothing: a note instead of a numbered "none"
  $('candidates').replaceChildren(
    ...d.candidates.map((c, i) => el('li', { class: i === 0 ? 'leader' : '' }, c.id ?? c.node, el('span', { class: 'muted mono' }, ` #${c.seq}`))),
  );
  $('candidates-empty').textContent = 'no candidates';
  $('candidates-empty').hidden = d.candidates.length > 0;
  renderTasks(d.tasks, d.taskCount);
  renderLocks(d.locks ?? [], d.lockCount);
}

/** One cell per worker in natural order, coloured by health; the cells shrink as the workers grow. */
function renderHeatmap() {
  const canvas = $('heatmap');
  const n = state.order.length;
  const width = Math.max(200, canvas.parentElement.clientWidth || 800);
  const cell = n === 0 ? 12 : Math.max(3, Math.min(14, Math.floor(Math.sqrt((width * 240) / n))));
  const cols = Math.max(1, Math.floor(width / cell));
  const rows = Math.max(1, Math.ceil(n / cols));
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  state.heat = { cell, cols };
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const gap = cell >= 6 ? 1 : 0;
  // one fill style per health: five style changes, not 10,000
  for (const health of HEALTHS) {
    ctx.fillStyle = HEALTH_COLOR[health];
    for (let i = 0; i < n; i += 1) {
      const w = state.workers.get(state.order[i]);
      if (!w || w.health !== health) continue;
      ctx.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell - gap, cell - gap);
    }
  }
  canvas.dataset.workers = String(n);
}

function workerAt(event) {
  const canvas = $('heatmap');
  const { cell, cols } = state.heat;
  if (!cell) return null;
  const rect = canvas.getBoundingClientRect();
  const x = ((event.clientX - rect.left) * canvas.width) / (rect.width || 1);
  const y = ((event.clientY - rect.top) * canvas.height) / (rect.height || 1);
  const col = Math.floor(x / cell);
  if (col >= cols) return null;
  const id = state.order[Math.floor(y / cell) * cols + col];
  return id === undefined ? null : state.workers.get(id) ?? null;
}

function matches(w, needle) {
  return w.id.toLowerCase().includes(needle) || (w.host ?? '').toLowerCase().includes(needle);
}

/** The rows: the filter's matches (or every worker), down then stale then leaving, invalid, up; at most MAX_ROWS. */
function renderAttention() {
  const needle = state.filter.trim().toLowerCase();
  const buckets = HEALTHS.map(() => []);
  let shownSoFar = 0;
  let total = 0;
  for (const id of state.order) {
    const w = state.workers.get(id);
    if (!w || (needle && !matches(w, needle))) continue;
    total += 1;
    const rank = HEALTH_RANK[w.health] ?? 4;
    // the up ones fill what the others leave; the others are all kept (they sort first)
    if (rank === 4 && shownSoFar >= MAX_ROWS) continue;
    buckets[rank].push(w);
    if (rank === 4) shownSoFar += 1;
  }
  const list = buckets.flat().slice(0, MAX_ROWS);
  const box = $('attention');
  const existing = new Map([...box.children].map((node) => [node.dataset.worker, node]));
  box.replaceChildren(...list.map((w) => workerRow(existing.get(w.id), w)));
  const note = $('attention-note');
  if (state.workers.size === 0) note.textContent = 'no workers';
  else if (total === 0) note.textContent = `no worker matches "${state.filter}"`;
  else if (total > list.length) note.textContent = `${list.length} of ${total} shown${needle ? ' (filtered)' : ''}: type in the filter to find others`;
  else note.textContent = '';
}

function workerRow(row, w) {
  if (!row) {
    row = el('li', { class: 'worker', 'data-worker': w.id },
      el('span', { class: 'id' }, w.id), el('span', { class: 'host muted' }), el('span', { class: 'state' }), el('span', { class: 'age mono' }));
  }
  row.dataset.health = w.health;
  row.dataset.up = String(w.health !== 'down');
  row.dataset.state = w.state;
  row.dataset.invalid = String(w.invalid !== null);
  row.title = w.invalid ? `data problem: ${w.invalid}` : `${w.id} on ${w.host ?? '?'}`;
  row.querySelector('.host').textContent = w.host ?? '';
  row.querySelector('.state').textContent = w.health === 'down' ? `down${w.leftReason ? ` (${w.leftReason})` : ''}` : w.health === 'up' ? w.state : `${w.health} · ${w.state}`;
  return row;
}

function renderTasks(tasks, count) {
  const box = $('tasks');
  if (!tasks.length) {
    box.replaceChildren(el('div', { class: 'muted' }, 'no tasks'));
    return;
  }
  const more = count > tasks.length ? [el('div', { class: 'muted' }, `${tasks.length} of ${count} tasks shown`)] : [];
  box.replaceChildren(
    ...[...tasks].sort((a, b) => byName(a.id, b.id)).map((t) => {
      const ratio = t.total ? Math.min(1, Math.max(0, t.done / t.total)) : 0;
      const bar = el('progress', { max: '1', value: String(ratio) });
      const label = t.total !== null ? `${t.done}/${t.total} (${Math.round(ratio * 100)}%)` : 'no progress yet';
      return el('div', { class: 'task', 'data-task': t.id, 'data-state': t.state },
        el('span', { class: 'name mono' }, t.id), bar,
        el('span', { class: 'muted' }, `${label} · ${t.state}${t.worker ? ` · ${t.worker}` : ''}`));
    }),
    ...more,
  );
}

/** One row per lock: who holds it (its owner when the data says), how many wait, for how long (ticking). */
function renderLocks(locks, count) {
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
  $('locks-empty').textContent = count > locks.length ? `${locks.length} of ${count} locks shown` : 'no locks';
  $('locks-empty').hidden = locks.length > 0 && count <= locks.length;
}

/** Beat ages, "down for" and "held for" advance with the local clock between messages (shown rows only). */
function tick() {
  if (!state.reachable || !state.receivedAt) return;
  const now = serverNow();
  for (const l of state.header?.locks ?? []) {
    const cell = document.querySelector(`[data-lock="${CSS.escape(l.lock)}"] .held`);
    if (cell) cell.textContent = l.heldSince === null ? '—' : formatAge(now - l.heldSince);
  }
  for (const row of $('attention').children) {
    const w = state.workers.get(row.dataset.worker);
    if (!w) continue;
    const age = now - w.lastBeat;
    row.dataset.stale = String(w.health === 'stale');
    row.querySelector('.age').textContent = w.health !== 'down' ? `beat ${formatAge(age)} ago` : `down ${formatAge(w.leftAt ? now - w.leftAt : age)}`;
  }
}

// ---- alerts and the log --------------------------------------------------------------------------------

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
    case 'MasterElected': return `${e.id ?? '?'} elected master (epoch ${e.epoch})`;
    case 'MasterLost': return `master ${e.id ?? '?'} lost (epoch ${e.epoch})`;
    case 'CandidateJoined': return `candidate ${e.id ?? e.node} joined`;
    case 'CandidateLeft': return `candidate ${e.id ?? e.node} left`;
    case 'TaskCreated': return `task ${e.task} created`;
    case 'TaskAssigned': return `task ${e.task} assigned to ${e.worker}`;
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

/** The stream's log carries no heartbeats or progress (they would drown crashes and failovers). */
function logEvent(e) {
  const log = $('events');
  const item = el('li', { 'data-type': e.type },
    el('time', { class: 'mono muted' }, formatTime(e.time)), ' ',
    el('span', { class: 'kind' }, e.type), ' ',
    describe(e) + (e.afterBlind ? ' (found after a blind period)' : ''));
  log.prepend(item);
  while (log.children.length > MAX_LOG) log.lastElementChild.remove();
}

// ---- start ---------------------------------------------------------------------------------------------

function wireControls() {
  const filter = $('filter');
  filter.addEventListener('input', () => {
    state.filter = filter.value;
    state.dirty.workers = true;
    scheduleDraw();
  });
  const canvas = $('heatmap');
  canvas.addEventListener('mousemove', (event) => {
    const w = workerAt(event);
    canvas.title = w ? `${w.id} · ${w.health}${w.host ? ` · ${w.host}` : ''}` : '';
  });
  // a click on a cell filters the list to that worker
  canvas.addEventListener('click', (event) => {
    const w = workerAt(event);
    if (!w) return;
    filter.value = w.id;
    filter.dispatchEvent(new Event('input'));
  });
  window.addEventListener('resize', () => {
    state.dirty.workers = true;
    scheduleDraw();
  });
}

async function start() {
  wireControls();
  try {
    await loadClusters();
  } catch (err) {
    if (err instanceof UnreachableError) setReachable(false);
    $('status').textContent = `cannot load clusters: ${err.message}`;
  }
  loadAlerts();
  setInterval(tick, 1000);
  setInterval(() => {
    loadAlerts();
    loadClusters().catch((err) => {
      if (err instanceof UnreachableError) setReachable(false);
    });
  }, FULL_REFRESH_MS);
  window.addEventListener('hashchange', () => {
    state.current = null;
    $('events').replaceChildren();
    loadClusters().catch(() => {});
  });
}

start();
