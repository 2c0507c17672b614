/** How a state blob is laid out in znodes. Pure. */

/** Blobs up to this many bytes are stored inline; bigger ones in chunk nodes of this size (ZooKeeper's limit is 1 MB). */
export const DEFAULT_CHUNK_BYTES = 500_000;

/** The key node's data: the value inline, or where its chunks are. */
export type Manifest = { format: 1; chunks: 0; value: unknown } | { format: 1; chunks: number; gen: string; bytes: number };

/** Splits a UTF-8 buffer into pieces of at most `size` bytes. */
export function splitChunks(blob: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < blob.length; i += size) out.push(blob.subarray(i, i + size));
  return out;
}

export function chunkName(gen: string, index: number): string {
  return `${gen}-${String(index).padStart(6, '0')}`;
}

/** The key node's data for a blob: inline when small enough. */
export function manifestFor(json: string, size: number, gen: string): { manifest: Buffer; chunks: Buffer[] } {
  const blob = Buffer.from(json, 'utf8');
  if (blob.length <= size) return { manifest: Buffer.from(`{"format":1,"chunks":0,"value":${json}}`, 'utf8'), chunks: [] };
  const chunks = splitChunks(blob, size);
  const m: Manifest = { format: 1, chunks: chunks.length, gen, bytes: blob.length };
  return { manifest: Buffer.from(JSON.stringify(m), 'utf8'), chunks };
}

/** Reads a key node's data; null for an empty (just created) node. Throws on garbage. */
export function parseManifest(data: Buffer | undefined): Manifest | null {
  if (!data || data.length === 0) return null;
  const m = JSON.parse(data.toString('utf8')) as Manifest;
  if (m?.format !== 1 || typeof m.chunks !== 'number') throw new Error('not a zkpulse state node');
  return m;
}
