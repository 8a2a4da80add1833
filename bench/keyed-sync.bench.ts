/**
 * Keyed syncs (`npm run bench -- keyed-sync`): the simulated bank in its own process (`ofx-mfa sim bank`, so its
 * CPU is not ours), 20 connections in one real SQLite file, each challenged once and holding an access key.
 * Then, through bot/sync-service.ts syncConnection exactly as the bot calls it:
 * - throughput: ROUNDS rounds of all 20 connections syncing at once (statements of every account, 3 days);
 * - overhead: one keyed sync at a time, against the bank's own latency for the same work, measured as the
 *   round trip of the identical request (same sign-on with the key, same accounts and window) posted with the
 *   same transport. The difference is what a keyed sync adds: reading the connection and decrypting its secrets,
 *   building the request, parsing the answer, storing it and recording the run. Target: under 5 ms.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { postOfx } from '../core/http/transport.ts';
import { buildRequest, type OfxVersion } from '../core/ofx/build.ts';
import { signonFor, toStatementAccount } from '../core/sync/machine.ts';
import { syncConnection, type FrontChallenger } from '../bot/sync-service.ts';
import type { AppContext } from '../bot/context.ts';
import { openDatabase } from '../db/connection.ts';
import { DbKeyStore } from '../db/repositories/access-keys.ts';
import { listAccounts } from '../db/repositories/accounts.ts';
import { createConnection, getConnection, toConnectionConfig } from '../db/repositories/connections.ts';
import { ensureLocalMember } from '../db/repositories/members.ts';
import { SecretBox } from '../db/secrets.ts';
import type { SimBankInfo } from '../sim/bank/index.ts';

const CONNECTIONS = 20;
const ROUNDS = 10;
const SEQUENTIAL = 40;
const TARGET_MS = 5;
const DAY_MS = 86_400_000;

const BIN = fileURLToPath(new URL('../bin/ofx-mfa.js', import.meta.url));

async function startBank(): Promise<{ info: SimBankInfo; stop: () => void }> {
  const child = spawn(process.execPath, [BIN, 'sim', 'bank', '--port', '0', '--json', '--ofx-version', '211'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the simulated bank exited (${code})`)));
  });
  return { info: JSON.parse(line) as SimBankInfo, stop: () => child.kill('SIGTERM') };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const dir = mkdtempSync(join(tmpdir(), 'ofx-bench-sync-'));
const bank = await startBank();
try {
  const path = join(dir, 'bench.sqlite');
  const app: AppContext = { db: openDatabase(path), box: SecretBox.load(path, {}), dbPath: path };
  const member = ensureLocalMember(app.db, 'local:bench');
  const { info } = bank;
  // Answers the bank's questions from the bank's own answer list, once per connection.
  const challenger: FrontChallenger = {
    ask: async (questions) => ({ kind: 'answered', answers: new Map(questions.map((q) => [q.id, info.answers[q.id] ?? ''])) }),
  };
  const names = Array.from({ length: CONNECTIONS }, (_, i) => `c${i}`);
  for (const name of names) {
    createConnection(app.db, app.box, { memberId: member.id, name, url: info.url, org: info.org, fid: info.fid, version: '211', userId: info.user, password: info.password });
  }
  const since = () => new Date(Date.now() - 3 * DAY_MS);
  const sync = (name: string) => syncConnection(app, { memberId: member.id, name, trigger: 'test', attended: true, challenger, since: since() });

  // Challenged once each (accounts discovered, key stored); every later sync signs on with the key.
  for (const name of names) {
    const first = await sync(name);
    if (first.outcome !== 'ok' || !first.accessKeyStored) throw new Error(`${name}: first sync ${first.outcome}`);
  }
  const check = (r: Awaited<ReturnType<typeof sync>>): void => {
    if (r.outcome !== 'ok' || r.challenged) throw new Error(`${r.connection}: keyed sync ${r.outcome}${r.challenged ? ' (challenged)' : ''}`);
  };
  for (const name of names) check(await sync(name)); // warm-up

  const t0 = performance.now();
  for (let round = 0; round < ROUNDS; round++) (await Promise.all(names.map(sync))).forEach(check);
  const parallelMs = performance.now() - t0;
  const syncsPerSecond = (ROUNDS * CONNECTIONS) / (parallelMs / 1000);

  // The bank's own latency: the request a keyed sync of c0 sends, posted as is.
  const row = getConnection(app.db, member.id, 'c0')!;
  const config = toConnectionConfig(app.box, row);
  const key = await new DbKeyStore(app.db, app.box).get(String(row.id));
  const accounts = listAccounts(app.db, row.id);
  const rawExchange = async (): Promise<number> => {
    const { body } = buildRequest({
      version: config.version as OfxVersion,
      signon: signonFor(config, key),
      items: accounts.map((a) => ({ kind: 'statement', account: toStatementAccount(a), start: since(), end: new Date() })),
    });
    const start = performance.now();
    await postOfx(config.url, body);
    return performance.now() - start;
  };
  const bankMs: number[] = [];
  const syncMs: number[] = [];
  // Interleaved, so that both see the same machine load.
  for (let i = 0; i < SEQUENTIAL; i++) {
    bankMs.push(await rawExchange());
    const start = performance.now();
    check(await sync('c0'));
    syncMs.push(performance.now() - start);
  }
  const added = median(syncMs) - median(bankMs);
  app.db.close();

  console.log(`keyed syncs, ${CONNECTIONS} connections in parallel: ${syncsPerSecond.toFixed(0)} syncs/s (${ROUNDS} rounds in ${parallelMs.toFixed(0)} ms; ${accounts.length} accounts each)`);
  console.log(`one keyed sync: median ${median(syncMs).toFixed(1)} ms; the bank's own round trip for the same request: median ${median(bankMs).toFixed(1)} ms`);
  console.log(`added by a keyed sync over the bank's latency: ${added.toFixed(1)} ms (median of ${SEQUENTIAL}); target < ${TARGET_MS} ms: ${added < TARGET_MS ? 'met' : 'MISSED'}`);
  console.log(
    `node ${process.version}; simulated bank (OFX 2.1.1) in its own process on 127.0.0.1; real SQLite file (WAL); ` +
      `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores.`,
  );
} finally {
  bank.stop();
  rmSync(dir, { recursive: true, force: true });
}
