/**
 * GET/POST/DELETE /api/silences (docs/contract.md §3), Alertmanager API v2 shapes. Writes need the API token.
 * Mount with createHttpApp({ routers: [silencesRouter(...), alertsRouter(...)] }).
 */
import type { Response } from 'express';
import { Router } from '../../collector/http/express.ts';
import { requireToken } from '../../collector/http/server.ts';
import { parseSilence } from '../silences/schema.ts';
import { gettableSilence, SilenceError, type Silences } from '../silences/silences.ts';

export interface SilencesRouterDeps {
  silences: Silences;
  apiToken?: string;
  now(): number;
}

function fail(res: Response, err: unknown): void {
  if (err instanceof SilenceError) res.status(err.status).json({ error: err.message });
  else throw err;
}

export function silencesRouter(deps: SilencesRouterDeps): Router {
  const router = Router();
  const guard = requireToken(deps.apiToken);

  router.get('/api/silences', (_req, res) => {
    const now = deps.now();
    res.json(deps.silences.list().map((s) => gettableSilence(s, now)));
  });

  router.get('/api/silences/:id', (req, res) => {
    const s = deps.silences.get(String(req.params.id));
    if (!s) res.status(404).json({ error: `no silence ${JSON.stringify(req.params.id)}` });
    else res.json(gettableSilence(s, deps.now()));
  });

  router.post('/api/silences', guard, (req, res) => {
    const parsed = parseSilence(req.body);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.reason });
      return;
    }
    try {
      res.json({ silenceID: deps.silences.upsert(parsed.input, deps.now()) });
    } catch (err) {
      fail(res, err);
    }
  });

  router.delete('/api/silences/:id', guard, (req, res) => {
    try {
      deps.silences.expire(String(req.params.id), deps.now());
      res.json({ status: 'expired' });
    } catch (err) {
      fail(res, err);
    }
  });

  return router;
}
