/**
 * haMode shard: the `engine` state key is shared by the group, and each collector is the authority only
 * for the units it acts for. Pure: from our serialized engine state and the stored one, keep ours for our
 * units and theirs for every other (alerts by their unit, rule memory by cluster).
 */
interface PersistedLike {
  version: number;
  alerts: { labels: Record<string, string> }[];
  memory: [string, unknown][];
}

function parse(value: unknown): PersistedLike | null {
  try {
    const v = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<PersistedLike> | null;
    if (!v || !Array.isArray(v.alerts) || !Array.isArray(v.memory)) return null;
    return v as PersistedLike;
  } catch {
    return null;
  }
}

export function mergeEngineByUnit(
  ours: unknown,
  theirs: unknown,
  mine: (unit: string) => boolean,
  unitOf: (labels: Readonly<Record<string, string>>) => string | null,
): string {
  const o = parse(ours);
  const t = parse(theirs);
  if (!o) return typeof theirs === 'string' ? theirs : JSON.stringify(theirs ?? null);
  if (!t) return typeof ours === 'string' ? ours : JSON.stringify(ours);
  const ourAlert = (labels: Record<string, string>) => {
    const unit = unitOf(labels);
    return unit !== null && mine(unit);
  };
  return JSON.stringify({
    version: o.version,
    alerts: [...t.alerts.filter((a) => !ourAlert(a.labels)), ...o.alerts.filter((a) => ourAlert(a.labels))],
    memory: [...t.memory.filter(([c]) => !mine(c)), ...o.memory.filter(([c]) => mine(c))],
  });
}
