/**
 * Curator service discovery (curator-x-discovery): one znode per instance, `<basePath>/<service name>/<instance id>`,
 * data = the ServiceInstance as JSON.
 *
 * Upstream read: apache/curator at 88dee99a8592 (5.9.0-10; Debian 5.4.0 writes the same fields):
 * - curator-x-discovery/.../details/ServiceDiscoveryImpl.java: internalRegisterService creates
 *   pathForInstance(name, id) = ZKPaths.makePath(pathForName(name), id); DYNAMIC → EPHEMERAL,
 *   DYNAMIC_SEQUENTIAL → EPHEMERAL_SEQUENTIAL (the id then gets ZooKeeper's number), else PERSISTENT.
 * - curator-x-discovery/.../details/JsonInstanceSerializer.java: Jackson; by default ("compatible" mode) it
 *   writes OldServiceInstance: name, id, address, port, sslPort, payload, registrationTimeUTC, serviceType,
 *   uriSpec — without `enabled` (CURATOR-275); a non-compatible serializer adds `enabled`.
 * - curator-x-discovery/.../ServiceInstance.java: port and sslPort are Integer (null when unset), the payload
 *   is typed by @JsonTypeInfo(use = CLASS) (Jackson adds "@class"), serviceType is DYNAMIC, STATIC,
 *   PERMANENT or DYNAMIC_SEQUENTIAL, uriSpec is {"parts":[{"value","variable"}...]}.
 */
import { jsonOf, type Decoded, type ZnodeText } from './decoded.ts';
import { readJsonObject } from './json-fields.ts';

export type CuratorServiceType = 'DYNAMIC' | 'STATIC' | 'PERMANENT' | 'DYNAMIC_SEQUENTIAL';
const SERVICE_TYPES: readonly CuratorServiceType[] = ['DYNAMIC', 'STATIC', 'PERMANENT', 'DYNAMIC_SEQUENTIAL'];

export interface CuratorServiceInstance {
  name: string;
  id: string;
  address: string | null;
  port: number | null;
  sslPort: number | null;
  /** Opaque: whatever the application registered (with Jackson's "@class" when it is an object). */
  payload: unknown;
  registrationTimeUTC: number | null;
  serviceType: CuratorServiceType | null;
  /** The uriSpec joined back to its template text, e.g. "{scheme}://{address}:{port}", or null. */
  uriSpec: string | null;
  /** Present only with a non-compatible serializer (CURATOR-275); null means "not written". */
  enabled: boolean | null;
}

function uriSpecText(raw: unknown): string | null {
  if (raw === null || raw === undefined || typeof raw !== 'object') return null;
  const parts = (raw as { parts?: unknown }).parts;
  if (!Array.isArray(parts)) return null;
  let text = '';
  for (const p of parts) {
    if (typeof p !== 'object' || p === null) return null;
    const { value, variable } = p as { value?: unknown; variable?: unknown };
    if (typeof value !== 'string') return null;
    text += variable === true ? `{${value}}` : value;
  }
  return text;
}

export function decodeCuratorServiceInstance(data: ZnodeText): Decoded<CuratorServiceInstance> {
  return readJsonObject(jsonOf(data), 'ServiceInstance', (f) => {
    return {
      name: f.string('name'),
      id: f.string('id'),
      address: f.optString('address'),
      port: f.optInt('port'),
      sslPort: f.optInt('sslPort'),
      payload: f.raw('payload') ?? null,
      registrationTimeUTC: f.optLongish('registrationTimeUTC'),
      serviceType: f.optEnum('serviceType', SERVICE_TYPES),
      uriSpec: uriSpecText(f.raw('uriSpec')),
      enabled: f.optBoolean('enabled'),
    };
  });
}
