/** `GET /api/ensembles` (docs/contract.md §10; view.ts builds the answer). */
import { Router } from '../http/express.ts';
import type { ClusterModel } from '../model/types.ts';
import { ensemblesView } from './view.ts';
import type { EnsembleSnapshot } from './types.ts';

export function ensemblesRouter(latest: () => readonly EnsembleSnapshot[], modelsOf: (ensemble: string) => readonly ClusterModel[]): Router {
  const router = Router();
  router.get('/api/ensembles', (_req, res) => {
    res.json(ensemblesView(latest(), modelsOf));
  });
  return router;
}
