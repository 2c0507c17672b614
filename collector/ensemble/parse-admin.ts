/**
 * Parsers of ZooKeeper 3.8's AdminServer answers (`/commands/monitor`, `/commands/stats`,
 * `/commands/connections`), already JSON-parsed by zk/admin-server.ts (64-bit ids as decimal strings).
 * Real outputs in test/fixtures/zookeeper/. Pure and validated with zod; bad fields become nulls, never an exception.
 */
import { z } from 'zod';
import type { ClientConnection } from './types.ts';
import type { MntrReading } from './parse-four-letter.ts';
import { addressOf, metricsFrom, modeOf, sessionOf, zxidOf } from './parse-values.ts';

/** `/commands/monitor`: the mntr keys without `zk_`; null when it is not an object. */
export function parseMonitor(answer: unknown): MntrReading | null {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return null;
  const record = answer as Record<string, unknown>;
  return { mode: modeOf(record.server_state), metrics: metricsFrom((key) => record[key]) };
}

const statsSchema = z.looseObject({ server_stats: z.looseObject({ last_processed_zxid: z.unknown(), server_state: z.unknown() }) });

/** `/commands/stats`: the last processed zxid (decimal) and the mode. */
export function parseStats(answer: unknown): { zxid: string | null; mode: ReturnType<typeof modeOf> } | null {
  const parsed = statsSchema.safeParse(answer);
  if (!parsed.success) return null;
  return { zxid: zxidOf(parsed.data.server_stats.last_processed_zxid), mode: modeOf(parsed.data.server_stats.server_state) };
}

const connectionSchema = z.looseObject({ remote_socket_address: z.unknown(), session_id: z.unknown() });
const connectionsSchema = z.looseObject({ connections: z.array(z.unknown()).optional(), secure_connections: z.array(z.unknown()).optional() });

/** `/commands/connections`: plain and TLS connections with a session; entries that do not parse are left out. */
export function parseAdminConnections(answer: unknown, server: string): ClientConnection[] | null {
  const parsed = connectionsSchema.safeParse(answer);
  if (!parsed.success) return null;
  const out: ClientConnection[] = [];
  for (const entry of [...(parsed.data.connections ?? []), ...(parsed.data.secure_connections ?? [])]) {
    const connection = connectionSchema.safeParse(entry);
    if (!connection.success) continue;
    const address = addressOf(connection.data.remote_socket_address);
    const session = sessionOf(connection.data.session_id);
    if (address && session) out.push({ server, address, session });
  }
  return out;
}
