/**
 * Collector state that must survive a restart (notification log, silences, rule-engine state), in
 * ZooKeeper under one path: `<path>/<key>` holds the value inline, or, above ~500 KB, a manifest
 * naming chunk nodes `<path>/<key>/<gen>-<i>`. Chunks of a new generation are written first; then
 * one transaction switches the manifest (setData with the version we last saw) and removes the old
 * chunks, so a reader never sees half a value. A BadVersion means another collector wrote since we
 * read: we re-read, merge (per-key merge function; "ours wins" when none) and try again.
 * Writes are debounced per key and run one at a time.
 *
 * What is read back is input like any other: a node that is not what a store writes, and whatever a
 * key's `decode` refuses, is reported through `onRefused` (the node's path and the reason) and left
 * out, never thrown: the next write of that key replaces it. New nodes get `acls` (the collector's
 * identity: docs/security.md); a store without them can only read.
 */
import { randomBytes } from 'node:crypto';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { CreateMode, type ACL, type ZkOps } from '../../zk/ops.ts';
import { BAD_VERSION, NODE_EXISTS, NO_NODE, zkErrorCode } from '../../zk/errors.ts';
import { chunkName, DEFAULT_CHUNK_BYTES, manifestFor, parseManifest } from './chunks.ts';

export type MergeFn = (ours: unknown, theirs: unknown) => unknown;

/** A key's stored value checked: what may be used (undefined: nothing), and why the rest was refused. */
export interface Decoded {
  value: unknown;
  refused: readonly string[];
}
export type DecodeFn = (raw: unknown) => Decoded;

export interface ZkStateStoreOptions {
  /** the ZooKeeper layer's timed requests, on a connected session */
  zk: ZkOps;
  /** e.g. /zkpulse/state/<instance-group> */
  path: string;
  /** default 1 s */
  debounceMs?: number;
  chunkBytes?: number;
  /** how to combine our value with one another collector wrote meanwhile, per key */
  merge?: Readonly<Record<string, MergeFn>>;
  /** after a conflict: the merged value now stored (give it to the owner of the key) */
  onMerged?: (key: string, merged: unknown) => void;
  onError?: (err: Error) => void;
  /** the keys this store holds: load() reads only these (default: every child of `path`) */
  keys?: readonly string[];
  /** how each key's stored value is checked before anyone sees it (keys without one are taken as read) */
  decode?: Readonly<Record<string, DecodeFn>>;
  /** a stored node, or part of its value, that was refused: the node's path and why */
  onRefused?: (node: string, reason: string) => void;
  /** the ACL of every node the store creates; required to write */
  acls?: ACL[];
  /** the debounce timer's clock; default asyncScheduler */
  scheduler?: SchedulerLike;
}

const MAX_CONFLICT_RETRIES = 10;
/** refusals reported per read of a key; the rest are counted in one line */
const MAX_REASONS_SHOWN = 10;

export class ZkStateStore {
  private readonly versions = new Map<string, number>();
  private readonly pendingValues = new Map<string, unknown>();
  private timer: Subscription | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** per key, how many flushed batches waiting in the chain hold it */
  private readonly queued = new Map<string, number>();
  private readonly acls: ACL[] | undefined;
  private readonly scheduler: SchedulerLike;

  constructor(private readonly options: ZkStateStoreOptions) {
    if (!/^\/[^\0]*[^/]$/.test(options.path)) throw new Error(`state store: bad path ${JSON.stringify(options.path)}`);
    this.acls = options.acls;
    this.scheduler = options.scheduler ?? asyncScheduler;
  }

