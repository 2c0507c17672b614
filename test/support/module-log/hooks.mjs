/** The module.register() hooks of ./register.mjs: appends each loaded module's URL to `data.file`. */
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, nextLoad) {
  // synchronous, so the line is written even when the process exits right after this module runs
  appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
