/**
 * Leaner replacements for two of node-zookeeper-client's jute records, the ones every watched
 * heartbeat goes through: `data.Stat` and `protocol.GetDataResponse`.
 *
 * The library's generic Record allocates a zero-filled `Buffer.alloc(8)` (its own ArrayBuffer,
 * outside the V8 heap) for every 64-bit field, in the constructor and again in `deserialize`, and a
 * GetDataResponse builds a Stat twice: ~15 backing stores per reply. Here a Stat keeps its 68 wire
 * bytes in one pooled buffer and reads the 32-bit fields at once; the 64-bit fields stay Buffers
 * for every other reader (getters that copy out the 8 bytes), while `toZnodeStat` reads the wire
 * bytes directly (see `statBytes`). Both keep the original prototype chain (instanceof Record,
 * setChrootPath, serialize) and the same field names.
 */

/** Size of a Stat on the wire: 6 longs and 5 ints. */
export const STAT_BYTES = 68;

/** Byte offsets of the Stat fields on the wire. */
export const STAT_OFFSET = {
  czxid: 0,
  mzxid: 8,
  ctime: 16,
  mtime: 24,
  version: 32,
  cversion: 36,
  aversion: 40,
  ephemeralOwner: 44,
  dataLength: 52,
  numChildren: 56,
  pzxid: 60,
} as const;

const LONG_FIELDS = ['czxid', 'mzxid', 'ctime', 'mtime', 'ephemeralOwner', 'pzxid'] as const;
type LongField = (typeof LONG_FIELDS)[number];

interface RecordClass {
  new (...args: unknown[]): object;
  prototype: object;
}

export interface JuteModule {
  data: { Stat: RecordClass };
  protocol: { GetDataResponse: RecordClass };
}

interface LeanStatFields {
  /** the wire bytes (STAT_BYTES), or null before deserialize (all fields zero) */
  __raw: Buffer | null;
  /** 64-bit fields assigned by someone after deserialize */
  __set: Partial<Record<LongField, Buffer>> | null;
  version: number;
  cversion: number;
  aversion: number;
  dataLength: number;
  numChildren: number;
}

/** On the lean Stat's prototype: a brand cheaper to test than a WeakSet to fill (one Stat per reply). */
const LEAN = Symbol('zkpulse.leanStat');

/** The wire bytes of a Stat read by the lean record, or null (another kind of Stat, or one changed since). */
export function statBytes(stat: object): Buffer | null {
  const s = stat as LeanStatFields & { [LEAN]?: true };
  return s[LEAN] === true && s.__set === null ? s.__raw : null;
}

function checkRange(buffer: Buffer, offset: number, bytes: number): void {
  if (!Buffer.isBuffer(buffer)) throw new Error('buffer must an instance of Node.js Buffer class.');
  if (offset < 0 || offset >= buffer.length) throw new Error(`offset: ${offset} is out of buffer range.`);
  if (offset + bytes > buffer.length) throw new RangeError(`record of ${bytes} bytes at ${offset} is out of buffer range.`);
}

/** The lean records, for the place that lends them to one client's reply parsing (harden.ts). */
export interface LeanRecords {
  Stat: RecordClass;
  GetDataResponse: RecordClass;
}

const installed = new WeakSet<JuteModule>();

/** Replace `jute.data.Stat` and `jute.protocol.GetDataResponse` of `jute` (once per module object; tests use a copy). */
export function installLeanJute(jute: JuteModule): void {
  if (installed.has(jute)) return;
  installed.add(jute);
  const lean = leanJuteRecords(jute);
  jute.data.Stat = lean.Stat;
  jute.protocol.GetDataResponse = lean.GetDataResponse;
}

