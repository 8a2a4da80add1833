import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRequest } from '../../core/ofx/build.ts';
import { parseOfx } from '../../core/ofx/parse.ts';
import { postOfx } from '../../core/http/transport.ts';
import {
  OfxHttpStatusError,
  OfxNetworkError,
  OfxNotOfxError,
  OfxTimeoutError,
} from '../../core/http/errors.ts';
import { DEFAULT_QUESTIONS, formatLogLine, startSimBank } from '../../sim/bank/index.ts';
import type { RequestLogEntry } from '../../sim/bank/index.ts';
import { CHECKING, correctAnswers, signonCode, startTestBank } from './bank-client.ts';
import type { TestBank } from './bank-client.ts';

const statementItem = { kind: 'statement', account: CHECKING } as const;

describe.each(['103', '211'] as const)('simulated bank over HTTP, OFX %s', (version) => {
  let t: TestBank;
  const lines: string[] = [];
  beforeEach(async () => {
    lines.length = 0;
    t = await startTestBank(version, { onRequest: (e) => lines.push(formatLogLine(e)) });
  });
  afterEach(async () => {
    await t.bank.close();
  });

  const fail = (userId: string, timeoutMs = 5_000): Promise<unknown> =>
    t.send({ userId }, [statementItem], { timeoutMs }).then(
      () => {
        throw new Error('expected the exchange to fail');
      },
      (error: unknown) => error,
    );

  it('fault-500: the client gets OfxHttpStatusError 500', async () => {
    const error = await fail('fault-500');
    expect(error).toBeInstanceOf(OfxHttpStatusError);
    expect((error as OfxHttpStatusError).status).toBe(500);
  });

  it('fault-reset: the client gets OfxNetworkError', async () => {
    expect(await fail('fault-reset')).toBeInstanceOf(OfxNetworkError);
  });

  it('fault-hang: the client gets OfxTimeoutError from its own deadline', async () => {
    expect(await fail('fault-hang', 300)).toBeInstanceOf(OfxTimeoutError);
  });

  it('fault-truncated: a body shorter than its Content-Length is a network error, not half an answer', async () => {
    expect(await fail('fault-truncated')).toBeInstanceOf(OfxNetworkError);
  });

  it('fault-garbage: an HTML maintenance page is OfxNotOfxError', async () => {
    const error = await fail('fault-garbage');
    expect(error).toBeInstanceOf(OfxNotOfxError);
    expect((error as OfxNotOfxError).contentType).toMatch(/text\/html/);
  });

  it('slow: answers late, so a short deadline times out and a long one gets the answer', async () => {
    expect(await fail('slow', 200)).toBeInstanceOf(OfxTimeoutError);
    const x = await t.send({ userId: 'slow' }, [statementItem], { timeoutMs: 20_000 });
    expect(signonCode(x)).toBe(3000);
  });

  it('admin faults apply to the next N requests (of anyone, or of one user), then the bank recovers', async () => {
    expect((await t.admin('/admin/faults', { body: { fault: 'http-500', count: 2 } })).status).toBe(200);
    expect(await fail('demo')).toBeInstanceOf(OfxHttpStatusError);
    expect(await fail('many')).toBeInstanceOf(OfxHttpStatusError);
    expect(signonCode(await t.send({ userId: 'demo' }, [statementItem]))).toBe(3000);

    await t.admin('/admin/faults', { body: { fault: 'garbage', user: 'many' } });
    expect(signonCode(await t.send({ userId: 'demo' }, [statementItem]))).toBe(3000);
    expect(await fail('many')).toBeInstanceOf(OfxNotOfxError);
    expect(signonCode(await t.send({ userId: 'many' }, [statementItem]))).toBe(3000);

    expect((await t.admin('/admin/faults', { body: { fault: 'explode' } })).status).toBe(400);
  });

  it('refuses requests that are not valid OFX with HTTP 400, other methods with 405 and huge bodies with 413', async () => {
    const post = (body: string | Buffer, path = '/ofx') =>
      fetch(t.bank.url.replace(/\/ofx$/, path), { method: 'POST', body, headers: { 'content-type': 'application/x-ofx' } });
    const notOfx = await post('hello');
    expect(notOfx.status).toBe(400);
    expect(await notOfx.text()).toMatch(/^Bad Request/);
    // Well-formed shape, wrong order inside SONRQ: the validator refuses it.
    const built = buildRequest({ version, signon: { userId: 'demo', password: 'demo-password', appId: 'QWIN', appVer: '2700' }, items: [statementItem] });
    const swapped = built.body.replace(/(<USERID>[^<\r\n]*(?:<\/USERID>)?)(\s*)(<USERPASS>[^<\r\n]*(?:<\/USERPASS>)?)/, '$3$2$1');
    expect(swapped).not.toBe(built.body);
    const invalid = await post(swapped);
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).not.toContain('demo-password');
    // An XML request with a DOCTYPE (entity expansion) is refused before anything reads it.
    const doctype = '<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n' +
      '<!DOCTYPE OFX [<!ENTITY x "xxxxxxxx">]><OFX><SIGNONMSGSRQV1><SONRQ><USERID>&x;</USERID></SONRQ></SIGNONMSGSRQV1></OFX>';
    expect((await post(doctype)).status).toBe(400);
    expect((await fetch(t.bank.url)).status).toBe(405);
    expect((await post(Buffer.alloc(1024 * 1024 + 1, 0x41))).status).toBe(413);
    // Any path outside /admin/ is the OFX endpoint.
    const elsewhere = await post(built.body, '/cgi-bin/ofx');
    expect(elsewhere.status).toBe(200);
    expect(signonCode({ parsed: parseOfx(new Uint8Array(await elsewhere.arrayBuffer())) } as never)).toBe(3000);
  });

  it('understands requests in the other format than it answers in', async () => {
    const other = version === '103' ? '211' : '103';
    const built = buildRequest({
      version: other,
      signon: { userId: 'demo', password: 'demo-password', appId: 'QWIN', appVer: '2700', answers: correctAnswers(DEFAULT_QUESTIONS, t.clock.now()) },
      items: [statementItem],
    }, { now: t.clock.now() });
    const response = await fetch(t.bank.url, { method: 'POST', body: built.body, headers: { 'content-type': 'application/x-ofx' } });
    expect(response.headers.get('content-type')).toBe('application/x-ofx');
    const parsed = parseOfx(new Uint8Array(await response.arrayBuffer()));
    expect(parsed.header.version).toBe(version);
    expect(parsed.signon?.status.code).toBe(0);
    expect(parsed.statements[0]?.trnuid).toBe(built.trnuids[0]);
  });

  it('keeps a request log with users, kinds and codes, and never a password, key or answer', async () => {
    await t.send({ userId: 'demo' }, [{ kind: 'challenge' }]);
    const answers = correctAnswers(DEFAULT_QUESTIONS, t.clock.now());
    const ok = await t.send({ userId: 'demo', answers }, [{ kind: 'accounts' }, statementItem]);
    const key = ok.parsed.signon?.accessKey ?? '';
    await t.send({ userId: 'demo', accessKey: key }, [statementItem]);
    await t.send({ userId: 'demo', password: 'Wr0ng-S3cret' }, [statementItem]);
    await fail('fault-500');

    const log = await t.admin<RequestLogEntry[]>('/admin/log');
    expect(log.body.map((e) => [e.user, e.requests, e.signonCode, e.fault])).toEqual([
      ['demo', ['challenge'], 0, null],
      ['demo', ['accounts', 'statement:bank'], 0, null],
      ['demo', ['statement:bank'], 0, null],
      ['demo', ['statement:bank'], 15500, null],
      ['fault-500', ['statement:bank'], null, 'http-500'],
    ]);
    expect(log.body[1]).toMatchObject({ answersSent: 4, accessKeyIssued: true, statuses: [{ wrapper: 'ACCTINFOTRNRS', code: 0 }, { wrapper: 'STMTTRNRS', code: 0 }] });
    expect(log.body[2]).toMatchObject({ accessKeySent: true, accessKeyIssued: false });
    const everything = JSON.stringify(log.body) + lines.join('\n');
    expect(lines).toHaveLength(5);
    for (const secret of ['demo-password', 'Wr0ng-S3cret', key, 'Smith', 'Rex', ...answers.map((a) => a.answer)]) {
      expect(everything).not.toContain(secret);
    }
    await t.admin('/admin/log', { method: 'DELETE' });
    expect((await t.admin<RequestLogEntry[]>('/admin/log')).body).toEqual([]);
  });

  it('reports per-user state and its own credentials on the admin endpoints', async () => {
    const users = await t.admin<Array<{ user: string }>>('/admin/users');
    expect(users.body.map((u) => u.user)).toEqual(
      expect.arrayContaining(['demo', 'many', 'first', 'cred', 'clientuid', 'slow', 'fault-500', 'fault-reset', 'fault-hang', 'fault-truncated', 'fault-garbage']),
    );
    expect((await t.admin('/admin/users/nobody')).status).toBe(404);
    expect((await t.admin('/admin/info')).body).toEqual(t.bank.info());
    expect((await t.admin('/admin/nothing-here')).status).toBe(404);
  });
});

