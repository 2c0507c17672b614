/**
 * `zkpulse init`: prepares a cluster root R for digest ACLs (collector/init). Creates R and
 * R/{election,workers,tasks,assign,status}, or fixes their ACLs when they exist; prints one line per node.
 */
import { checkUserPassword, checkZkConnect, checkZkPath } from '../collector/config/validators.ts';
import { applyInit, type InitResult } from '../collector/init/apply.ts';
import type { InitIdentities } from '../collector/init/acl-plan.ts';
import { UsageError } from './errors.ts';
import { PlainSession } from '../zk/plain-session.ts';

export interface InitFlags {
  zk?: string;
  root?: string;
  collectorAuth?: string;
  agentAuth?: string;
  adminAuth?: string;
  sessionTimeout?: string;
}

export interface InitOptions {
  zk: string;
  root: string;
  ids: InitIdentities;
  sessionTimeout: number;
}

/** Checks the flags; any problem is a UsageError naming the flag. Pure. */
export function parseInitFlags(flags: InitFlags): InitOptions {
  const need = (value: string | undefined, flag: string, check: (v: string) => string | null): string => {
    if (value === undefined) throw new UsageError(`${flag}: missing`);
    const problem = check(value);
    if (problem) throw new UsageError(`${flag}: ${problem}`);
    return value;
  };
  const zk = need(flags.zk, '--zk', checkZkConnect);
  const root = need(flags.root, '--root', (v) => checkZkPath(v, 'the root'));
  const collector = need(flags.collectorAuth, '--collector-auth', checkUserPassword);
  const agent = need(flags.agentAuth, '--agent-auth', checkUserPassword);
  const admin = flags.adminAuth === undefined ? undefined : need(flags.adminAuth, '--admin-auth', checkUserPassword);
  const user = (auth: string) => auth.slice(0, auth.indexOf(':'));
  if (user(collector) === user(agent) && collector !== agent) {
    throw new UsageError('--collector-auth: the same user name as --agent-auth with another password; use distinct user names');
  }
  let sessionTimeout = 10_000;
  if (flags.sessionTimeout !== undefined) {
    if (!/^\d+$/.test(flags.sessionTimeout) || Number(flags.sessionTimeout) < 1000 || Number(flags.sessionTimeout) > 60_000) {
      throw new UsageError(`--session-timeout: expected a whole number 1000..60000, got ${JSON.stringify(flags.sessionTimeout)}`);
    }
    sessionTimeout = Number(flags.sessionTimeout);
  }
  return { zk, root, ids: { collector, agent, admin }, sessionTimeout };
}

/** Runs init; the admin identity (the agent one without --admin-auth) is the session's auth. */
export async function runInit(options: InitOptions, print: (line: string) => void = (l) => console.log(l)): Promise<InitResult[]> {
  const session = await PlainSession.open({
    connectString: options.zk,
    sessionTimeout: options.sessionTimeout,
    auth: options.ids.admin ?? options.ids.agent,
  }).catch((err: unknown) => {
    throw new Error(`init: ${err instanceof Error ? err.message : String(err)}`);
  });
  try {
    const results = await applyInit(session.ops, options.root, options.ids);
    for (const r of results) print(`${r.action.padEnd(7)} ${r.path}`);
    return results;
  } finally {
    await session.close();
  }
}
