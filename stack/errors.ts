/** Thrown when ZooKeeper / InfluxDB are not on this machine and cannot be installed here. One-line message. */
export class ServicesMissingError extends Error {
  override name = 'ServicesMissingError';
}

/** A service did not become ready in time, or died while starting. The message carries its log tail. */
export class ServiceStartError extends Error {
  override name = 'ServiceStartError';
}

/** True when a start failed because another process took the port between freePort() and bind(). */
export function isPortClash(error: unknown): boolean {
  return error instanceof ServiceStartError && /address already in use|BindException/i.test(error.message);
}
