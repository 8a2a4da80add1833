import { describe, expect, it } from 'vitest';
import { buildRequest, type OfxVersion, type RequestItem, type SignonFields } from '../../../core/ofx/build.ts';
import { validateOfxRequest } from '../../../core/ofx/validate.ts';

const SIGNON: SignonFields = {
  userId: 'alice',
  password: 'AT&T <pw>',
  org: 'SIMBANK',
  fid: '1234',
  appId: 'QWIN',
  appVer: '2700',
  clientUid: '5d1c2b58-8a6a-4c52-9a0f-4e2d5b0a1c11',
};
const MFA_SIGNON: SignonFields = {
  ...SIGNON,
  userCred1: 'c1',
  userCred2: 'c2',
  authToken: 't',
  accessKey: 'k',
  answers: [{ id: 'MFA16', answer: 'Smith & Sons' }],
};
const ALL_ITEMS: RequestItem[] = [
  { kind: 'profile' },
  { kind: 'accounts' },
  {
    kind: 'statement',
    account: { kind: 'bank', bankId: '121000248', accountId: '000123', accountType: 'CHECKING' },
    start: new Date('2026-07-07T00:00:00.000Z'),
    end: new Date('2026-10-05T17:00:00.000Z'),
  },
  { kind: 'statement', account: { kind: 'creditcard', accountId: '4111' }, includeTransactions: false },
  { kind: 'statement', account: { kind: 'investment', brokerId: 'broker.com', accountId: 'X1' } },
];

function body(version: OfxVersion, items: RequestItem[] = ALL_ITEMS): string {
  const mfa = version !== '102' && version !== '200';
  return buildRequest({
    version,
    signon: mfa ? MFA_SIGNON : SIGNON,
    items: mfa ? [{ kind: 'challenge' }, ...items] : items,
  }).body;
}

