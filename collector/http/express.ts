/**
 * express, loaded on first use. The collector builds its routers only when the HTTP API starts, after the
 * ZooKeeper session has begun connecting; a static `import 'express'` in the route modules would load
 * express and its ~60 CommonJS files before the collector could start anything (bench/cold-start), and in
 * every process that merely imports a route module. express is CommonJS, so require() gives it at once:
 * `Router()` stays synchronous. Types come from 'express' itself (erased at run time).
 */
import { createRequire } from 'node:module';
import type { Router as ExpressRouter, RouterOptions } from 'express';

type ExpressModule = typeof import('express');

const require = createRequire(import.meta.url);
let loaded: ExpressModule | undefined;

/** the express module (loaded by the first call) */
export function expressModule(): ExpressModule {
  loaded ??= require('express') as ExpressModule;
  return loaded;
}

export type Router = ExpressRouter;

/** express.Router(), loading express on the first call */
export function Router(options?: RouterOptions): ExpressRouter {
  return expressModule().Router(options);
}
