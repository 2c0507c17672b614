export interface InfluxConfig {
  httpPort: number;
  /** The meta/backup RPC service port (top-level bind-address). */
  rpcPort: number;
  metaDir: string;
  dataDir: string;
  walDir: string;
}

/** influxd (1.x) TOML config: loopback only, no reporting, no self-monitoring, no other listeners. */
export function influxdConfig(config: InfluxConfig): string {
  const q = (value: string): string => JSON.stringify(value);
  return `# written by zkpulse stack/
reporting-disabled = true
bind-address = ${q(`127.0.0.1:${config.rpcPort}`)}

[meta]
  dir = ${q(config.metaDir)}
  logging-enabled = false

[data]
  dir = ${q(config.dataDir)}
  wal-dir = ${q(config.walDir)}
  query-log-enabled = false
  wal-fsync-delay = "100ms"

[http]
  enabled = true
  bind-address = ${q(`127.0.0.1:${config.httpPort}`)}
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  log-enabled = false

[[graphite]]
  enabled = false

[[collectd]]
  enabled = false

[[opentsdb]]
  enabled = false

[[udp]]
  enabled = false
`;
}
