/**
 * The secrets test (issue 10 "Security"): full syncs, challenge answered and access key stored, then a search of
 * everything they leave behind for the password, every access key the bank handed out and the answers: in plain
 * text, UTF-16, hex and base64 at every alignment, none may appear. The access keys are taken from the bank's side
 * of the wire, by a recording proxy between ofx-mfa and the simulated bank, not from ofx-mfa's own storage.
 *
 * The command-line half runs the real binary and the sync service and searches the database file, its WAL and
 * shared memory, the backup, every line on stdout and stderr and the bank's log lines. The Discord half runs the
 * real bot against the Discord stand-in and searches every REST request the bot sent, every answer the stand-in
 * sent back, every gateway event it sent the bot, the attachments and the bot's log lines. Only the modal submits
 * that carry the password and the answers INTO the bot are left out, by interaction id, since that is where they
 * must travel; a positive control shows the search finds them there.
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
import type { InteractionHandle } from '../../sim/discord/index.ts';
import { cli } from './cli-helpers.ts';
import { addBank, answer, startWorld, waitForQuestions, type World } from './discord-world.ts';

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

/** The bank's one user: this password, these answers. */
const SECRET_USER = { userId: 'secret', password: PASSWORD, scenario: { name: 'secret', questions: DEFAULT_QUESTIONS.map((q) => ({ ...q, answer: q.answer === null ? null : ANSWERS[q.id as keyof typeof ANSWERS] })) } };

interface RecordingProxy {
  url: string;
  /** Every request body ofx-mfa sent the bank, as Latin-1 text. */
  requestBodies: string[];
  /** Every access key the bank handed out. */
  accessKeys: Set<string>;
  close(): Promise<void>;
}

