/** Runs writer-thread.ts in a worker thread (with tsx's loader) and resolves with its records. */
import { Worker } from 'node:worker_threads';
import type { LoadWriterParams, LoadWriterResult } from './writer-thread.ts';

export function runLoadWriter(params: LoadWriterParams): Promise<LoadWriterResult> {
  const script = new URL('./writer-thread.ts', import.meta.url).href;
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((a) => { a.register(); return import(${JSON.stringify(script)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: params });
  return new Promise((resolve, reject) => {
    worker.once('message', (r: LoadWriterResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load writer thread exited (${code}) without a result`)));
  });
}
