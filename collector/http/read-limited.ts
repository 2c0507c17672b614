/**
 * Reads at most `maxBytes` of an HTTP reply's body and cancels the rest, so a peer that answers with
 * a huge (or endless) body costs a few KB, not the collector's memory. Never throws: a body that
 * fails half-way gives what was read.
 */

/** how much of a webhook or Alertmanager reply is read (the rest is dropped unread) */
export const REPLY_BODY_LIMIT_BYTES = 4096;

export async function readLimited(res: Response, maxBytes: number = REPLY_BODY_LIMIT_BYTES): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // a reply cut off or timed out half-way: keep what arrived
  } finally {
    // dropping the rest closes the connection instead of reading it to the end
    await reader.cancel().catch(() => undefined);
  }
  const bytes = Buffer.concat(chunks, size);
  // a character cut in two at the limit decodes as U+FFFD
  return new TextDecoder().decode(bytes.subarray(0, Math.min(size, maxBytes)));
}