/** Lean versions of `jute`'s Stat and GetDataResponse, built on (and instanceof) its originals; `jute` is left as it is. */
export function leanJuteRecords(jute: JuteModule): LeanRecords {
  const OriginalStat = jute.data.Stat;
  const OriginalGetData = jute.protocol.GetDataResponse;
  const statSpec = (new OriginalStat() as { specification: unknown }).specification;
  const getDataSpec = (new OriginalGetData() as { specification: unknown }).specification;

  function LeanStat(this: LeanStatFields, ...args: unknown[]): object | void {
    // a Stat built from values (nothing in the library does): the original handles it
    if (args.length > 0) return new OriginalStat(...args);
    (this as unknown as { specification: unknown }).specification = statSpec;
    (this as unknown as { chrootPath: unknown }).chrootPath = undefined;
    this.__raw = null;
    this.__set = null;
    this.version = 0;
    this.cversion = 0;
    this.aversion = 0;
    this.dataLength = 0;
    this.numChildren = 0;
  }
  const statProto = Object.create(OriginalStat.prototype) as object;
  Object.defineProperty(statProto, LEAN, { value: true });
  for (const name of LONG_FIELDS) {
    const at = STAT_OFFSET[name];
    Object.defineProperty(statProto, name, {
      enumerable: true,
      configurable: true,
      get(this: LeanStatFields): Buffer {
        const set = this.__set?.[name];
        if (set !== undefined) return set;
        const out = Buffer.alloc(8);
        this.__raw?.copy(out, 0, at, at + 8);
        // keep it: a reader that changes the buffer in place sees its change again
        (this.__set ??= {})[name] = out;
        return out;
      },
      set(this: LeanStatFields, value: Buffer) {
        (this.__set ??= {})[name] = value;
      },
    });
  }
  Object.defineProperty(statProto, 'deserialize', {
    configurable: true,
    writable: true,
    value: function deserialize(this: LeanStatFields, buffer: Buffer, offset: number): number {
      checkRange(buffer, offset, STAT_BYTES);
      const raw = Buffer.allocUnsafe(STAT_BYTES);
      buffer.copy(raw, 0, offset, offset + STAT_BYTES);
      this.__raw = raw;
      this.__set = null;
      this.version = raw.readInt32BE(STAT_OFFSET.version);
      this.cversion = raw.readInt32BE(STAT_OFFSET.cversion);
      this.aversion = raw.readInt32BE(STAT_OFFSET.aversion);
      this.dataLength = raw.readInt32BE(STAT_OFFSET.dataLength);
      this.numChildren = raw.readInt32BE(STAT_OFFSET.numChildren);
      return STAT_BYTES;
    },
  });
  LeanStat.prototype = statProto;

  interface LeanGetDataFields {
    data: Buffer | undefined;
    stat: object;
  }
  function LeanGetDataResponse(this: LeanGetDataFields, ...args: unknown[]): object | void {
    if (args.length > 0) return new OriginalGetData(...args);
    (this as unknown as { specification: unknown }).specification = getDataSpec;
    (this as unknown as { chrootPath: unknown }).chrootPath = undefined;
    this.data = undefined;
    this.stat = new (LeanStat as unknown as RecordClass)();
  }
  const getDataProto = Object.create(OriginalGetData.prototype) as object;
  Object.defineProperty(getDataProto, 'deserialize', {
    configurable: true,
    writable: true,
    value: function deserialize(this: LeanGetDataFields, buffer: Buffer, offset: number): number {
      checkRange(buffer, offset, 4);
      let at = offset + 4;
      const length = buffer.readInt32BE(offset);
      if (length === -1) {
        this.data = undefined;
      } else {
        // like the library: a copy (never a view that would keep the socket's chunk alive), zero-filled
        // when the stream is short; pooled, not a backing store of its own
        const data = at + length <= buffer.length ? Buffer.allocUnsafe(length) : Buffer.alloc(length);
        buffer.copy(data, 0, at, at + length);
        this.data = data;
        at += length;
      }
      const stat = new (LeanStat as unknown as RecordClass)() as LeanStatFields & { deserialize(b: Buffer, o: number): number };
      at += stat.deserialize(buffer, at);
      this.stat = stat;
      return at - offset;
    },
  });
  LeanGetDataResponse.prototype = getDataProto;

  return { Stat: LeanStat as unknown as RecordClass, GetDataResponse: LeanGetDataResponse as unknown as RecordClass };
}