  /** Every stored key and its value (remembering versions for the next writes). */
  async load(): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    const listed = await this.options.zk.getChildren(this.options.path);
    if (!listed) return out;
    const keys = listed.children;
    const wanted = this.options.keys;
    for (const key of wanted ? keys.filter((k) => wanted.includes(k)) : keys) {
      const read = await this.read(key);
      if (read.exists) this.versions.set(key, read.version);
      if (read.value !== undefined) out.set(key, read.value);
    }
    return out;
  }

  /**
   * Stores `value` under `key` after the debounce (the last value saved in the meantime wins). A function
   * is called when its write starts and its result stored: a value that is costly to build (the engine
   * state of thousands of alerts) is then built once per write, not once per save. A function must give
   * the latest value whenever called: while an earlier write of its key is in flight, only the last
   * flushed batch holding it writes.
   */
  save(key: string, value: unknown): void {
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`state store: bad key ${JSON.stringify(key)}`);
    this.pendingValues.set(key, value);
    this.timer ??= this.scheduler.schedule(() => {
      this.timer = null;
      void this.flush().catch((err: unknown) => this.options.onError?.(err as Error));
    }, this.options.debounceMs ?? 1000);
  }

  /** Writes what is pending now. */
  flush(): Promise<void> {
    this.timer?.unsubscribe();
    this.timer = null;
    const batch = [...this.pendingValues];
    this.pendingValues.clear();
    for (const [key] of batch) this.queued.set(key, (this.queued.get(key) ?? 0) + 1);
    const run = this.chain.then(async () => {
      for (const [key] of batch) this.queued.set(key, (this.queued.get(key) ?? 1) - 1);
      for (const [key, value] of batch) {
        // a function gives the latest value when called: a later batch holding it writes that, so this one is skipped
        if (typeof value === 'function' && (this.queued.get(key) ?? 0) > 0) continue;
        await this.write(key, value);
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Flushes and stops the debounce timer (the session stays the caller's). */
  async close(): Promise<void> {
    await this.flush();
  }

  private keyPath(key: string): string {
    return `${this.options.path}/${key}`;
  }

  private async read(key: string): Promise<{ exists: boolean; version: number; value: unknown }> {
    const got = await this.readRaw(key);
    if (got.value === undefined) return got;
    const decode = this.options.decode?.[key];
    if (!decode) return got;
    const decoded = decode(got.value);
    const shown = decoded.refused.slice(0, MAX_REASONS_SHOWN);
    if (decoded.refused.length > shown.length) shown.push(`and ${decoded.refused.length - shown.length} more entries refused`);
    for (const reason of shown) this.options.onRefused?.(this.keyPath(key), reason);
    return { ...got, value: decoded.value };
  }

  private async readRaw(key: string): Promise<{ exists: boolean; version: number; value: unknown }> {
    const zk = this.options.zk;
    const path = this.keyPath(key);
    for (let attempt = 0; ; attempt++) {
      const got = await zk.getData(path);
      if (!got) return { exists: false, version: -1, value: undefined };
      const refuse = (reason: string) => {
        this.options.onRefused?.(path, reason);
        return { exists: true, version: got.stat.version, value: undefined };
      };
      let manifest;
      try {
        manifest = parseManifest(got.data ?? undefined);
      } catch (err) {
        return refuse((err as Error).message);
      }
      if (manifest === null) return { exists: true, version: got.stat.version, value: undefined };
      if ('value' in manifest) return { exists: true, version: got.stat.version, value: manifest.value };
      const parts: Buffer[] = [];
      for (let i = 0; i < manifest.chunks; i++) {
        const chunk = await zk.getData(`${path}/${chunkName(manifest.gen, i)}`);
        if (!chunk) break;
        parts.push(chunk.data ?? Buffer.alloc(0));
      }
      if (parts.length < manifest.chunks) {
        // a writer replaced the generation between our two reads: read again
        if (attempt >= MAX_CONFLICT_RETRIES) throw new Error(`state store: the chunks of ${path} kept changing under us; gave up after ${MAX_CONFLICT_RETRIES} tries`);
        continue;
      }
      const blob = Buffer.concat(parts);
      if (blob.length !== manifest.bytes) return refuse(`its chunks hold ${blob.length} bytes, the manifest says ${manifest.bytes}`);
      try {
        return { exists: true, version: got.stat.version, value: JSON.parse(blob.toString('utf8')) };
      } catch (err) {
        return refuse(`its chunks are not JSON (${(err as Error).message})`);
      }
    }
  }

  private async write(key: string, saved: unknown): Promise<void> {
    const zk = this.options.zk;
    const path = this.keyPath(key);
    const acls = this.acls;
    if (!acls) throw new Error(`state store: cannot write ${path}: no ACL was given for the nodes it creates`);
    const value: unknown = typeof saved === 'function' ? (saved as () => unknown)() : saved;
    let ours = value;
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      let version = this.versions.get(key);
      if (version === undefined) {
        await zk.mkdirp(this.options.path, acls);
        try {
          await zk.create(path, Buffer.alloc(0), acls, CreateMode.PERSISTENT);
          version = 0;
        } catch (err) {
          if (zkErrorCode(err) !== NODE_EXISTS) throw err;
          ours = await this.merged(key, ours);
          continue;
        }
        this.versions.set(key, version);
      }
      const gen = randomBytes(4).toString('hex');
      const { manifest, chunks } = manifestFor(JSON.stringify(ours), this.options.chunkBytes ?? DEFAULT_CHUNK_BYTES, gen);
      const written: string[] = [];
      for (const [i, chunk] of chunks.entries()) {
        const chunkPath = `${path}/${chunkName(gen, i)}`;
        await zk.create(chunkPath, chunk, acls, CreateMode.PERSISTENT);
        written.push(chunkPath);
      }
      const children = (await zk.getChildren(path))?.children ?? [];
      const old = children.filter((c) => !c.startsWith(`${gen}-`)).map((c) => `${path}/${c}`);
      try {
        // the manifest switch and the old chunks' removal, atomically
        await zk.transaction([{ op: 'setData', path, data: manifest, version }, ...old.map((r) => ({ op: 'remove' as const, path: r, version: -1 }))]);
        this.versions.set(key, version + 1);
        return;
      } catch (err) {
        for (const w of written) await this.removeIfThere(w);
        const code = zkErrorCode(err);
        if (code !== BAD_VERSION && code !== NO_NODE) throw err;
        ours = await this.merged(key, ours);
      }
    }
    throw new Error(`state store: ${path} kept changing under us; gave up after ${MAX_CONFLICT_RETRIES} tries`);
  }

  private async removeIfThere(path: string): Promise<void> {
    try {
      await this.options.zk.remove(path);
    } catch (err) {
      if (zkErrorCode(err) !== NO_NODE) throw err;
    }
  }

  /** Re-reads the key after a conflict and merges our value into it. */
  private async merged(key: string, ours: unknown): Promise<unknown> {
    const theirs = await this.read(key);
    if (theirs.exists) this.versions.set(key, theirs.version);
    else this.versions.delete(key);
    const merge = this.options.merge?.[key];
    if (!merge || theirs.value === undefined) return ours;
    const merged = merge(ours, theirs.value);
    this.options.onMerged?.(key, merged);
    return merged;
  }
}