describe('simulated bank details', () => {
  it('decodes a CHARSET:1252 request: an accented answer sent as 1252 bytes is accepted', async () => {
    const bank = await startSimBank({
      users: [{ userId: 'accent', password: 'accent-password', scenario: { name: 'accent', questions: [{ id: 'SIMQ9', label: 'Favourite café?', answer: 'Café Crème' }] } }],
    });
    try {
      const built = buildRequest({
        version: '103',
        signon: { userId: 'accent', password: 'accent-password', appId: 'QWIN', appVer: '2700', answers: [{ id: 'SIMQ9', answer: 'café crème' }] },
        items: [statementItem],
      });
      const response = await fetch(bank.url, { method: 'POST', body: Buffer.from(built.body, 'latin1') });
      const parsed = parseOfx(new Uint8Array(await response.arrayBuffer()));
      expect(parsed.signon?.status.code).toBe(0);
      expect(parsed.statements[0]?.status.code).toBe(0);
    } finally {
      await bank.close();
    }
  });

  it('accepts an answer typed on a phone (O’Brien, p€ss) sent by the real client as 1252 bytes', async () => {
    const bank = await startSimBank({
      users: [{ userId: 'phone', password: 'p€ss', scenario: { name: 'phone', questions: [{ id: 'SIMQ9', label: 'Surname?', answer: 'O’Brien' }] } }],
    });
    try {
      const built = buildRequest({
        version: '103',
        signon: { userId: 'phone', password: 'p€ss', appId: 'QWIN', appVer: '2700', answers: [{ id: 'SIMQ9', answer: 'O’Brien' }] },
        items: [statementItem],
      });
      const parsed = parseOfx(await postOfx(bank.url, built.body));
      expect(parsed.signon?.status.code).toBe(0);
      expect(parsed.statements[0]?.status.code).toBe(0);
    } finally {
      await bank.close();
    }
  });

  it('describes its default user for scripts (DESIGN 4.1 shape), user questions only', async () => {
    const bank = await startSimBank();
    try {
      expect(bank.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ofx$/);
      expect(bank.info()).toEqual({
        url: bank.url,
        org: 'SIMBANK',
        fid: '1001',
        user: 'demo',
        password: 'demo-password',
        accounts: [
          { type: 'CHECKING', accountId: '1000123456', bankId: '123456789' },
          { type: 'SAVINGS', accountId: '1000654321', bankId: '123456789' },
          { type: 'CREDITCARD', accountId: '4000001234567899', bankId: null },
          { type: 'INVESTMENT', accountId: 'X0001234', bankId: 'simbank.example' },
        ],
        answers: { MFA16: 'Smith', SIMQ1: 'Rex' },
      });
    } finally {
      await bank.close();
    }
  });

  it('answers 413 to a chunked body that grows past the limit', async () => {
    const bank = await startSimBank({ maxBodyBytes: 1_000 });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(bank.url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 4; i++) req.write(Buffer.alloc(400, 0x41));
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      await bank.close();
    }
  });

  it('closes promptly even with a request hanging', async () => {
    const t = await startTestBank('103');
    const pending = t.send({ userId: 'fault-hang' }, [statementItem], { timeoutMs: 60_000 }).catch((e: unknown) => e);
    // Wait until the bank has the request (it is in the log as a fault).
    for (let i = 0; i < 100 && (await t.admin<RequestLogEntry[]>('/admin/log')).body.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await t.bank.close();
    expect(await pending).toBeInstanceOf(OfxNetworkError);
  });
});
