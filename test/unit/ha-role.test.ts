/** The pure parts of collector HA: role from leadership, role-switch steps that never overlap, the group's paths. */
import test from 'ava';
import { roleOf } from '../../server/ha/role.ts';
import { nextStep, RoleSwitch } from '../../server/ha/role-switch.ts';
import { haPaths } from '../../server/ha/collector-election.ts';
import { orderCandidates } from '../../zk/election-order.ts';

test('only a leader is active; suspended is standby (the session may already be gone)', (t) => {
  t.is(roleOf('leader'), 'active');
  for (const s of ['follower', 'suspended', 'lost', null] as const) t.is(roleOf(s), 'standby');
});

test('nextStep', (t) => {
  t.is(nextStep('standby', 'active'), 'activate');
  t.is(nextStep('active', 'standby'), 'deactivate');
  t.is(nextStep('active', 'active'), null);
});

test('RoleSwitch: steps run one at a time and end at the last wanted role; changes that cancel out cost nothing', async (t) => {
  const log: string[] = [];
  let running = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sw = new RoleSwitch({
    activate: async () => {
      running++;
      t.is(running, 1, 'never two steps at once');
      log.push('activate');
      await gate;
      running--;
    },
    deactivate: async () => {
      running++;
      t.is(running, 1);
      log.push('deactivate');
      running--;
    },
  });
  void sw.want('active');
  void sw.want('standby');
  void sw.want('active');
  void sw.want('standby');
  release();
  await sw.idle();
  t.deepEqual(log, ['activate', 'deactivate']);
  t.is(sw.role, 'standby');
  void sw.want('standby');
  await sw.idle();
  t.deepEqual(log, ['activate', 'deactivate'], 'already standby: nothing to do');
});

test('RoleSwitch: a failed activation leaves it standby and is tried again', async (t) => {
  let tries = 0;
  const retries: (() => void)[] = [];
  const sw = new RoleSwitch({
    activate: async () => {
      tries++;
      if (tries === 1) throw new Error('state not loadable');
    },
    deactivate: async () => undefined,
    later: (_ms, fn) => retries.push(fn),
  });
  await sw.want('active');
  t.is(sw.role, 'standby');
  t.is(retries.length, 1);
  retries[0]!();
  await sw.idle();
  t.is(sw.role, 'active');
  t.is(tries, 2);
});

test('haPaths: candidates under the path, the active node beside them is no candidate', (t) => {
  const p = haPaths('/zkpulse/collectors/default');
  t.deepEqual(p, { candidates: '/zkpulse/collectors/default', leader: '/zkpulse/collectors/default/active' });
  t.deepEqual(orderCandidates(['active', 'n_0000000002', 'n_0000000001']), ['n_0000000001', 'n_0000000002']);
});
