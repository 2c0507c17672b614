/**
 * ConfigChanged (severity info, off by default): a notice per change of a configuration key (docs/contract.md
 * §9), one instance per key (label `key`). The memory notes each change from the evaluation that saw it
 * (../engine/memory-recipes.ts); the notice holds for `keep` (5 m) from the key's latest change, then
 * resolves, so the next change of the same key fires again. Keys found on the first sync are no change.
 * Annotations: version, bytes, a short digest and the changed field names (keys that opt in to a diff),
 * never the data.
 */
import { condition, iso, type Condition, type ZkRule } from './types.ts';

/** digest characters shown (of sha256's 64): enough to tell versions apart by eye */
const SHORT_DIGEST = 12;

export const configChanged: ZkRule<'ConfigChanged'> = ({ model, config, memory, now }) => {
  if (memory.configSeen.size === 0) return [];
  const out: Condition[] = [];
  for (const [key, seen] of memory.configSeen) {
    if (seen.noticeAt === null || now - seen.noticeAt >= config.keep) continue;
    const change = seen.change ?? 'changed';
    const digest = seen.digest === null ? '' : seen.digest.slice(0, SHORT_DIGEST);
    const fields = seen.changedFields === undefined ? null : seen.changedFields.join(',');
    const what =
      change === 'deleted'
        ? 'was deleted'
        : `was ${change}: version ${seen.version}, ${seen.bytes} bytes${digest === '' ? '' : `, sha256 ${digest}…`}${fields === null ? '' : ` (fields changed: ${fields === '' ? 'none' : fields})`}`;
    const c = condition('ConfigChanged', model.name, config.severity, {}, {
      summary: `Configuration ${key} of ${model.name} ${change}`,
      description: `${key} ${what}, seen at ${iso(seen.noticeAt)}.`,
      change,
      version: String(seen.version),
      bytes: String(seen.bytes),
      digest,
      ...(fields === null ? {} : { changed_fields: fields }),
    });
    out.push({ ...c, labels: { ...c.labels, key }, activeSince: seen.noticeAt });
  }
  return out;
};
