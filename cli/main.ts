/**
 * The `zkpulse` command line. Each verb's work lives in its own file and is imported only when
 * that verb runs, so `zkpulse collect --help` or a bad flag costs no more than commander itself.
 * Flags are checked (loadConfig) before a verb's module is even loaded: a bad value starts nothing. The
 * config schema itself (zod and every layout) is loaded by `collect` only (test/integration/cli-lazy-loading).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
// the defaults and the host:port check only: the config schema (zod, every layout) loads with `collect`
import { DEFAULT_HA_PATH, DEFAULT_HTTP, DEFAULT_SHARD_REPLICAS, DEFAULTS } from '../collector/config/defaults.ts';
import { parseHostPort } from '../collector/config/validators.ts';
import type { CollectFlags } from '../collector/config.ts';
import { DEMO_LAYOUTS, isDemoLayout, type DemoLayout } from '../demo/layout-names.ts';
import { UsageError, exitOnError } from './errors.ts';
import { PACKAGE_ROOT } from './package-root.ts';
import type { AgentFlags } from './agent.ts';
import type { InitFlags } from './init.ts';

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };

/** commander collector for repeatable flags: `--cluster a=/a --cluster b=/b` → ['a=/a', 'b=/b'] */
const repeat = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

// No commander defaults on collect's flags: an absent flag must not override the --config file.
function addCollect(program: Command): void {
  program
    .command('collect')
    .summary('watch ZooKeeper clusters, serve the API and write to InfluxDB')
    .description(
      'Watches one or more clusters coordinated by ZooKeeper (their master, election, workers, tasks and ' +
        'progress znodes), serves the HTTP API and dashboard, writes InfluxDB measurements and sends alert webhooks.\n\n' +
        'Every flag is also a key of the YAML --config file, in camelCase (--session-timeout is sessionTimeout, ' +
        '--cluster is the map "clusters", --webhook the list "webhook"). Flags override the file; ' +
        'ZKPULSE_<KEY> environment variables (e.g. ZKPULSE_API_TOKEN) sit in between.',
    )
    .option('--config <file>', 'YAML config file')
    .option('--zk <host:port,...>', 'ZooKeeper connect string, optionally with a /chroot')
    .option('--zk-auth <user:password>', 'digest authentication for ZooKeeper')
    .option('--session-timeout <ms>', `ZooKeeper session timeout, 1000..60000 (default: ${DEFAULTS.sessionTimeout})`)
    .option('--cluster <name=root>', 'a cluster to monitor: its name and root znode, name=root@layout for a built-in layout (repeatable)', repeat)
    .option('--influx <url>', 'InfluxDB 1.x, e.g. http://127.0.0.1:8086/zkpulse (database from the path)')
    .option('--http <host:port>', `address of the HTTP API and dashboard (default: ${DEFAULT_HTTP})`)
    .option('--allowed-hosts <names>', 'Host names the API answers besides loopback ones, comma-separated (".example.com" for subdomains, "*" for any)')
    .option('--webhook <url>', 'send alert notifications to this URL, Alertmanager format (repeatable)', repeat)
    .option('--webhook-secret <secret>', 'sign webhook bodies: X-Zkpulse-Signature: sha256=<HMAC>')
    .option('--alertmanager <url>', 'also post alerts to this Alertmanager (base URL; repeatable)', repeat)
    .option('--api-token <token>', 'Bearer token required by the API write routes (silences)')
    .option('--record <file.ndjson>', 'append every observed event to this file, for `zkpulse replay`')
    .option('--instance <name>', 'this collector\'s name in the `collector` measurement (default: host name)')
    .option('--probe-interval-ms <ms>', `how often the session is probed (default: ${DEFAULTS.probeIntervalMs})`)
    .option('--probe-timeout-ms <ms>', `a probe slower than this counts as a disconnect (default: ${DEFAULTS.probeTimeoutMs})`)
    .option('--max-data-bytes <n>', `larger znode data is not read, only counted (default: ${DEFAULTS.maxDataBytes})`)
    .option('--ha', 'high availability: collectors with the same --ha-path elect one active; the others stand by (docs/ha.md)')
    .option('--ha-path <path>', `znode path of the HA group (default: ${DEFAULT_HA_PATH})`)
    .option('--ha-mode <mode>', 'single (one active collector) or shard (the group shares the clusters; implies --ha) (default: single)')
    .option('--shard-replicas <n>', `with --ha-mode shard: collectors keeping each cluster warm to take it over, 0..3 (default: ${DEFAULT_SHARD_REPLICAS})`)
    .option('--log-format <format>', 'pretty (readable lines) or json (one object a line) (default: pretty on a terminal, json otherwise)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  zkpulse collect --zk 127.0.0.1:2181 --cluster crawler=/apps/crawler --influx http://127.0.0.1:8086/zkpulse\n' +
        '  zkpulse collect --config zkpulse.yaml --http 0.0.0.0:7070\n' +
        '\nA bad flag or config value prints one line naming it and exits with code 2.',
    )
    .action(async (flags: CollectFlags) => {
      const { loadConfig } = await import('../collector/config.ts');
      const config = loadConfig({ flags, env: process.env });
      const { runCollect } = await import('./collect.ts');
      await runCollect(config);
    });
}

