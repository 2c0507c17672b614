/** Synthetic watch events for the lock and config tests (test/support/lock-layout.ts classifies them). */
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { emptyCluster } from '../../collector/model/reducer.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import type { ConfigFingerprint, NodeEvent, WatchEvent } from '../../collector/watch/events.ts';
import { PERSISTENT_OWNER } from '../../collector/watch/events.ts';
import { foldEvents } from './fold.ts';
import { typed } from './layout-events.ts';
import { lockTestLayout } from './lock-layout.ts';

export const CLUSTER = 'crawler';

export interface NodeOpts {
  czxid?: number;
  ctime?: number;
  mtime?: number;
  owner?: string;
  version?: number;
  dataLength?: number;
  time?: number;
  afterBlind?: true;
  config?: ConfigFingerprint;
  dataBase64?: string;
}

export function node(kind: NodeEvent['kind'], path: string, data: string | object | null, o: NodeOpts = {}): NodeEvent {
  const text = data === null || typeof data === 'string' ? data : JSON.stringify(data);
  const time = o.time ?? 1000;
  const czxid = o.czxid ?? 10;
  const event: NodeEvent = {
    kind,
    cluster: CLUSTER,
    path,
    data: text,
    time,
    stat: {
      czxid: String(czxid),
      mzxid: String(czxid + 1),
      ctime: o.ctime ?? time,
      mtime: o.mtime ?? time,
      version: o.version ?? 0,
      cversion: 0,
      ephemeralOwner: o.owner ?? PERSISTENT_OWNER,
      dataLength: o.dataLength ?? (text === null ? 0 : Buffer.byteLength(text)),
      numChildren: 0,
    },
  };
  if (o.afterBlind) event.afterBlind = true;
  if (o.config) event.config = o.config;
  if (o.dataBase64 !== undefined) event.dataBase64 = o.dataBase64;
  return event;
}

export const synced = (time = 1000, afterBlind = false): WatchEvent =>
  afterBlind ? { kind: 'synced', cluster: CLUSTER, time, nodes: 0, afterBlind: true } : { kind: 'synced', cluster: CLUSTER, time, nodes: 0 };
export const disconnected = (time: number): WatchEvent => ({ kind: 'connection', state: 'disconnected', time, reason: 'socket closed' });

/** The reducer over `events` with the lock test layout. */
export function fold(events: readonly WatchEvent[], start: ClusterModel = emptyCluster(CLUSTER, '/apps/crawler', lockTestLayout)) {
  return foldEvents(events, start, lockTestLayout);
}

/** Only the lock and config events, without cluster and time. */
export function lockEvents(events: readonly DomainEvent[]): object[] {
  return typed(events, 'LockAcquired', 'LockReleased', 'ConfigChanged');
}

export const DIGEST = 'd'.repeat(64);

/** Built by the real reducer: a held lock with two waiters (found by the first sync), a lock come and gone, a config key. */
export function lockedModel(): ClusterModel {
  return fold([
    node('added', 'config/db-url', null, { czxid: 5, version: 2, mtime: 900, time: 950, dataLength: 31, config: { digest: DIGEST } }),
    // the first sync lists the contenders in any order
    node('added', 'locks/nightly/_c_bbb-lock-0000000003', '10.0.0.3', { czxid: 13, time: 4000, owner: '00000000000000a3' }),
    node('added', 'locks/nightly/_c_zzz-lock-0000000001', '10.0.0.1', { czxid: 11, time: 2000, owner: '00000000000000a1' }),
    node('added', 'locks/nightly/_c_aaa-lock-0000000002', null, { czxid: 12, time: 3000, owner: '00000000000000a2' }),
    synced(4500),
    node('added', 'locks/once/lock-0000000000', { owner: 'x' }, { czxid: 14, time: 4600, owner: '00000000000000a1' }),
    node('removed', 'locks/once/lock-0000000000', { owner: 'x' }, { czxid: 14, ctime: 4600, time: 5000, owner: '00000000000000a1' }),
  ]).model;
}

