/**
 * Quirks reach the wire in a real sync: the connection's useragent goes out as the HTTP User-Agent of every request
 * and as the MFA107 answer, and clientuid= keeps CLIENTUID off every request. The real sync service, the real HTTP
 * client and the simulated bank, with a recording relay in between to see what was sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USER_AGENT } from '../../core/http/transport.ts';
import { createConnection, ensureLocalMember, openDatabase, SecretBox, type Database } from '../../db/index.ts';
import { PresetChallenger } from '../../bot/cli/challengers.ts';
import { syncConnection } from '../../bot/sync-service.ts';
import { startSimBank, type SimBank } from '../../sim/bank/index.ts';

interface Seen {
  userAgent: string | undefined;
  body: string;
}

describe('quirks in a real sync', () => {
  let bank: SimBank;
  let relay: Server;
  let relayUrl: string;
  const seen: Seen[] = [];
  let dir: string;
  let db: Database;
  let box: SecretBox;
  let memberId: number;

  beforeAll(async () => {
    bank = await startSimBank({ port: 0, version: '103' });
    relay = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks);
        seen.push({ userAgent: req.headers['user-agent'], body: body.toString('latin1') });
        const answer = await fetch(bank.url, { method: 'POST', body, headers: { 'content-type': 'application/x-ofx' } });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-ofx' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/ofx`;
    dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-quirks-'));
    const path = join(dir, 'ofx.sqlite');
    db = openDatabase(path);
    box = SecretBox.load(path, {});
    memberId = ensureLocalMember(db, 'local:quirks').id;
  });
  afterAll(async () => {
    db.close();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    await bank.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sync = (name: string) =>
    syncConnection(
      { db, box, dbPath: join(dir, 'ofx.sqlite') },
      { memberId, name, trigger: 'test', attended: true, challenger: new PresetChallenger(async () => new Map([['MFA16', 'Smith'], ['SIMQ1', 'Rex']]), 'test') },
    );
  const add = (name: string, quirks: Record<string, string>) =>
    createConnection(db, box, { memberId, name, url: relayUrl, org: 'SIMBANK', fid: '1001', version: '103', userId: 'demo', password: 'demo-password', quirks });

  it('useragent: the User-Agent of every request and the MFA107 answer', async () => {
    add('ua', { useragent: 'QuirkyClient/27.1' });
    seen.length = 0;
    const report = await sync('ua');
    expect(report.outcome, report.status.message ?? '').toBe('ok');
    expect(report.challenged).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(3); // profile, sign-on (3000), challenge, answers...
    expect(new Set(seen.map((s) => s.userAgent))).toEqual(new Set(['QuirkyClient/27.1']));
    const answers = seen.find((s) => s.body.includes('<MFAPHRASEID>MFA107'));
    expect(answers?.body).toMatch(/<MFAPHRASEID>MFA107\r\n<MFAPHRASEA>QuirkyClient\/27\.1\r\n/);
  });

  it('without the quirk: the usual User-Agent, and CLIENTUID on the sign-ons; clientuid= removes it from all', async () => {
    add('plain', {});
    seen.length = 0;
    expect((await sync('plain')).outcome).toBe('ok');
    expect(new Set(seen.map((s) => s.userAgent))).toEqual(new Set([DEFAULT_USER_AGENT]));
    expect(seen.filter((s) => s.body.includes('<CLIENTUID>')).length).toBeGreaterThan(0);

    add('nouid', { clientuid: '' });
    seen.length = 0;
    expect((await sync('nouid')).outcome).toBe('ok');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.body.includes('CLIENTUID'))).toEqual([]);
  });
});
