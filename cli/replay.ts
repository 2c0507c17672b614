/** `zkpulse replay`: run a recording through the rules in virtual time, print the notifications as NDJSON. */
import { existsSync } from 'node:fs';
import { InfluxWriter } from '../collector/influx/writer.ts';
import { parseDuration } from '../alerts/config.ts';
import { ConfigError } from '../collector/config.ts';
import { clustersInRecordings, loadReplayConfig } from '../replay/config.ts';
import { BadRecordError, DEFAULT_TAIL_MS, replay, type PointSink } from '../replay/replay.ts';
import { UsageError } from './errors.ts';

export interface ReplayFlags {
  config?: string;
  influx?: string;
  skipBad?: boolean;
  tail?: string;
}

export interface ReplayRun {
  files: string[];
  flags: ReplayFlags;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

function tailOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TAIL_MS;
  const ms = parseDuration(text);
  if (typeof ms === 'string') throw new UsageError(`--tail: ${ms}`);
  return ms;
}

/** Backfill with back-pressure: wait while the writer holds more than a batch or two. */
function influxSink(writer: InfluxWriter): PointSink {
  return {
    write: (points) => writer.write(points),
    async drain() {
      while (writer.stats().buffered > 20_000) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}

export async function runReplay(run: ReplayRun): Promise<void> {
  const out = run.out ?? process.stdout;
  const err = run.err ?? process.stderr;
  for (const file of run.files) if (!existsSync(file)) throw new UsageError(`replay: no such file ${JSON.stringify(file)}`);
  const tailMs = tailOf(run.flags.tail);
  const config = loadReplayConfig(run.flags.config, () => clustersInRecordings(run.files));
  // only --influx backfills: the config file's `influx` is the live database, never written by a replay
  let writer: InfluxWriter | null = null;
  if (run.flags.influx !== undefined) {
    try {
      writer = new InfluxWriter({ url: run.flags.influx, maxBuffer: 1_000_000 });
    } catch (e) {
      throw new UsageError(`--influx: ${(e as Error).message}`);
    }
    void writer.start();
  }
  try {
    const result = await replay({
      files: run.files,
      config,
      tailMs,
      skipBad: run.flags.skipBad === true,
      onBadLine: (message) => err.write(`${message}\n`),
      points: writer ? influxSink(writer) : undefined,
    });
    out.write(result.notifications.map((n) => JSON.stringify(n) + '\n').join(''));
  } catch (e) {
    if (e instanceof BadRecordError || e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  } finally {
    await writer?.close(30_000);
  }
}
