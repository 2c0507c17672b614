/** Runs writer-thread.ts in a worker thread (with tsx's loader) and resolves with its records. */
import { Worker } from 'node:worker_threads';
import type { LoadWriterParams, LoadWriterResult } from './writer-thread.ts';

export function runLoadWriter(params: LoadWriterParams): Promise<LoadWriterResult> {
  return startLoadWriter(params).done;
}

/** A writer that can be stopped before its `seconds` are up (`bench page`: a load as long as the measurements). */
export interface RunningLoadWriter {
  /** the records, once the thread has stopped and every write sent was acknowledged */
  done: Promise<LoadWriterResult>;
  /** stop sending; `done` then resolves with the writes sent so far */
  stop(): void;
}

export function startLoadWriter(params: LoadWriterParams): RunningLoadWriter {
  const script = new URL('./writer-thread.ts', import.meta.url).href;
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((a) => { a.register(); return import(${JSON.stringify(script)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: params });
  const done = new Promise<LoadWriterResult>((resolve, reject) => {
    worker.once('message', (r: LoadWriterResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load writer thread exited (${code}) without a result`)));
  });
  return { done, stop: () => worker.postMessage('stop') };
}
