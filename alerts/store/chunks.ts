/** How a state blob is laid out in znodes. Pure. */
import { z } from 'zod';

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

/** at most this many chunks (with the default chunk size: 64 MB): a manifest asking for more is refused */
export const MAX_CHUNKS = 128;

const manifestSchema = z.union([
  z.object({ format: z.literal(1), chunks: z.literal(0), value: z.unknown() }),
  z.object({ format: z.literal(1), chunks: z.number().int().min(1).max(MAX_CHUNKS), gen: z.string().regex(/^[A-Za-z0-9]{1,32}$/), bytes: z.number().int().min(0) }),
]);

/**
 * Reads a key node's data; null for an empty (just created) node. Throws an Error naming the problem
 * on anything a zkpulse state store would not have written.
 */
export function parseManifest(data: Buffer | undefined): Manifest | null {
  if (!data || data.length === 0) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new Error(`not a zkpulse state node: not JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`not a zkpulse state node: expected {"format":1,"chunks":0,"value":...} or a chunk manifest`);
  return parsed.data as Manifest;
}