function addDemo(program: Command): void {
  program
    .command('demo')
    .summary('run ZooKeeper, InfluxDB, the collector and a simulated cluster')
    .description(
      'Starts a private ZooKeeper and InfluxDB on free loopback ports (installing them from the OS packages ' +
        'on Debian/Ubuntu when run as root), the collector, and a simulated cluster: 1 master, 2 standby ' +
        'candidates and worker agents doing tasks, with a crash now and then. Prints the dashboard URL; ' +
        'Ctrl-C stops everything and removes the temporary folders.',
    )
    .addOption(new Option('--http <host:port>', 'address of the dashboard').default(DEFAULT_HTTP))
    .addOption(
      new Option('--workers <n>', 'number of simulated workers').default(8).argParser((text) => wholeNumber('--workers', text, 1, 1000)),
    )
    .addOption(
      new Option('--crash-every <ms>', 'a worker goes down about this often, mostly a crash (0 = never); its supervisor starts it again ~3 s later')
        .default(30_000)
        .argParser((text) => wholeNumber('--crash-every', text, 0, 86_400_000)),
    )
    .addOption(
      new Option('--master-crash-every <ms>', 'the master crashes about this often, so a standby takes over (0 = never)')
        .default(180_000)
        .argParser((text) => wholeNumber('--master-crash-every', text, 0, 86_400_000)),
    )
    .addOption(
      new Option('--layout <name>', `the layout the simulated cluster writes: ${DEMO_LAYOUTS.join(', ')} (as the upstream programs write it)`)
        .default('zkpulse')
        .argParser((text) => {
          if (!isDemoLayout(text)) throw new UsageError(`--layout: expected one of ${DEMO_LAYOUTS.join(', ')}, got ${JSON.stringify(text)}`);
          return text;
        }),
    )
    .action(async (opts: { http: string; workers: number; crashEvery: number; masterCrashEvery: number; layout: DemoLayout }) => {
      const http = parseHostPort(opts.http);
      if (typeof http === 'string') throw new UsageError(`--http: ${http}`);
      const { runDemo } = await import('./demo.ts');
      await runDemo({ http, workers: opts.workers, crashEveryMs: opts.crashEvery, masterCrashEveryMs: opts.masterCrashEvery, layout: opts.layout });
    });
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag}: expected a whole number ${min}..${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function addAgent(program: Command): void {
  program
    .command('agent')
    .summary('register a worker (and run for master), optionally around a command')
    .description(
      'Registers R/workers/<id> and rewrites it every heartbeat; with --candidate also runs for master ' +
        '(R/election, the leader holds R/master). With a command (after --) it runs it as a child: stdout is ' +
        'passed through line by line, and the task lines below become R/status/<task>. ' +
        'The worker is "busy" while a task runs, "ready" otherwise. When the command exits, tasks still ' +
        'running are done if it exited 0, else failed ("command exited with code N" / "command killed by ' +
        'SIGTERM"). SIGINT/SIGTERM/SIGHUP are forwarded; it exits with the command\'s exit code (128+signal ' +
        'when killed) after leaving on purpose. Without a command it runs until SIGINT/SIGTERM.\n' +
        'An unreachable ZooKeeper does not stop the command: stderr says so once per outage ("cannot reach ' +
        'ZooKeeper at <address> (<reason>); worker <id> is not registered; retrying"), and again when it ' +
        'is registered.\n' +
        'With --lock NAME the command runs only while this agent holds the lock R/locks/NAME (a job that must ' +
        'not overlap itself): it waits for the lock, runs the command in its own process group, releases the ' +
        'lock when it exits and exits with its code. If the lock is lost meanwhile (the connection to ' +
        'ZooKeeper dropped, the session expired, the node was deleted) the command\'s group gets SIGTERM at ' +
        'once, SIGKILL after a quarter of the session timeout, and the exit code is 76.',
    )
    .option('--zk <host:port,...>', 'ZooKeeper connect string, optionally with a /chroot')
    .option('--root <path>', 'the cluster root R, e.g. /apps/crawler')
    .option('--id <id>', 'this worker\'s id (the name of R/workers/<id>)')
    .option('--heartbeat <ms>', 'heartbeat period (default: 1000)')
    .option('--session-timeout <ms>', 'ZooKeeper session timeout (default: 10000)')
    .option('--candidate', 'also run for master')
    .option('--zk-auth <user:password>', 'digest auth; our nodes become creator-all + world-read')
    .option('--lock <name>', 'run the command only while holding the lock R/locks/<name>')
    .option('--lock-wait <duration>', 'with --lock: give up when not acquired within this time, e.g. 30s, 5m (default: wait as long as it takes)')
    .argument('[command...]', 'the command to run, after --')
    .addHelpText(
      'after',
      '\nTask lines on the command\'s stdout:\n' +
        '  PROGRESS <task> <done>/<total> [message]   running (done >= total > 0: done)\n' +
        '  DONE <task> [message]                      done\n' +
        '  FAILED <task> [message]                    failed\n' +
        '\nExit codes: the command\'s (128+signal when killed, 127 when it could not be started); with --lock\n' +
        '  also 75  the lock was not acquired within --lock-wait (the command did not run)\n' +
        '       76  the lock was lost while the command ran (the command was stopped)\n' +
        '  The command gets ZKPULSE_LOCK, ZKPULSE_LOCK_NODE and ZKPULSE_LOCK_TOKEN (a fencing token: larger for\n' +
        '  each later holder) in its environment.\n' +
        '\nExamples:\n' +
        '  zkpulse agent --zk 127.0.0.1:2181 --root /apps/crawler --id w1 -- ./crawl.sh\n' +
        '  zkpulse agent --zk 127.0.0.1:2181 --root /apps/crawler --id w1 -- sh -c \'echo PROGRESS t1 1/2; echo DONE t1\'\n' +
        '  zkpulse agent --zk 127.0.0.1:2181 --root /apps/crawler --id m1 --candidate\n' +
        '  zkpulse agent --zk 127.0.0.1:2181 --root /apps/crawler --id cron1 --lock nightly --lock-wait 5m -- ./nightly.sh\n',
    )
    .action(async (command: string[], flags: AgentFlags) => {
      const { parseAgentFlags, runAgent } = await import('./agent.ts');
      await runAgent(parseAgentFlags(flags, command));
    });
}

function addDashboards(program: Command): void {
  program
    .command('dashboards')
    .summary('write the Grafana dashboards as JSON')
    .description(
      'Generates the Grafana dashboards (cluster overview, tasks, collector health; InfluxDB with raw InfluxQL ' +
        'and a $cluster variable) from their TypeScript sources into --out, where Grafana\'s file provisioning ' +
        '(dashboards/provisioning/) picks them up. --check writes nothing and exits 1 when the files differ.',
    )
    .option('--out <dir>', 'output folder (default: dashboards/generated/ of the package)')
    .option('--check', 'only compare the files in --out with what would be generated')
    .action(async (opts: { out?: string; check?: boolean }) => {
      const { DEFAULT_DASHBOARDS_DIR, runDashboards } = await import('./dashboards.ts');
      process.exitCode = runDashboards({ out: opts.out ?? DEFAULT_DASHBOARDS_DIR, check: opts.check === true });
    });
}

function addReplay(program: Command): void {
  program
    .command('replay')
    .summary('run a recording through the alert rules in virtual time')
    .description(
      'Feeds a recording made with `collect --record` through the same models, rules and notifier as ' +
        '`collect`, in virtual time (as fast as the CPU allows), and prints each notification that would have ' +
        'been sent as one JSON line: receiver, groupKey, status, alerts, at. The same input gives the same bytes. ' +
        'Several files are replayed in the order given (oldest first: f.2.ndjson f.1.ndjson f.ndjson). ' +
        'A bad line stops the replay with its file and line number and exit code 2, unless --skip-bad.',
    )
    .argument('<files...>', 'recordings (NDJSON, schema v1)')
    .option('--config <file>', 'the collect YAML: clusters, alerts, webhook receivers (default: clusters of the recording, default rules)')
    .option('--influx <url>', 'also write the measurements to this InfluxDB at their original times (backfill)')
    .option('--skip-bad', 'report bad lines on stderr and go on')
    .option('--tail <duration>', 'virtual time to run on after the last event, e.g. 30s, 10m (default: 10m)')
    .addHelpText('after', '\nExample:\n  zkpulse replay incident.ndjson --config zkpulse.yaml > notifications.ndjson\n')
    .action(async (files: string[], flags: { config?: string; influx?: string; skipBad?: boolean; tail?: string }) => {
      const { runReplay } = await import('./replay.ts');
      await runReplay({ files, flags });
    });
}

function addInit(program: Command): void {
  program
    .command('init')
    .summary('create a cluster root with digest ACLs for agents and the collector')
    .description(
      'Creates R and R/election, R/workers, R/tasks, R/assign, R/status with digest ACLs: the agents may ' +
        'create and delete nodes there, the collector may read, anyone else nothing (no forged R/master, no ' +
        'deleted worker). Idempotent: a re-run fixes the ACLs of existing nodes. The table is in docs/security.md.',
    )
    .option('--zk <host:port,...>', 'ZooKeeper connect string, optionally with a /chroot')
    .option('--root <path>', 'the cluster root R, e.g. /apps/crawler')
    .option('--collector-auth <user:password>', 'the collector\'s digest credentials (its --zk-auth): read')
    .option('--agent-auth <user:password>', 'the agents\' digest credentials (their --zk-auth): create and delete')
    .option('--admin-auth <user:password>', 'credentials that may change the ACLs (default: the agent ones)')
    .option('--session-timeout <ms>', 'ZooKeeper session timeout (default: 10000)')
    .addHelpText(
      'after',
      '\nExample:\n  zkpulse init --zk 127.0.0.1:2181 --root /apps/crawler --collector-auth zkpulse:s3cret --agent-auth crawler:an0ther\n',
    )
    .action(async (flags: InitFlags) => {
      const { parseInitFlags, runInit } = await import('./init.ts');
      await runInit(parseInitFlags(flags));
    });
}

export function buildProgram(): Command {
  const program = new Command('zkpulse')
    .description('Monitoring and heartbeat service for systems coordinated by Apache ZooKeeper')
    .version(pkg.version)
    .showSuggestionAfterError(true);
  addCollect(program);
  addDemo(program);
  addDashboards(program);
  addAgent(program);
  addInit(program);
  addReplay(program);
  // Errors are thrown (not printed and exited) everywhere, so exitOnError makes them one line + exit 2.
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ outputError: () => {} });
    command.commands.forEach(quiet);
  };
  quiet(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  exitOnError(err);
}
