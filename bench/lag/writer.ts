/** Runs writer-thread.ts in a worker thread (with tsx's loader) and resolves with its records. */
import { Worker } from 'node:worker_threads';
import type { WriterParams, WriterResult } from './writer-thread.ts';

export function runWriter(params: WriterParams): Promise<WriterResult> {
  const script = new URL('./writer-thread.ts', import.meta.url).href;
  const api = import.meta.resolve('tsx/esm/api');
  // A worker thread does not inherit tsx's hooks: register them, then import the TypeScript entry.
  const boot = `import(${JSON.stringify(api)}).then((a) => { a.register(); return import(${JSON.stringify(script)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: params });
  return new Promise((resolve, reject) => {
    worker.once('message', (r: WriterResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`writer thread exited (${code}) without a result`)));
  });
}
