import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trackTempDir, untrackTempDir } from './registry.ts';

/** A fresh `zkpulse-<what>-XXXXXX` dir under os.tmpdir(), removed at exit unless removed before. */
export async function makeTempDir(what: string): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `zkpulse-${what}-`));
  trackTempDir(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await fs.promises.rm(dir, { recursive: true, force: true });
  untrackTempDir(dir);
}
