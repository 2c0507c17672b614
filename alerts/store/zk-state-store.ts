/**
 * Collector state that must survive a restart (notification log, silences, rule-engine state), in
 * ZooKeeper under one path: `<path>/<key>` holds the value inline, or, above ~500 KB, a manifest
 * naming chunk nodes `<path>/<key>/<gen>-<i>`. Chunks of a new generation are written first; then
 * one transaction switches the manifest (setData with the version we last saw) and removes the old
 * chunks, so a reader never sees half a value. A BadVersion means another collector wrote since we
 * read: we re-read, merge (per-key merge function; "ours wins" when none) and try again.
 * Writes are debounced per key and run one at a time.
 */
import { randomBytes } from 'node:crypto';
import zookeeper, { type ACL, type Client } from 'node-zookeeper-client';
import { realScheduler, type Scheduler } from '../notify/scheduler.ts';
import { chunkName, DEFAULT_CHUNK_BYTES, manifestFor, parseManifest } from './chunks.ts';
import { BAD_VERSION, codeOf, create, getChildren, getData, mkdirp, NO_NODE, NODE_EXISTS, remove, setAndRemove } from './zk-calls.ts';

export type MergeFn = (ours: unknown, theirs: unknown) => unknown;

export interface ZkStateStoreOptions {
  /** a connected client */
  client: Client;
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
  acls?: ACL[];
  scheduler?: Scheduler;
}

const MAX_CONFLICT_RETRIES = 10;

export class ZkStateStore {
  private readonly versions = new Map<string, number>();
  private readonly pendingValues = new Map<string, unknown>();
  private cancelTimer: (() => void) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly acls: ACL[];
  private readonly scheduler: Scheduler;

  constructor(private readonly options: ZkStateStoreOptions) {
    if (!/^\/[^\0]*[^/]$/.test(options.path)) throw new Error(`state store: bad path ${JSON.stringify(options.path)}`);
    this.acls = options.acls ?? (zookeeper.ACL as unknown as { OPEN_ACL_UNSAFE: ACL[] }).OPEN_ACL_UNSAFE;
    this.scheduler = options.scheduler ?? realScheduler;
  }

  /** Every stored key and its value (remembering versions for the next writes). */
  async load(): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    let keys: string[];
    try {
      keys = await getChildren(this.options.client, this.options.path);
    } catch (err) {
      if (codeOf(err) === NO_NODE) return out;
      throw err;
    }
    for (const key of keys) {
      const read = await this.read(key);
      if (read.exists) this.versions.set(key, read.version);
      if (read.value !== undefined) out.set(key, read.value);
    }
    return out;
  }

  /** Stores `value` under `key` after the debounce (the last value saved in the meantime wins). */
  save(key: string, value: unknown): void {
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`state store: bad key ${JSON.stringify(key)}`);
    this.pendingValues.set(key, value);
    this.cancelTimer ??= this.scheduler.setTimer(this.options.debounceMs ?? 1000, () => {
      this.cancelTimer = null;
      void this.flush().catch((err: unknown) => this.options.onError?.(err as Error));
    });
  }

  /** Writes what is pending now. */
  flush(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = null;
    const batch = [...this.pendingValues];
    this.pendingValues.clear();
    const run = this.chain.then(async () => {
      for (const [key, value] of batch) await this.write(key, value);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Flushes and stops the debounce timer (the client stays the caller's). */
  async close(): Promise<void> {
    await this.flush();
  }

  private keyPath(key: string): string {
    return `${this.options.path}/${key}`;
  }

  private async read(key: string): Promise<{ exists: boolean; version: number; value: unknown }> {
    const client = this.options.client;
    for (let attempt = 0; ; attempt++) {
      let got;
      try {
        got = await getData(client, this.keyPath(key));
      } catch (err) {
        if (codeOf(err) === NO_NODE) return { exists: false, version: -1, value: undefined };
        throw err;
      }
      const manifest = parseManifest(got.data);
      if (manifest === null) return { exists: true, version: got.stat.version, value: undefined };
      if ('value' in manifest) return { exists: true, version: got.stat.version, value: manifest.value };
      try {
        const parts: Buffer[] = [];
        for (let i = 0; i < manifest.chunks; i++) {
          const chunk = await getData(client, `${this.keyPath(key)}/${chunkName(manifest.gen, i)}`);
          parts.push(chunk.data ?? Buffer.alloc(0));
        }
        return { exists: true, version: got.stat.version, value: JSON.parse(Buffer.concat(parts).toString('utf8')) };
      } catch (err) {
        // a writer replaced the generation between our two reads: read again
        if (codeOf(err) !== NO_NODE || attempt >= MAX_CONFLICT_RETRIES) throw err;
      }
    }
  }

  private async write(key: string, value: unknown): Promise<void> {
    const client = this.options.client;
    const path = this.keyPath(key);
    let ours = value;
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      let version = this.versions.get(key);
      if (version === undefined) {
        await mkdirp(client, this.options.path, this.acls);
        try {
          await create(client, path, Buffer.alloc(0), this.acls);
          version = 0;
        } catch (err) {
          if (codeOf(err) !== NODE_EXISTS) throw err;
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
        await create(client, chunkPath, chunk, this.acls);
        written.push(chunkPath);
      }
      const old = (await getChildren(client, path)).filter((c) => !c.startsWith(`${gen}-`)).map((c) => `${path}/${c}`);
      try {
        await setAndRemove(client, path, manifest, version, old);
        this.versions.set(key, version + 1);
        return;
      } catch (err) {
        for (const w of written) await remove(client, w);
        const code = codeOf(err);
        if (code !== BAD_VERSION && code !== NO_NODE) throw err;
        ours = await this.merged(key, ours);
      }
    }
    throw new Error(`state store: ${path} kept changing under us; gave up after ${MAX_CONFLICT_RETRIES} tries`);
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
