/**
 * GET / — the live page (docs/contract.md §3): one static HTML file, one vanilla JS file, one CSS file and
 * an SVG icon (also at /favicon.ico, where browsers look by default), served as they are (no build step). The page talks to /api on the same origin, so it fits the
 * strict CSP of security.ts: no inline script or style anywhere.
 */
import { readFileSync } from 'node:fs';
import { Router } from '../express.ts';

const STATIC = new URL('./static/', import.meta.url);

/** URL path → [file name, content type]. */
export const LIVE_PAGE_FILES: Readonly<Record<string, readonly [string, string]>> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/live/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/live/style.css': ['style.css', 'text/css; charset=utf-8'],
  '/live/ensembles.js': ['ensembles.js', 'text/javascript; charset=utf-8'],
  '/live/elsewhere.js': ['elsewhere.js', 'text/javascript; charset=utf-8'],
  '/live/ensembles.css': ['ensembles.css', 'text/css; charset=utf-8'],
  '/live/favicon.svg': ['favicon.svg', 'image/svg+xml'],
  '/favicon.ico': ['favicon.svg', 'image/svg+xml'],
};

/** The page's router; files are read once, when it is created. */
export function livePageRouter(): Router {
  const router = Router();
  for (const [path, [file, type]] of Object.entries(LIVE_PAGE_FILES)) {
    const body = readFileSync(new URL(file, STATIC));
    router.get(path, (_req, res) => {
      res.type(type).send(body);
    });
  }
  return router;
}
