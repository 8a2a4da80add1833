/**
 * The secrets test (issue 10 "Security", the non-Discord half): full syncs, challenge answered and access key
 * stored, through the real binary and through the sync service, then a search of everything they leave behind
 * (the database file, its WAL and shared memory, the backup, every line on stdout and stderr, the bank's log
 * lines) for the password, every access key the bank handed out and the answers: in plain text, UTF-16, hex
 * and base64 at every alignment, none may appear. The access keys are taken from the bank's side of the wire,
 * by a recording proxy between ofx-mfa and the simulated bank, not from ofx-mfa's own storage.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChallengeOutcome } from '../../core/sync/types.ts';
import type { AppContext } from '../../bot/context.ts';
import { syncConnection } from '../../bot/sync-service.ts';
import { createConnection, ensureLocalMember, openDatabase, SecretBox } from '../../db/index.ts';
import { DEFAULT_QUESTIONS, formatLogLine, startSimBank, type SimBank } from '../../sim/bank/index.ts';
import { cli } from './cli-helpers.ts';

const PASSWORD = 'pw-S3cr3t-7f1e9a2c';
const ANSWERS = { MFA16: 'Ans-Maiden-4b8d2e', SIMQ1: 'Ans-Pet-9c3f7a' };

/** Every way a secret could sit in a file or a line: text, UTF-16 both ways, hex, base64 and base64url at any offset. */
function encodings(secret: string): Map<string, Buffer> {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Map<string, Buffer>([
    ['utf-8', bytes],
    ['utf-16le', Buffer.from(secret, 'utf16le')],
    ['utf-16be', Buffer.from(secret, 'utf16le').swap16()],
    ['hex', Buffer.from(bytes.toString('hex'))],
    ['HEX', Buffer.from(bytes.toString('hex').toUpperCase())],
  ]);
  // Inside a longer base64 text the secret starts at any byte offset; dropping 0..2 leading bytes lands it on a
  // 3-byte boundary, where its whole groups encode the same whatever surrounds them.
  for (let skip = 0; skip < 3; skip++) {
    const part = bytes.subarray(skip);
    const whole = part.subarray(0, part.length - (part.length % 3));
    forms.set(`base64+${skip}`, Buffer.from(whole.toString('base64')));
    forms.set(`base64url+${skip}`, Buffer.from(whole.toString('base64url')));
  }
  return forms;
}

function leaks(haystacks: Map<string, Buffer>, secrets: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [what, secret] of secrets) {
    for (const [form, needle] of encodings(secret)) {
      for (const [where, hay] of haystacks) if (hay.includes(needle)) found.push(`${what} (${form}) in ${where}`);
    }
  }
  return found;
}

