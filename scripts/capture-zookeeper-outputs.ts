/**
 * Captures what real ZooKeeper 3.8 servers answer (four-letter words and AdminServer commands) into
 * test/fixtures/zookeeper/, for the parser tests (test/unit/ensemble-parse.test.ts): a 3-server ensemble
 * with the AdminServer on and one client session, a standalone with `4lw.commands.whitelist=ruok`.
 * Run: `npx tsx scripts/capture-zookeeper-outputs.ts` (then review the diff: session ids and ports change).
 */
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { PlainZk } from '../stack/plain-zk.ts';
import { fourLetterWord, startEnsemble, startZooKeeper } from '../stack/index.ts';
import { parseMode } from '../stack/four-letter.ts';

const out = fileURLToPath(new URL('../test/fixtures/zookeeper/', import.meta.url));

function get(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/commands/${command}`, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
}

const write = (name: string, text: string) => fs.writeFileSync(path.join(out, name), text);

const ensemble = await startEnsemble(3, { admin: true });
const client = await PlainZk.connect(ensemble.members[0]!.connectString);
try {
  await client.create('/capture', '', 'ephemeral');
  for (const member of ensemble.members) {
    const mode = parseMode(await fourLetterWord(member.port, 'srvr')) ?? 'unknown';
    for (const word of ['mntr', 'srvr', 'cons', 'ruok']) write(`${mode}-${member.port}.${word}.txt`, await fourLetterWord(member.port, word));
    for (const command of ['monitor', 'connections', 'stats']) write(`${mode}-${member.port}.${command}.json`, await get(member.adminPort!, command));
  }
} finally {
  await client.close();
  await ensemble.stop();
}
const refusing = await startZooKeeper({ fourLetterWhitelist: 'ruok' });
try {
  for (const word of ['mntr', 'srvr', 'cons', 'ruok']) write(`whitelist-ruok.${word}.txt`, await fourLetterWord(refusing.port, word));
} finally {
  await refusing.stop();
}
process.stdout.write(`captured into ${out}\n`);
