import { describe, expect, it } from 'vitest';
import { buildRequest, maskRequest, type OfxVersion, type RequestItem, type RequestSpec } from '../../../core/ofx/build.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';
import type { OfxNode } from '../../../core/ofx/tree.ts';

const ITEMS: RequestItem[] = [
  { kind: 'profile', profileUpdatedAt: new Date('2025-12-31T23:59:59.999Z') },
  { kind: 'accounts' },
  {
    kind: 'statement',
    account: { kind: 'bank', bankId: '121000248', accountId: '0001&23', accountType: 'MONEYMRKT' },
    start: new Date('2026-07-07T00:00:00.000Z'),
    end: new Date('2026-10-05T17:00:00.000Z'),
  },
  { kind: 'statement', account: { kind: 'creditcard', accountId: '4111<1111>' }, includeTransactions: false },
  { kind: 'statement', account: { kind: 'investment', brokerId: 'broker.com', accountId: 'X1' }, end: new Date('2026-10-01T00:00:00Z') },
];

function spec(version: OfxVersion): RequestSpec {
  const mfa = version !== '102' && version !== '200';
  return {
    version,
    signon: {
      userId: 'alice "the" user',
      password: 'AT&T <pw> & more >',
      language: 'ENG',
      org: 'B&B Bank',
      fid: '1234',
      sessionCookie: 'sess;cookie=1',
      appId: 'QWIN',
      appVer: '2700',
      clientUid: '5d1c2b58-8a6a-4c52-9a0f-4e2d5b0a1c11',
      // USERCRED1/2, AUTHTOKEN, ACCESSKEY and answers exist from 1.0.3 / 2.0.3 on (the builder refuses them before).
      ...(mfa
        ? {
            userCred1: 'cred <1>',
            userCred2: 'cred & 2',
            authToken: 'tok',
            accessKey: 'key&<>',
            answers: [
              { id: 'MFA16', answer: "O'Brien & Sons" },
              { id: 'MFA101', answer: '20261005170000' },
            ],
          }
        : {}),
    },
    items: mfa ? [{ kind: 'challenge' }, ...ITEMS] : ITEMS,
  };
}

/** The tree as plain data (name, value, children), for a structural comparison. */
function plain(node: OfxNode): unknown {
  return node.children ? { name: node.name, children: node.children.map(plain) } : { name: node.name, value: node.value };
}

describe('round trip: what we build parses back to the same tree', () => {
  for (const version of ['102', '103', '200', '203', '211', '220'] as const) {
    it(`version ${version}`, () => {
      const built = buildRequest(spec(version), { utcOffsetMinutes: 120 });
      const parsed = parseOfx(built.body);
      expect(parsed.header.version).toBe(version);
      expect(parsed.header.format).toBe(version.startsWith('1') ? 'sgml' : 'xml');
      expect(parsed.header.fields.NEWFILEUID).toBe(built.newFileUid);
      expect(plain(parsed.root)).toEqual(plain(built.root));
    });

    it(`version ${version}, from bytes, masked`, () => {
      const built = buildRequest(maskRequest(spec(version)));
      const parsed = parseOfx(new TextEncoder().encode(built.body));
      expect(plain(parsed.root)).toEqual(plain(built.root));
    });
  }

  it('keeps MFACHALLENGEANSWER answers', () => {
    const s = spec('220');
    const built = buildRequest({ ...s, signon: { ...s.signon, answerAggregate: 'MFACHALLENGEANSWER' } });
    expect(plain(parseOfx(built.body).root)).toEqual(plain(built.root));
  });
});
