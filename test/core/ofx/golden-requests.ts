/**
 * The request specs whose bodies were captured in test/fixtures/requests/ before per-connection quirks existed:
 * a connection without quirks must keep building exactly these bytes.
 */
import type { BuildContext, OfxVersion, RequestItem, RequestSpec, SignonFields } from '../../../core/ofx/build.ts';

export const GOLDEN_NOW = new Date('2026-10-05T17:00:00.000Z');

export function goldenContext(): BuildContext {
  let n = 0;
  return { now: GOLDEN_NOW, uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
}

const SIGNON: SignonFields = {
  userId: 'alice',
  password: 's3cret',
  org: 'AT&T <Bank>',
  fid: '1234',
  appId: 'QWIN',
  appVer: '2700',
};

const STATEMENTS: RequestItem[] = [
  {
    kind: 'statement',
    account: { kind: 'bank', bankId: '121000248', accountId: '000123', accountType: 'CHECKING' },
    start: new Date('2026-07-07T00:00:00.000Z'),
    end: GOLDEN_NOW,
  },
  { kind: 'statement', account: { kind: 'creditcard', accountId: '4111' }, start: new Date('2026-07-07T00:00:00.000Z') },
  { kind: 'statement', account: { kind: 'investment', brokerId: 'vanguard.com', accountId: '99' } },
];

const mfa = (v: OfxVersion) => v === '103' || Number(v) >= 203;

/** name → spec; the fixture file is test/fixtures/requests/<name>.ofx. */
export function goldenSpecs(): Array<{ name: string; spec: RequestSpec }> {
  const out: Array<{ name: string; spec: RequestSpec }> = [];
  for (const version of ['102', '103', '200', '203', '211', '220'] as OfxVersion[]) {
    out.push({ name: `${version}-profile`, spec: { version, signon: { ...SIGNON, userId: 'anonymous00000000000000000000000', password: 'anonymous00000000000000000000000' }, items: [{ kind: 'profile' }] } });
    out.push({ name: `${version}-accounts`, spec: { version, signon: { ...SIGNON, org: null, fid: null }, items: [{ kind: 'accounts' }] } });
    if (!mfa(version)) {
      out.push({ name: `${version}-statements`, spec: { version, signon: SIGNON, items: STATEMENTS } });
      continue;
    }
    const full: SignonFields = { ...SIGNON, clientUid: 'c1d2e3f4-0000-4000-8000-000000000000', userCred1: '4321', accessKey: 'KEY123' };
    out.push({ name: `${version}-statements`, spec: { version, signon: full, items: STATEMENTS } });
    out.push({ name: `${version}-challenge`, spec: { version, signon: { ...full, accessKey: null }, items: [{ kind: 'challenge' }, { kind: 'accounts' }] } });
    out.push({
      name: `${version}-answers`,
      spec: {
        version,
        signon: { ...full, accessKey: null, answers: [{ id: 'MFA16', answer: 'Smith' }, { id: 'MFA107', answer: 'ofx-mfa/0.1' }], answerAggregate: 'MFACHALLENGEANSWER' },
        items: [STATEMENTS[0] as RequestItem],
      },
    });
  }
  return out;
}
