/** JSON answers for unknown routes and for errors; a stack trace never reaches the client. */
import type { ErrorRequestHandler, RequestHandler } from 'express';

export interface ErrorLog {
  error(obj: object, msg?: string): void;
}

export function notFound(): RequestHandler {
  return (req, res) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path}` });
  };
}

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  message?: unknown;
  limit?: unknown;
}

function statusOf(err: HttpishError): number {
  const status = typeof err.status === 'number' ? err.status : err.statusCode;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
}

/** Message for a client error: body-parser's known failures get a clear wording. */
function clientMessage(err: HttpishError, status: number): string {
  if (err.type === 'entity.too.large') return `request body too large (limit ${String(err.limit)} bytes)`;
  if (err.type === 'entity.parse.failed') return 'request body is not valid JSON';
  if (err.expose === true && typeof err.message === 'string') return err.message;
  return status === 404 ? 'not found' : 'bad request';
}

export function errorHandler(log?: ErrorLog): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const e = (typeof err === 'object' && err !== null ? err : {}) as HttpishError;
    const status = statusOf(e);
    if (status >= 500) log?.error({ err, method: req.method, path: req.path }, 'http request failed');
    res.status(status).json({ error: status >= 500 ? 'internal error' : clientMessage(e, status) });
  };
}
