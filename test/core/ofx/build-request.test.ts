import { describe, expect, it } from 'vitest';
import { OfxError } from '../../../core/errors.ts';
import {
  buildRequest,
  maskRequest,
  mfaCapable,
  type BuildContext,
  type OfxVersion,
  type RequestItem,
  type RequestSpec,
  type SignonFields,
} from '../../../core/ofx/build.ts';
import { findAll, pathText } from '../../../core/ofx/tree.ts';

const NOW = new Date('2026-10-05T17:00:00.000Z');
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function sequentialUuids(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

function ctx(): BuildContext {
  return { now: NOW, uuid: sequentialUuids() };
}

const SIGNON: SignonFields = {
  userId: 'alice',
  password: 's3cret',
  org: 'SIMBANK',
  fid: '1234',
  appId: 'QWIN',
  appVer: '2700',
};

const CHECKING: RequestItem = {
  kind: 'statement',
  account: { kind: 'bank', bankId: '121000248', accountId: '000123', accountType: 'CHECKING' },
  start: new Date('2026-07-07T00:00:00.000Z'),
  end: NOW,
};

/** Opening tags in document order: the element order, identical for SGML and XML. */
function tags(body: string): string[] {
  return [...body.matchAll(/<([A-Z][A-Z0-9.]*)>/g)].map((m) => m[1] as string);
}

function build(version: OfxVersion, items: RequestItem[], signon: Partial<SignonFields> = {}): ReturnType<typeof buildRequest> {
  return buildRequest({ version, signon: { ...SIGNON, ...signon }, items }, ctx());
}

const SONRQ_TAGS = ['SONRQ', 'DTCLIENT', 'USERID', 'USERPASS', 'LANGUAGE', 'FI', 'ORG', 'FID', 'APPID', 'APPVER'];

describe('buildRequest: golden bodies', () => {
  it('writes a 1.0.3 bank statement request exactly', () => {
    const { body } = build('103', [CHECKING]);
    expect(body).toBe(
      [
        'OFXHEADER:100',
        'DATA:OFXSGML',
        'VERSION:103',
        'SECURITY:NONE',
        'ENCODING:USASCII',
        'CHARSET:1252',
        'COMPRESSION:NONE',
        'OLDFILEUID:NONE',
        'NEWFILEUID:00000000-0000-4000-8000-000000000002',
        '',
        '<OFX>',
        '<SIGNONMSGSRQV1>',
        '<SONRQ>',
        '<DTCLIENT>20261005170000.000[+0:UTC]',
        '<USERID>alice',
        '<USERPASS>s3cret',
        '<LANGUAGE>ENG',
        '<FI>',
        '<ORG>SIMBANK',
        '<FID>1234',
        '</FI>',
        '<APPID>QWIN',
        '<APPVER>2700',
        '</SONRQ>',
        '</SIGNONMSGSRQV1>',
        '<BANKMSGSRQV1>',
        '<STMTTRNRQ>',
        '<TRNUID>00000000-0000-4000-8000-000000000001',
        '<STMTRQ>',
        '<BANKACCTFROM>',
        '<BANKID>121000248',
        '<ACCTID>000123',
        '<ACCTTYPE>CHECKING',
        '</BANKACCTFROM>',
        '<INCTRAN>',
        '<DTSTART>20260707000000.000[+0:UTC]',
        '<DTEND>20261005170000.000[+0:UTC]',
        '<INCLUDE>Y',
        '</INCTRAN>',
        '</STMTRQ>',
        '</STMTTRNRQ>',
        '</BANKMSGSRQV1>',
        '</OFX>',
        '',
      ].join('\r\n'),
    );
  });

  it('writes a 2.1.1 bank statement request exactly', () => {
    const { body } = build('211', [CHECKING]);
    expect(body.split('\r\n')).toEqual([
      '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
      '<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="00000000-0000-4000-8000-000000000002"?>',
      '<OFX>',
      '  <SIGNONMSGSRQV1>',
      '    <SONRQ>',
      '      <DTCLIENT>20261005170000.000[+0:UTC]</DTCLIENT>',
      '      <USERID>alice</USERID>',
      '      <USERPASS>s3cret</USERPASS>',
      '      <LANGUAGE>ENG</LANGUAGE>',
      '      <FI>',
      '        <ORG>SIMBANK</ORG>',
      '        <FID>1234</FID>',
      '      </FI>',
      '      <APPID>QWIN</APPID>',
      '      <APPVER>2700</APPVER>',
      '    </SONRQ>',
      '  </SIGNONMSGSRQV1>',
      '  <BANKMSGSRQV1>',
      '    <STMTTRNRQ>',
      '      <TRNUID>00000000-0000-4000-8000-000000000001</TRNUID>',
      '      <STMTRQ>',
      '        <BANKACCTFROM>',
      '          <BANKID>121000248</BANKID>',
      '          <ACCTID>000123</ACCTID>',
      '          <ACCTTYPE>CHECKING</ACCTTYPE>',
      '        </BANKACCTFROM>',
      '        <INCTRAN>',
      '          <DTSTART>20260707000000.000[+0:UTC]</DTSTART>',
      '          <DTEND>20261005170000.000[+0:UTC]</DTEND>',
      '          <INCLUDE>Y</INCLUDE>',
      '        </INCTRAN>',
      '      </STMTRQ>',
      '    </STMTTRNRQ>',
      '  </BANKMSGSRQV1>',
      '</OFX>',
    ]);
  });
});

describe('buildRequest: element order of each kind, both families', () => {
  const cases: Array<{ name: string; items: RequestItem[]; after: string[] }> = [
    {
      name: 'profile',
      items: [{ kind: 'profile' }],
      after: ['PROFMSGSRQV1', 'PROFTRNRQ', 'TRNUID', 'PROFRQ', 'CLIENTROUTING', 'DTPROFUP'],
    },
    {
      name: 'accounts',
      items: [{ kind: 'accounts' }],
      after: ['SIGNUPMSGSRQV1', 'ACCTINFOTRNRQ', 'TRNUID', 'ACCTINFORQ', 'DTACCTUP'],
    },
    {
      name: 'bank statement',
      items: [CHECKING],
      after: ['BANKMSGSRQV1', 'STMTTRNRQ', 'TRNUID', 'STMTRQ', 'BANKACCTFROM', 'BANKID', 'ACCTID', 'ACCTTYPE', 'INCTRAN', 'DTSTART', 'DTEND', 'INCLUDE'],
    },
    {
      name: 'credit card statement',
      items: [{ kind: 'statement', account: { kind: 'creditcard', accountId: '4111' }, includeTransactions: false }],
      after: ['CREDITCARDMSGSRQV1', 'CCSTMTTRNRQ', 'TRNUID', 'CCSTMTRQ', 'CCACCTFROM', 'ACCTID', 'INCTRAN', 'INCLUDE'],
    },
    {
      name: 'investment statement',
      items: [{ kind: 'statement', account: { kind: 'investment', brokerId: 'broker.com', accountId: 'X1' }, start: NOW }],
      after: [
        'INVSTMTMSGSRQV1', 'INVSTMTTRNRQ', 'TRNUID', 'INVSTMTRQ', 'INVACCTFROM', 'BROKERID', 'ACCTID',
        'INCTRAN', 'DTSTART', 'INCLUDE', 'INCOO', 'INCPOS', 'INCLUDE', 'INCBAL',
      ],
    },
  ];
  for (const version of ['102', '103', '200', '211', '220'] as const) {
    for (const c of cases) {
      it(`${c.name} in ${version}`, () => {
        const { body } = build(version, c.items);
        expect(tags(body)).toEqual(['OFX', 'SIGNONMSGSRQV1', ...SONRQ_TAGS, ...c.after]);
      });
    }
  }

  it('puts the challenge transaction in the sign-on message set, after SONRQ', () => {
    for (const version of ['103', '203', '211', '220'] as const) {
      const { body, trnuids } = build(version, [{ kind: 'challenge' }]);
      expect(tags(body)).toEqual([
        'OFX', 'SIGNONMSGSRQV1', ...SONRQ_TAGS, 'MFACHALLENGETRNRQ', 'TRNUID', 'MFACHALLENGERQ', 'DTCLIENT',
      ]);
      expect(body).toContain(trnuids[0]);
    }
  });

  it('orders message sets as the spec does whatever order the items come in', () => {
    const { body, trnuids, root } = build('103', [
      { kind: 'profile' },
      { kind: 'statement', account: { kind: 'investment', brokerId: 'b', accountId: 'i' } },
      { kind: 'statement', account: { kind: 'creditcard', accountId: 'c' } },
      CHECKING,
      { kind: 'accounts' },
      { kind: 'challenge' },
      { kind: 'statement', account: { kind: 'bank', bankId: '1', accountId: 's', accountType: 'SAVINGS' } },
    ]);
    expect(root.children?.map((c) => c.name)).toEqual([
      'SIGNONMSGSRQV1', 'SIGNUPMSGSRQV1', 'BANKMSGSRQV1', 'CREDITCARDMSGSRQV1', 'INVSTMTMSGSRQV1', 'PROFMSGSRQV1',
    ]);
    // trnuids[i] belongs to items[i], wherever the item lands.
    expect(pathText(root, 'PROFMSGSRQV1', 'PROFTRNRQ', 'TRNUID')).toBe(trnuids[0]);
    expect(pathText(root, 'INVSTMTMSGSRQV1', 'INVSTMTTRNRQ', 'TRNUID')).toBe(trnuids[1]);
    expect(pathText(root, 'CREDITCARDMSGSRQV1', 'CCSTMTTRNRQ', 'TRNUID')).toBe(trnuids[2]);
    expect(pathText(root, 'SIGNUPMSGSRQV1', 'ACCTINFOTRNRQ', 'TRNUID')).toBe(trnuids[4]);
    expect(pathText(root, 'SIGNONMSGSRQV1', 'MFACHALLENGETRNRQ', 'TRNUID')).toBe(trnuids[5]);
    const bank = findAll(root, 'STMTTRNRQ').map((n) => pathText(n, 'TRNUID'));
    expect(bank).toEqual([trnuids[3], trnuids[6]]);
    expect(new Set(trnuids).size).toBe(7);
    expect(body.indexOf('<ACCTID>000123')).toBeLessThan(body.indexOf('<ACCTID>s'));
  });
});

describe('buildRequest: sign-on fields', () => {
  it('places CLIENTUID, USERCRED1/2, AUTHTOKEN, ACCESSKEY, SESSCOOKIE and answers where the spec says', () => {
    const { body } = build('103', [], {
      language: 'FRA',
      sessionCookie: 'cookie-1',
      clientUid: '5d1c2b58-8a6a-4c52-9a0f-4e2d5b0a1c11',
      userCred1: 'cred-one',
      userCred2: 'cred-two',
      authToken: 'token-1',
      accessKey: 'key-1',
      answers: [
        { id: 'MFA16', answer: 'Smith' },
        { id: 'MFA101', answer: '20261005170000' },
      ],
    });
    expect(tags(body)).toEqual([
      'OFX', 'SIGNONMSGSRQV1', 'SONRQ', 'DTCLIENT', 'USERID', 'USERPASS', 'LANGUAGE', 'FI', 'ORG', 'FID',
      'SESSCOOKIE', 'APPID', 'APPVER', 'CLIENTUID', 'USERCRED1', 'USERCRED2', 'AUTHTOKEN', 'ACCESSKEY',
      'MFACHALLENGEA', 'MFAPHRASEID', 'MFAPHRASEA', 'MFACHALLENGEA', 'MFAPHRASEID', 'MFAPHRASEA',
    ]);
    expect(body).toContain('<LANGUAGE>FRA\r\n');
    expect(body).toContain('<MFAPHRASEID>MFA16\r\n<MFAPHRASEA>Smith\r\n</MFACHALLENGEA>');
  });

  it('uses MFACHALLENGEANSWER when the connection asks for it', () => {
    const { body } = build('220', [], {
      answers: [{ id: 'MFA16', answer: 'Smith' }],
      answerAggregate: 'MFACHALLENGEANSWER',
    });
    expect(body).toContain(
      '<MFACHALLENGEANSWER>\r\n        <MFAPHRASEID>MFA16</MFAPHRASEID>\r\n        <MFAPHRASEA>Smith</MFAPHRASEA>\r\n      </MFACHALLENGEANSWER>',
    );
    expect(body).not.toContain('<MFACHALLENGEA>');
  });

  it('omits FI without an ORG, and FID when only ORG is given', () => {
    expect(tags(build('103', [], { org: null, fid: '99' }).body)).not.toContain('FI');
    expect(tags(build('103', [], { org: '', fid: '99' }).body)).not.toContain('FI');
    const onlyOrg = tags(build('103', [], { fid: null }).body);
    expect(onlyOrg.slice(onlyOrg.indexOf('FI'), onlyOrg.indexOf('APPID'))).toEqual(['FI', 'ORG']);
  });

  it('escapes values once, in both families', () => {
    const sgml = build('103', [], { password: 'AT&T <pw>', org: 'B&B' }).body;
    expect(sgml).toContain('<USERPASS>AT&amp;T &lt;pw&gt;\r\n');
    expect(sgml).toContain('<ORG>B&amp;B\r\n');
    const xml = build('211', [], { password: 'AT&T <pw>' }).body;
    expect(xml).toContain('<USERPASS>AT&amp;T &lt;pw&gt;</USERPASS>');
    expect(xml).not.toContain('&amp;amp;');
  });

  it('writes DTCLIENT with a zone, in the given offset', () => {
    const utc = build('103', []).body;
    expect(utc).toContain('<DTCLIENT>20261005170000.000[+0:UTC]');
    const eastern = buildRequest(
      { version: '211', signon: SIGNON, items: [{ kind: 'challenge' }, CHECKING] },
      { now: NOW, uuid: sequentialUuids(), utcOffsetMinutes: -300 },
    ).body;
    expect(eastern.match(/<DTCLIENT>20261005120000\.000\[-5\]<\/DTCLIENT>/g)).toHaveLength(2);
    expect(eastern).toContain('<DTSTART>20260706190000.000[-5]</DTSTART>');
  });

  it('defaults DTPROFUP and DTACCTUP to 1990-01-01', () => {
    const { body } = build('103', [{ kind: 'profile' }, { kind: 'accounts' }]);
    expect(body).toContain('<DTPROFUP>19900101000000.000[+0:UTC]');
    expect(body).toContain('<DTACCTUP>19900101000000.000[+0:UTC]');
    const later = build('103', [{ kind: 'profile', profileUpdatedAt: new Date('2026-01-02T03:04:05.000Z') }]).body;
    expect(later).toContain('<DTPROFUP>20260102030405.000[+0:UTC]');
  });

  it('gives every transaction and the file a random UUID by default', () => {
    const a = buildRequest({ version: '103', signon: SIGNON, items: [{ kind: 'profile' }, CHECKING] });
    const b = buildRequest({ version: '103', signon: SIGNON, items: [{ kind: 'profile' }, CHECKING] });
    for (const id of [...a.trnuids, a.newFileUid]) expect(id).toMatch(UUID_RE);
    expect(a.trnuids).toHaveLength(2);
    expect(a.body).toContain(`NEWFILEUID:${a.newFileUid}\r\n`);
    expect(new Set([...a.trnuids, ...b.trnuids, a.newFileUid, b.newFileUid]).size).toBe(6);
  });
});

describe('buildRequest: refusals', () => {
  const refuse = (spec: Partial<RequestSpec>, pattern: RegExp): void => {
    const full: RequestSpec = { version: '103', signon: SIGNON, items: [], ...spec };
    expect(() => buildRequest(full, ctx())).toThrow(OfxError);
    expect(() => buildRequest(full, ctx())).toThrow(pattern);
  };

  it('refuses empty required values, naming the element and never the secret', () => {
    refuse({ signon: { ...SIGNON, userId: '' } }, /SONRQ\/USERID must not be empty/);
    refuse({ signon: { ...SIGNON, password: '   ' } }, /SONRQ\/USERPASS must not be empty/);
    refuse({ signon: { ...SIGNON, appId: '' } }, /APPID/);
    refuse({ signon: { ...SIGNON, answers: [{ id: 'MFA1', answer: '' }] } }, /MFACHALLENGEA\/MFAPHRASEA must not be empty/);
    refuse(
      { items: [{ kind: 'statement', account: { kind: 'bank', bankId: '', accountId: '1', accountType: 'CHECKING' } }] },
      /BANKACCTFROM\/BANKID/,
    );
  });

  it('refuses an unknown account type', () => {
    refuse(
      { items: [{ kind: 'statement', account: { kind: 'bank', bankId: '1', accountId: '1', accountType: 'PIGGYBANK' } }] },
      /ACCTTYPE "PIGGYBANK" is not one of CHECKING, SAVINGS, MONEYMRKT, CREDITLINE, CD/,
    );
  });

  it('refuses multi-factor elements for 1.0.2 and 2.0.0', () => {
    for (const version of ['102', '200'] as const) {
      refuse({ version, items: [{ kind: 'challenge' }] }, /MFACHALLENGETRNRQ needs multi-factor sign-on/);
      refuse({ version, signon: { ...SIGNON, accessKey: 'k' } }, /ACCESSKEY/);
      refuse({ version, signon: { ...SIGNON, answers: [{ id: 'MFA1', answer: 'a' }] } }, /MFACHALLENGEA/);
      // USERCRED1/2 and AUTHTOKEN arrived with 1.0.3 / 2.0.3 too: refused, never silently left out.
      refuse({ version, signon: { ...SIGNON, userCred1: '4321' } }, /^SONRQ\/USERCRED1 needs multi-factor sign-on \(OFX 1\.0\.3 \/ 2\.0\.3\)/);
      refuse({ version, signon: { ...SIGNON, userCred2: 'x' } }, /^SONRQ\/USERCRED2 needs/);
      refuse({ version, signon: { ...SIGNON, authToken: 't' } }, /^SONRQ\/AUTHTOKEN needs/);
      // CLIENTUID and the rest of SONRQ are fine on old versions.
      expect(() => buildRequest({ version, signon: { ...SIGNON, clientUid: 'c' }, items: [] }, ctx())).not.toThrow();
    }
  });

  it('refuses two challenge transactions, an unknown version, and an inverted date range', () => {
    refuse({ items: [{ kind: 'challenge' }, { kind: 'challenge' }] }, /at most one MFACHALLENGETRNRQ/);
    refuse({ version: '151' as OfxVersion }, /unsupported OFX version/);
    refuse({ items: [{ ...CHECKING, start: NOW, end: new Date('2026-01-01T00:00:00Z') } as RequestItem] }, /DTSTART is after DTEND/);
    refuse({ items: [{ ...CHECKING, start: new Date('nope') } as RequestItem] }, /DTSTART is not a valid date/);
  });

  it('never puts a secret in an error message', () => {
    const secret = 'Pa55-w0rd-XYZ';
    try {
      buildRequest({ version: '102', signon: { ...SIGNON, password: secret, accessKey: secret }, items: [] }, ctx());
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain(secret);
      expect((err as Error).stack).not.toContain(secret);
    }
  });
});

describe('mfaCapable', () => {
  it('is true for 103 and 203 onwards', () => {
    expect((['102', '103', '200', '203', '211', '220'] as const).map(mfaCapable)).toEqual([false, true, false, true, true, true]);
  });
});

describe('maskRequest', () => {
  const secrets = {
    password: 'pw-secret',
    userCred1: 'cred1-secret',
    userCred2: 'cred2-secret',
    authToken: 'token-secret',
    accessKey: 'key-secret',
    answers: [
      { id: 'MFA16', answer: 'answer-one-secret' },
      { id: 'MFA6', answer: 'answer-two-secret' },
    ],
  };
  const spec: RequestSpec = { version: '103', signon: { ...SIGNON, ...secrets, clientUid: 'uid-1' }, items: [{ kind: 'challenge' }, CHECKING] };

  it('hides every secret and keeps everything else', () => {
    const masked = maskRequest(spec);
    const { body } = buildRequest(masked, ctx());
    for (const value of [secrets.password, secrets.userCred1, secrets.userCred2, secrets.authToken, secrets.accessKey, 'answer-one-secret', 'answer-two-secret']) {
      expect(body).not.toContain(value);
      expect(JSON.stringify(masked)).not.toContain(value);
    }
    expect(body).toContain('<USERPASS>***');
    expect(body).toContain('<ACCESSKEY>***');
    expect(body.match(/<MFAPHRASEA>\*\*\*/g)).toHaveLength(2);
    expect(body).toContain('<MFAPHRASEID>MFA16');
    expect(body).toContain('<USERID>alice');
    expect(body).toContain('<CLIENTUID>uid-1');
    expect(masked.items).toEqual(spec.items);
    // The original is left alone.
    expect(spec.signon.password).toBe('pw-secret');
    expect(spec.signon.answers?.[0]?.answer).toBe('answer-one-secret');
  });

  it('keeps absent optional secrets absent', () => {
    const masked = maskRequest({ version: '103', signon: SIGNON, items: [] });
    expect(masked.signon.accessKey).toBeUndefined();
    expect(masked.signon.answers).toBeUndefined();
    expect(buildRequest(masked, ctx()).body).not.toContain('ACCESSKEY');
  });
});