function errorsOf(text: string): string[] {
  const result = validateOfxRequest(text);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe('validateOfxRequest accepts what we build', () => {
  for (const version of ['102', '103', '200', '203', '211', '220'] as const) {
    it(`every kind of request in ${version}`, () => {
      expect(validateOfxRequest(body(version))).toEqual({
        ok: true,
        version,
        format: version.startsWith('1') ? 'sgml' : 'xml',
      });
      for (const item of ALL_ITEMS) expect(validateOfxRequest(body(version, [item])).ok).toBe(true);
      expect(validateOfxRequest(body(version, [])).ok).toBe(true);
    });
  }

  it('accepts MFACHALLENGEANSWER and LF line endings in the SGML header', () => {
    const answer = buildRequest({
      version: '220',
      signon: { ...MFA_SIGNON, answerAggregate: 'MFACHALLENGEANSWER' },
      items: [],
    }).body;
    expect(validateOfxRequest(answer).ok).toBe(true);
    expect(validateOfxRequest(body('103').replace(/\r\n/g, '\n')).ok).toBe(true);
  });
});

describe('validateOfxRequest rejects', () => {
  it('elements out of order', () => {
    const swapped = body('103').replace('<USERID>alice\r\n<USERPASS>AT&amp;T &lt;pw&gt;\r\n', '<USERPASS>x\r\n<USERID>alice\r\n');
    expect(errorsOf(swapped)).toEqual(['OFX/SIGNONMSGSRQV1/SONRQ: USERID is out of order (it belongs before USERPASS)']);
    const xml = body('211').replace(/(\s*<FI>[\s\S]*?<\/FI>)(\s*<APPID>QWIN<\/APPID>)/, '$2$1');
    expect(errorsOf(xml)).toEqual(['OFX/SIGNONMSGSRQV1/SONRQ: FI is out of order (it belongs before APPID)']);
  });

  it('message sets out of order', () => {
    const text = body('103', [{ kind: 'profile' }]);
    const profile = /<PROFMSGSRQV1>[\s\S]*<\/PROFMSGSRQV1>\r\n/.exec(text)?.[0] ?? '';
    const moved = text.replace(profile, '').replace('<SIGNONMSGSRQV1>', `${profile}<SIGNONMSGSRQV1>`);
    expect(errorsOf(moved)).toEqual(['OFX: SIGNONMSGSRQV1 is out of order (it belongs before PROFMSGSRQV1)']);
  });

  it('a missing TRNUID, in both families', () => {
    expect(errorsOf(body('103', [{ kind: 'profile' }]).replace(/<TRNUID>[^\r\n]*\r\n/g, ''))).toEqual([
      'OFX/SIGNONMSGSRQV1/MFACHALLENGETRNRQ: missing TRNUID',
      'OFX/PROFMSGSRQV1/PROFTRNRQ: missing TRNUID',
    ]);
    expect(errorsOf(body('211', [{ kind: 'accounts' }]).replace(/\s*<TRNUID>[^<]*<\/TRNUID>/g, ''))).toContain(
      'OFX/SIGNUPMSGSRQV1/ACCTINFOTRNRQ: missing TRNUID',
    );
  });

  it('missing required elements and empty values', () => {
    expect(errorsOf(body('103').replace(/<APPVER>2700\r\n/, ''))).toEqual(['OFX/SIGNONMSGSRQV1/SONRQ: missing APPVER']);
    expect(errorsOf(body('211').replace('<USERID>alice</USERID>', '<USERID></USERID>'))).toEqual([
      'OFX/SIGNONMSGSRQV1/SONRQ/USERID is empty',
    ]);
  });

  it('unknown elements', () => {
    expect(errorsOf(body('103').replace('<APPVER>2700\r\n', '<APPVER>2700\r\n<FAVCOLOR>blue\r\n'))).toEqual([
      'OFX/SIGNONMSGSRQV1/SONRQ: unknown element FAVCOLOR',
    ]);
    expect(errorsOf(body('220').replace('</OFX>', '<WIREXFERMSGSRQV1></WIREXFERMSGSRQV1></OFX>'))).toEqual([
      'OFX: unknown element WIREXFERMSGSRQV1',
    ]);
  });

  it('duplicated single elements and bad values', () => {
    expect(errorsOf(body('103').replace('<USERID>alice\r\n', '<USERID>alice\r\n<USERID>bob\r\n'))).toEqual([
      'OFX/SIGNONMSGSRQV1/SONRQ: USERID appears more than once',
    ]);
    expect(errorsOf(body('103').replace('<ACCTTYPE>CHECKING', '<ACCTTYPE>PIGGY'))[0]).toMatch(
      /STMTRQ\/BANKACCTFROM\/ACCTTYPE must be one of CHECKING/,
    );
    expect(errorsOf(body('103').replace('<INCOO>N', '<INCOO>maybe'))).toEqual([
      'OFX/INVSTMTMSGSRQV1/INVSTMTTRNRQ/INVSTMTRQ/INCOO must be Y or N',
    ]);
    expect(errorsOf(body('103').replace(/<DTCLIENT>[^\r\n]*/, '<DTCLIENT>yesterday'))).toEqual([
      'OFX/SIGNONMSGSRQV1/SONRQ/DTCLIENT is not an OFX date-time',
    ]);
  });

  it('multi-factor elements in 1.0.2 and 2.0.0', () => {
    const old = body('102').replace('</SONRQ>', '<ACCESSKEY>k\r\n</SONRQ>');
    expect(errorsOf(old)).toEqual(['OFX/SIGNONMSGSRQV1/SONRQ: ACCESSKEY needs OFX 1.0.3 or 2.0.3 and later']);
    const challenge = body('200').replace(
      '</SONRQ>',
      '</SONRQ><MFACHALLENGETRNRQ><TRNUID>1</TRNUID><MFACHALLENGERQ><DTCLIENT>20261005</DTCLIENT></MFACHALLENGERQ></MFACHALLENGETRNRQ>',
    );
    expect(errorsOf(challenge)).toEqual(['OFX/SIGNONMSGSRQV1: MFACHALLENGETRNRQ needs OFX 1.0.3 or 2.0.3 and later']);
    const cred = body('102').replace('</SONRQ>', '<USERCRED1>4321\r\n<AUTHTOKEN>t\r\n</SONRQ>');
    expect(errorsOf(cred)).toEqual([
      'OFX/SIGNONMSGSRQV1/SONRQ: USERCRED1 needs OFX 1.0.3 or 2.0.3 and later',
      'OFX/SIGNONMSGSRQV1/SONRQ: AUTHTOKEN needs OFX 1.0.3 or 2.0.3 and later',
    ]);
  });

  it('malformed XML', () => {
    expect(errorsOf(body('211').replace('</USERID>', ''))[0]).toMatch(/^malformed XML at line \d+: /);
    expect(errorsOf(body('211').replace('AT&amp;T', 'AT&T'))[0]).toMatch(/^malformed XML/);
  });

  it('a DOCTYPE or ENTITY declaration', () => {
    const xml = body('211').replace('<OFX>', '<!DOCTYPE OFX [<!ENTITY pw "x">]>\r\n<OFX>');
    expect(errorsOf(xml)).toEqual(['DOCTYPE and ENTITY declarations are not allowed']);
    expect(errorsOf(body('103').replace('<OFX>', '<!DOCTYPE OFX>\r\n<OFX>'))).toEqual([
      'DOCTYPE and ENTITY declarations are not allowed',
    ]);
  });

  it('bad or missing headers', () => {
    expect(errorsOf('<OFX></OFX>')[0]).toMatch(/^no OFX header/);
    expect(errorsOf(body('103').replace('DATA:OFXSGML', 'DATA:XML'))).toEqual(['header DATA must be OFXSGML']);
    expect(errorsOf(body('103').replace('VERSION:103', 'VERSION:160'))).toEqual(['header VERSION must be one of 102, 103']);
    expect(errorsOf(body('103').replace('SECURITY:NONE\r\nENCODING:USASCII', 'ENCODING:USASCII\r\nSECURITY:NONE'))).toEqual([
      'header line 4 must be SECURITY:...',
      'header line 5 must be ENCODING:...',
    ]);
    expect(errorsOf(body('103').replace(/(NEWFILEUID:[^\r\n]*)\r\n\r\n/, '$1\r\n'))).toEqual([
      'the header must end with a blank line before <OFX>',
    ]);
    expect(errorsOf(body('211').replace('OFXHEADER="200"', 'OFXHEADER="100"'))).toEqual(['OFX header OFXHEADER must be "200"']);
    expect(errorsOf(body('211').replace('VERSION="211"', 'VERSION="299"'))[0]).toMatch(/VERSION must be one of/);
    expect(errorsOf(body('211').replace(/ NEWFILEUID="[^"]*"/, ''))).toEqual(['OFX header NEWFILEUID is missing']);
    expect(errorsOf(body('211').replace(/<\?OFX [^>]*>/, ''))[0]).toMatch(/processing instruction/);
  });

  it('a document without <OFX>', () => {
    const text = body('103');
    expect(validateOfxRequest(text.slice(0, text.indexOf('<OFX>'))).ok).toBe(false);
  });
});