/** What the bank sends back goes through here, so the keys it issues are known without asking ofx-mfa. */
async function recordingProxy(bankUrl: string): Promise<RecordingProxy> {
  const requestBodies: string[] = [];
  const accessKeys = new Set<string>();
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      requestBodies.push(body.toString('latin1'));
      const answer = await fetch(bankUrl, { method: 'POST', body, headers: { 'content-type': req.headers['content-type'] ?? 'application/x-ofx' } });
      const bytes = Buffer.from(await answer.arrayBuffer());
      for (const m of bytes.toString('latin1').matchAll(/<ACCESSKEY>\s*([^<\s]+)/g)) accessKeys.add(m[1]!);
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-ofx' });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/ofx`,
    requestBodies,
    accessKeys,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

function secretsOf(answers: Record<string, string>, accessKeys: Set<string>): Map<string, string> {
  const secrets = new Map<string, string>([['password', PASSWORD], ...Object.entries(answers).map(([id, a]): [string, string] => [`answer ${id}`, a])]);
  [...accessKeys].forEach((key, i) => secrets.set(`access key ${i + 1}`, key));
  return secrets;
}

describe('secrets after full syncs', () => {
  let bank: SimBank;
  let proxy: RecordingProxy;
  let proxyUrl: string;
  let dir: string;
  const bankLog: string[] = [];

  beforeAll(async () => {
    bank = await startSimBank({ port: 0, version: '211', users: [SECRET_USER], onRequest: (e) => bankLog.push(formatLogLine(e)) });
    proxy = await recordingProxy(bank.url);
    proxyUrl = proxy.url;
    dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-secrets-'));
  });
  afterAll(async () => {
    await proxy.close();
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
    expect(proxy.accessKeys.size).toBe(3);
    const secrets = secretsOf(ANSWERS, proxy.accessKeys);

    // The search works: it finds the secrets in what went to the bank (the last key was never sent back), and
    // finds a secret wrapped in longer text in every encoding, at every base64 alignment.
    const wire = new Map([['requests', Buffer.from(proxy.requestBodies.join('\n'), 'latin1')]]);
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

describe('secrets over Discord', () => {
  let world: World | undefined;
  let proxy: RecordingProxy | undefined;
  afterAll(async () => {
    await world?.close();
    await proxy?.close();
  });

  it('leave no password, access key or answer in anything the bot sent Discord, the stand-in sent back, or the log', async () => {
    const WRONG = { MFA16: 'Wrong-Maiden-1d5e8f', SIMQ1: 'Wrong-Pet-6a2b0c' };
    const gatewayEvents: Array<{ t: string; d: unknown }> = [];
    world = await startWorld({ bankUsers: [SECRET_USER], onGatewayEvent: (t, d) => gatewayEvents.push({ t, d }) });
    proxy = await recordingProxy(world.bank.url);
    const alice = world.discord.addMember({ name: 'alice' });
    // The interactions that carry a secret into the bot: the credentials form and every answers form.
    const inbound = new Set<string>();
    const keep = (submit: InteractionHandle) => inbound.add(submit.id);
    const ids = ['MFA16', 'SIMQ1'];
    const synced = /synced, \d+ new/;

    await addBank(world, alice, 'home', 'secret', { url: proxy.url, password: PASSWORD, onSubmit: keep });
    // Challenged, answered through the form: an access key is stored.
    const first = alice.slash('sync', { options: { bank: 'home' } });
    const dm1 = await waitForQuestions(alice);
    keep(await answer(alice, dm1, ANSWERS, ids));
    expect((await first.waitForReply((r) => synced.test(r.content))).content).toMatch(/access key saved/);
    // Keyed: no questions.
    expect((await alice.slash('sync', { options: { bank: 'home' } }).waitForReply((r) => synced.test(r.content))).content).toMatch(/no questions asked/);
    // The bank revokes the key and asks again; wrong answers first, then Try again with the right ones.
    await world.bankAdmin('/admin/revoke-keys', { user: 'secret' });
    const third = alice.slash('sync', { options: { bank: 'home' } });
    const dm2 = await waitForQuestions(alice, (d) => d.id !== dm1.id);
    keep(await answer(alice, dm2, WRONG, ids));
    const rejected = await alice.waitForDm((d) => d.id === dm2.id && d.content.includes('3001'));
    await third.waitForReply((r) => r.content.includes('3001'));
    const retry = alice.click(rejected, rejected.buttons.find((b) => b.label === 'Try again')!.customId!);
    const dm3 = await waitForQuestions(alice, (d) => d.id !== dm1.id && d.id !== dm2.id);
    keep(await answer(alice, dm3, ANSWERS, ids));
    expect((await retry.waitForReply((r) => synced.test(r.content))).content).toMatch(/access key saved/);
    // Everything else that shows a connection.
    const shown: InteractionHandle[] = [];
    for (const [name, call] of [['accounts', {}], ['transactions', { options: { bank: 'home', days: 90 } }], ['bank', { subcommand: 'list' }]] as const) {
      const handle = alice.slash(name, call);
      await handle.waitFor((replies) => replies.some((r) => !r.loading));
      shown.push(handle);
    }

    expect(proxy.accessKeys.size).toBe(2);
    const secrets = secretsOf(ANSWERS, proxy.accessKeys);
    for (const [id, a] of Object.entries(WRONG)) secrets.set(`wrong answer ${id}`, a);

    const calls = world.discord.restCalls;
    const json = (values: unknown[]) => Buffer.from(values.map((v) => JSON.stringify(v) ?? '').join('\n'));
    // Files go up as multipart parts the call record names only; the member's view of them has their bytes.
    const attachments = shown.flatMap((h) => h.replies.flatMap((r) => r.attachments.map((a) => Buffer.from(a.text))));
    const isInbound = (e: { t: string; d: unknown }) => e.t === 'INTERACTION_CREATE' && inbound.has((e.d as { id: string }).id);
    const haystacks = new Map<string, Buffer>([
      ['REST request bodies', json(calls.map((c) => c.body))],
      ['REST paths and queries', json(calls.map((c) => [c.path, c.query]))],
      ['stand-in answers', json(calls.map((c) => c.response))],
      ['gateway events (but the forms carrying secrets in)', json(gatewayEvents.filter((e) => !isInbound(e)))],
      ['attachments', Buffer.concat(attachments)],
      ['what the member saw', Buffer.from([alice.transcript(), ...[...alice.dms(), ...alice.visibleMessages(), ...world.discord.channelMessages()].map((m) => JSON.stringify(m))].join('\n'))],
      ['bot log lines', Buffer.from(world.logs.join('\n'))],
    ]);
    expect(attachments.length).toBeGreaterThan(0); // the transactions CSV
    // Every kind of message the bot sends is in there: replies, edits of them, DMs, edits of DMs.
    for (const route of ['POST /interactions/:interaction/:token/callback', 'PATCH /webhooks/:app/:token/messages/:message', 'POST /channels/:channel/messages', 'PATCH /channels/:channel/messages/:message']) {
      expect(world.discord.callsTo(route).length, route).toBeGreaterThan(0);
    }

    // Exactly the four forms were left out, and the search does find the secrets in them: the password in the
    // credentials form, each answer (right and wrong) in the answers forms; never an access key, which only the
    // bank hands out.
    const left = gatewayEvents.filter(isInbound);
    expect(left).toHaveLength(4);
    expect(inbound.size).toBe(4);
    expect(leaks(new Map([['inbound forms', json(left)]]), secrets).sort()).toEqual(
      ['password', 'answer MFA16', 'answer SIMQ1', 'wrong answer MFA16', 'wrong answer SIMQ1'].map((w) => `${w} (utf-8) in inbound forms`).sort(),
    );

    expect(leaks(haystacks, secrets)).toEqual([]);
  }, 120_000);
});
