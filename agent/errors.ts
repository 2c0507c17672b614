/** A bad argument to the agent library: thrown synchronously, before anything is written. */
export class AgentArgumentError extends Error {
  override readonly name = 'AgentArgumentError';
}

/** The agent was closed; calls that would write are refused. */
export class AgentClosedError extends Error {
  override readonly name = 'AgentClosedError';
  constructor(what: string) {
    super(`${what}: the agent is closed`);
  }
}

/** ZooKeeper could not be reached (reported on errors$ once per outage; the agent keeps retrying). */
export class ZooKeeperUnreachableError extends Error {
  override readonly name = 'ZooKeeperUnreachableError';
}
