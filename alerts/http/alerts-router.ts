/** GET /api/alerts (docs/contract.md §3): the pending and firing alerts. */
import { Router } from '../../collector/http/express.ts';
import type { AlertInstance } from '../types.ts';

export interface ActiveAlertView {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  startsAt: string;
  fingerprint: string;
}

/** Pure: the active (pending/firing) alerts as the API shows them. */
export function activeAlertsView(alerts: readonly AlertInstance[]): ActiveAlertView[] {
  return alerts
    .filter((a): a is AlertInstance & { state: 'pending' | 'firing' } => a.state !== 'resolved')
    .map((a) => ({
      labels: { ...a.labels },
      annotations: { ...a.annotations },
      state: a.state,
      startsAt: new Date(a.startsAt).toISOString(),
      fingerprint: a.fingerprint,
    }));
}

export function alertsRouter(deps: { getAlerts(): readonly AlertInstance[] }): Router {
  const router = Router();
  router.get('/api/alerts', (_req, res) => {
    res.json(activeAlertsView(deps.getAlerts()));
  });
  return router;
}
