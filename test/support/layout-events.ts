/** Watch events for a layout's reducer tests, with raw bytes carried as the watch layer carries them. */
import { isUtf8 } from 'node:buffer';
import type { Layout } from '../../contract/layout.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { emptyCluster } from '../../collector/model/reducer.ts';
import { foldEvents } from './fold.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import type { NodeEvent, WatchEvent } from '../../collector/watch/events.ts';

export const CLUSTER = 'c';

export interface EventOpts {
  czxid?: number;
  mzxid?: number;
  owner?: string;
  time?: number;
}

/** A node event whose data is what tree-watcher.ts would emit for these bytes. */
export function nodeEvent(kind: NodeEvent['kind'], path: string, data: string | Buffer | null, o: EventOpts = {}): NodeEvent {
  const bytes = data === null ? null : Buffer.isBuffer(data) ? data : Buffer.from(data);
  const czxid = o.czxid ?? 10;
  const time = o.time ?? 1000;
  const event: NodeEvent = {
    kind,
    cluster: CLUSTER,
    path,
    stat: {
      czxid: String(czxid),
      mzxid: String(o.mzxid ?? czxid),
      ctime: time,
      mtime: time,
      version: 0,
      cversion: 0,
      ephemeralOwner: o.owner ?? '00000000000000a1',
      dataLength: bytes?.length ?? 0,
      numChildren: 0,
    },
    data: bytes === null || bytes.length === 0 ? null : bytes.toString('utf8'),
    time,
  };
  if (bytes !== null && bytes.length > 0 && !isUtf8(bytes)) event.dataBase64 = bytes.toString('base64');
  return event;
}

export const added = (path: string, data: string | Buffer | null, o?: EventOpts) => nodeEvent('added', path, data, o);
export const changed = (path: string, data: string | Buffer | null, o?: EventOpts) => nodeEvent('changed', path, data, o);
export const removed = (path: string, data: string | Buffer | null, o?: EventOpts) => nodeEvent('removed', path, data, o);
export const synced = (time = 1000): WatchEvent => ({ kind: 'synced', cluster: CLUSTER, time, nodes: 0 });

/** Folds events through the reducer with `layout`, from `start` (default: an empty model of that layout). */
export function foldWith(layout: Layout, events: readonly WatchEvent[], start?: ClusterModel): { model: ClusterModel; events: DomainEvent[] } {
  return foldEvents(events, start ?? emptyCluster(CLUSTER, '/r', layout), layout);
}

/** The domain events of these types, without the fields every event shares. */
export function typed(events: readonly DomainEvent[], ...types: DomainEvent['type'][]): object[] {
  return events
    .filter((e) => types.includes(e.type))
    .map((e) => {
      const { cluster: _c, time: _t, ...rest } = e;
      return rest;
    });
}
