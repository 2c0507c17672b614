/**
 * `curator-service-discovery` (docs/contract.md §8): curator-x-discovery's registry under the base path.
 * `R/<service>/<id>` holds the ServiceInstance as JSON; each instance is a member keyed `<service>/<id>`,
 * its service kept in `meta.service` so a view can group by it (one member group per service). Follows
 * apache/curator ServiceDiscoveryImpl.java, JsonInstanceSerializer.java, ServiceInstance.java at
 * 88dee99a8592 (5.9.0-10), as read in contract/layouts/curator-discovery.ts. No leader, no candidates.
 */
import type { Decoded, Layout, MemberData, NodeClass } from '../layout.ts';
import { decodeCuratorServiceInstance } from '../layouts/curator-discovery.ts';
import { decodeText, layoutPaths, memberData, NO_BEAT_NO_TASKS, NO_CANDIDATE, NO_LEADER, NO_STATUS, NO_TASK, partsOf } from './common.ts';

const ROOT: NodeClass = { role: 'root' };
const OTHER: NodeClass = { role: 'other' };

function classify(rel: string): NodeClass {
  const parts = partsOf(rel);
  if (parts === null) return OTHER;
  const [service] = parts;
  if (parts.length === 0) return ROOT;
  if (parts.length === 1 && service !== undefined) return { role: 'container', holds: 'member', group: service };
  if (parts.length === 2) return { role: 'member', id: rel };
  return OTHER;
}

const member = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<MemberData> =>
  decodeText(data, dataLength, bytes, decodeCuratorServiceInstance, (i) =>
    memberData({
      id: i.id,
      host: i.address,
      startedAt: i.registrationTimeUTC,
      meta: { service: i.name, port: i.port, sslPort: i.sslPort, serviceType: i.serviceType, uriSpec: i.uriSpec, enabled: i.enabled, payload: i.payload },
    }),
  );

export const curatorServiceDiscoveryLayout: Layout = {
  name: 'curator-service-discovery',
  // R/<service>/<id>: the root holds one container per service
  watch: { containers: [{ path: '', depth: 2 }], leaves: [] },
  classify,
  paths: layoutPaths({ member: (id) => id }),
  decode: { leader: NO_LEADER, candidate: NO_CANDIDATE, member, status: NO_STATUS, task: NO_TASK },
  capabilities: { ...NO_BEAT_NO_TASKS, splitBrain: false },
  leaderRule: 'node',
};