describe('secrets after full syncs', () => {
  let bank: SimBank;
  let proxy: Server;
  let proxyUrl: string;
  let dir: string;
  const bankLog: string[] = [];
  const requestBodies: string[] = [];
  const accessKeys = new Set<string>();

  beforeAll(async () => {
    const user = { userId: 'secret', password: PASSWORD, scenario: { name: 'secret', questions: DEFAULT_QUESTIONS.map((q) => ({ ...q, answer: q.answer === null ? null : ANSWERS[q.id as keyof typeof ANSWERS] })) } };
    bank = await startSimBank({ port: 0, version: '211', users: [user], onRequest: (e) => bankLog.push(formatLogLine(e)) });
    // What the bank sends back goes through here, so the keys it issues are known without asking ofx-mfa.
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks);
        requestBodies.push(body.toString('latin1'));
        const answer = await fetch(bank.url, { method: 'POST', body, headers: { 'content-type': req.headers['content-type'] ?? 'application/x-ofx' } });
        const bytes = Buffer.from(await answer.arrayBuffer());
        for (const m of bytes.toString('latin1').matchAll(/<ACCESSKEY>\s*([^<\s]+)/g)) accessKeys.add(m[1]!);
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-ofx' });
        res.end(bytes);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/ofx`;
    dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-secrets-'));
  });
  afterAll(async () => {
    await new Promise((r) => proxy.close(r));
    await bank.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leave no password, access key or answer in the database, its WAL, the backup or any output line', async () => {
    const db = join(dir, 'ofx.sqlite');
    const answersFile = join(dir, 'answers.json');
    writeFileSync(answersFile, JSON.stringify(ANSWERS), { mode: 0o600 });
    const output: string[] = [];
    const run = async (args: string[], input?: string) => {
      const result = await cli(['--db', db, ...args], { input, cwd: dir });
      output.push(result.stdout, result.stderr);
      return result;
    };

    // The command line: add, a challenged sync, a keyed sync, and everything that prints a connection.
    expect((await run(['bank', 'add', 'home', '--url', proxyUrl, '--org', 'SIMBANK', '--fid', '1001', '--user', 'secret', '--ofx-version', '211', '--password-stdin'], `${PASSWORD}\n`)).code).toBe(0);
    expect(JSON.parse((await run(['sync', 'home', '--answers', answersFile, '--json'])).stdout)).toMatchObject({ challenged: true, accessKeyStored: true });
    expect(JSON.parse((await run(['sync', 'home', '--json'])).stdout)).toMatchObject({ challenged: false, status: { code: 0 } });
    for (const args of [['bank', 'list', '--json'], ['bank', 'list'], ['transactions', 'home'], ['request', 'statement', 'home', '--dry-run'], ['request', 'challenge', 'home', '--dry-run']]) {
      expect((await run(args)).code).toBe(0);
    }

    // The sync service, as the bot calls it, with anything it writes to stdout or stderr caught.
    const app: AppContext = { db: openDatabase(db), box: SecretBox.load(db, {}), dbPath: db };
    const memberId = ensureLocalMember(app.db, 'local:secrets').id;
    const row = createConnection(app.db, app.box, { memberId, name: 'svc', url: proxyUrl, org: 'SIMBANK', fid: '1001', version: '211', userId: 'secret', password: PASSWORD });
    const challenger = { ask: async (): Promise<ChallengeOutcome> => ({ kind: 'answered', answers: new Map(Object.entries(ANSWERS)) }) };
    const writes = { out: process.stdout.write, err: process.stderr.write };
    const caught: string[] = [];
    process.stdout.write = ((chunk: string | Uint8Array) => caught.push(String(chunk)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => caught.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      const sync = () => syncConnection(app, { memberId, connectionId: row.id, trigger: 'test', attended: true, challenger });
      const reports = [await sync(), await sync()];
      await fetch(bank.url.replace(/\/ofx$/, '/admin/revoke-keys'), { method: 'POST', body: '{}' });
      reports.push(await sync()); // the bank asks again: a second key for this connection
      expect(reports.map((r) => [r.outcome, r.challenged])).toEqual([['ok', true], ['ok', false], ['ok', true]]);
      output.push(JSON.stringify(reports));
    } finally {
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
    }
    output.push(...caught);
    const backup = join(dir, 'backup.sqlite');
    expect((await run(['backup', backup])).code).toBe(0);

    // Read the files while this process still holds the database open, so its WAL is there to read.
    const haystacks = new Map<string, Buffer>();
    for (const file of [db, `${db}-wal`, `${db}-shm`, backup]) if (existsSync(file)) haystacks.set(file.slice(dir.length + 1), readFileSync(file));
    app.db.close();
    expect([...haystacks.keys()]).toEqual(expect.arrayContaining(['ofx.sqlite', 'ofx.sqlite-wal', 'backup.sqlite']));
    haystacks.set('command output and service writes', Buffer.from(output.join('\n')));
    haystacks.set('bank log lines', Buffer.from(bankLog.join('\n')));

    // Three challenges answered, three keys: one for the command line's connection, two for the service's.
    expect(accessKeys.size).toBe(3);
    const secrets = new Map<string, string>([['password', PASSWORD], ...Object.entries(ANSWERS).map(([id, a]): [string, string] => [`answer ${id}`, a])]);
    [...accessKeys].forEach((key, i) => secrets.set(`access key ${i + 1}`, key));

    // The search works: it finds the secrets in what went to the bank (the last key was never sent back), and
    // finds a secret wrapped in longer text in every encoding, at every base64 alignment.
    const wire = new Map([['requests', Buffer.from(requestBodies.join('\n'), 'latin1')]]);
    expect(leaks(wire, secrets)).toEqual([...secrets.keys()].filter((w) => w !== 'access key 3').map((w) => `${w} (utf-8) in requests`));
    for (const prefix of ['', 'a', 'ab']) {
      const text = `${prefix}${PASSWORD}tail`;
      const wrapped = new Map([
        ['b64', Buffer.from(Buffer.from(text).toString('base64'))],
        ['b64url', Buffer.from(Buffer.from(text).toString('base64url'))],
        ['hex', Buffer.from(Buffer.from(text).toString('hex'))],
        ['utf16', Buffer.from(text, 'utf16le')],
      ]);
      expect(leaks(wrapped, new Map([['password', PASSWORD]])).map((l) => l.split(' in ')[1])).toEqual(expect.arrayContaining(['b64', 'b64url', 'hex', 'utf16']));
    }

    expect(leaks(haystacks, secrets)).toEqual([]);
  }, 240_000);
});
