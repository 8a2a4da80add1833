/**
 * The request aggregates we send, each described once as data in the spec's element order (OFX 2.2 section
 * cited per aggregate; 1.0.3 has the same order). The builder (build.ts) writes trees from these declarations and
 * the validator (validate.ts) checks incoming requests against them, so order, required elements and allowed
 * values live in one place.
 *
 * Only the request side that ofx-mfa speaks is declared: sign-on (with MFA), profile, account information and
 * bank / credit card / investment statements. Anything else in a request is "unknown" to the validator.
 */

/** How often a child may appear: exactly once, optional, any number, at least once. */
export type Occurs = '1' | '?' | '*' | '+';

/** What a leaf holds, for validation: free text, an OFX date-time, Y/N, or one of a fixed set of values. */
export type LeafType = 'text' | 'datetime' | 'bool' | { oneOf: readonly string[] };

export interface LeafDecl {
  kind: 'leaf';
  name: string;
  occurs: Occurs;
  type: LeafType;
  /** Added in 1.0.3 / 2.0.3 with multi-factor sign-on: not allowed in 1.0.2 / 2.0.0 requests (the builder refuses it). */
  mfa?: boolean;
}

export interface AggregateRef {
  kind: 'aggregate';
  name: string;
  occurs: Occurs;
  mfa?: boolean;
}

export type ChildDecl = LeafDecl | AggregateRef;

export interface AggregateDecl {
  name: string;
  /** Where the spec defines it (OFX 2.2 section numbers). */
  section: string;
  children: readonly ChildDecl[];
}

function text(name: string, occurs: Occurs = '1', extra: Partial<LeafDecl> = {}): LeafDecl {
  return { kind: 'leaf', name, occurs, type: 'text', ...extra };
}
function dateTime(name: string, occurs: Occurs = '1'): LeafDecl {
  return { kind: 'leaf', name, occurs, type: 'datetime' };
}
function bool(name: string, occurs: Occurs = '1'): LeafDecl {
  return { kind: 'leaf', name, occurs, type: 'bool' };
}
function oneOf(name: string, values: readonly string[], occurs: Occurs = '1'): LeafDecl {
  return { kind: 'leaf', name, occurs, type: { oneOf: values } };
}
function sub(name: string, occurs: Occurs = '1', extra: Partial<AggregateRef> = {}): AggregateRef {
  return { kind: 'aggregate', name, occurs, ...extra };
}

/** Every *TRNRQ wrapper (§2.4.6.1): TRNUID, CLTCOOKIE?, TAN?, then the one request it carries. */
function trnrq(name: string, section: string, request: string): AggregateDecl {
  return { name, section, children: [text('TRNUID'), text('CLTCOOKIE', '?'), text('TAN', '?'), sub(request)] };
}

/** Bank account types (§11.3.1.1). */
export const ACCOUNT_TYPES = ['CHECKING', 'SAVINGS', 'MONEYMRKT', 'CREDITLINE', 'CD'] as const;

const DECLARATIONS: readonly AggregateDecl[] = [
  // §2.4.3: message sets appear in this order (SIGNON, SIGNUP, BANK, CREDITCARD, INVSTMT, ..., PROF).
  {
    name: 'OFX',
    section: '2.4.3',
    children: [
      sub('SIGNONMSGSRQV1'),
      sub('SIGNUPMSGSRQV1', '?'),
      sub('BANKMSGSRQV1', '?'),
      sub('CREDITCARDMSGSRQV1', '?'),
      sub('INVSTMTMSGSRQV1', '?'),
      sub('PROFMSGSRQV1', '?'),
    ],
  },

  // --- Sign-on (§2.5) ---
  { name: 'SIGNONMSGSRQV1', section: '2.5', children: [sub('SONRQ'), sub('MFACHALLENGETRNRQ', '?', { mfa: true })] },
  {
    name: 'SONRQ',
    section: '2.5.1.2',
    children: [
      dateTime('DTCLIENT'),
      text('USERID'),
      text('USERPASS'),
      bool('GENUSERKEY', '?'),
      text('LANGUAGE'),
      sub('FI', '?'),
      text('SESSCOOKIE', '?'),
      text('APPID'),
      text('APPVER'),
      text('APPKEY', '?'),
      text('CLIENTUID', '?'),
      // USERCRED1/2 and AUTHTOKEN came with ACCESSKEY and the challenges in 1.0.3 / 2.0.3 (2.1.1 §2.5.1.2).
      text('USERCRED1', '?', { mfa: true }),
      text('USERCRED2', '?', { mfa: true }),
      text('AUTHTOKEN', '?', { mfa: true }),
      text('ACCESSKEY', '?', { mfa: true }),
      sub('MFACHALLENGEA', '*', { mfa: true }),
      // The 2.2 schema's spelling of the same aggregate; some servers want it (a per-connection choice).
      sub('MFACHALLENGEANSWER', '*', { mfa: true }),
    ],
  },
  { name: 'FI', section: '2.5.1.8', children: [text('ORG'), text('FID', '?')] },
  { name: 'MFACHALLENGEA', section: '2.5.4.5', children: [text('MFAPHRASEID'), text('MFAPHRASEA')] },
  { name: 'MFACHALLENGEANSWER', section: '2.5.4.5 (2.2 schema)', children: [text('MFAPHRASEID'), text('MFAPHRASEA')] },
  trnrq('MFACHALLENGETRNRQ', '2.5.4.1', 'MFACHALLENGERQ'),
  { name: 'MFACHALLENGERQ', section: '2.5.4.1', children: [dateTime('DTCLIENT')] },

  // --- Account information (§8.5) ---
  { name: 'SIGNUPMSGSRQV1', section: '8.1', children: [sub('ACCTINFOTRNRQ', '+')] },
  trnrq('ACCTINFOTRNRQ', '8.5.1', 'ACCTINFORQ'),
  { name: 'ACCTINFORQ', section: '8.5.1', children: [dateTime('DTACCTUP')] },

  // --- Bank and credit card statements (§11) ---
  { name: 'BANKMSGSRQV1', section: '11.13.1.1.1', children: [sub('STMTTRNRQ', '+')] },
  trnrq('STMTTRNRQ', '11.4.2.1', 'STMTRQ'),
  {
    name: 'STMTRQ',
    section: '11.4.2.1',
    children: [sub('BANKACCTFROM'), sub('INCTRAN', '?'), bool('INCLUDEPENDING', '?'), bool('INCTRANIMG', '?')],
  },
  {
    name: 'BANKACCTFROM',
    section: '11.3.1',
    children: [text('BANKID'), text('BRANCHID', '?'), text('ACCTID'), oneOf('ACCTTYPE', ACCOUNT_TYPES), text('ACCTKEY', '?')],
  },
  { name: 'INCTRAN', section: '11.4.2.1', children: [dateTime('DTSTART', '?'), dateTime('DTEND', '?'), bool('INCLUDE')] },
  { name: 'CREDITCARDMSGSRQV1', section: '11.13.1.1.1', children: [sub('CCSTMTTRNRQ', '+')] },
  trnrq('CCSTMTTRNRQ', '11.4.3.1', 'CCSTMTRQ'),
  {
    name: 'CCSTMTRQ',
    section: '11.4.3.1',
    children: [sub('CCACCTFROM'), sub('INCTRAN', '?'), bool('INCLUDEPENDING', '?'), bool('INCTRANIMG', '?')],
  },
  { name: 'CCACCTFROM', section: '11.3.2', children: [text('ACCTID'), text('ACCTKEY', '?')] },

  // --- Investment statements (§13) ---
  { name: 'INVSTMTMSGSRQV1', section: '13.7.1.2.1', children: [sub('INVSTMTTRNRQ', '+')] },
  trnrq('INVSTMTTRNRQ', '13.9.1.1', 'INVSTMTRQ'),
  {
    name: 'INVSTMTRQ',
    section: '13.9.1.2',
    children: [
      sub('INVACCTFROM'),
      sub('INCTRAN', '?'),
      bool('INCOO'),
      sub('INCPOS'),
      bool('INCBAL'),
      bool('INC401K', '?'),
      bool('INC401KBAL', '?'),
      bool('INCTRANIMG', '?'),
    ],
  },
  { name: 'INVACCTFROM', section: '13.6.1', children: [text('BROKERID'), text('ACCTID')] },
  { name: 'INCPOS', section: '13.9.1.2', children: [dateTime('DTASOF', '?'), bool('INCLUDE')] },

  // --- Profile (§7) ---
  { name: 'PROFMSGSRQV1', section: '7.1', children: [sub('PROFTRNRQ', '+')] },
  trnrq('PROFTRNRQ', '7.1.5', 'PROFRQ'),
  { name: 'PROFRQ', section: '7.1.5', children: [oneOf('CLIENTROUTING', ['NONE', 'SERVICE', 'MSGSET']), dateTime('DTPROFUP')] },
];

export const REQUEST_AGGREGATES: ReadonlyMap<string, AggregateDecl> = new Map(DECLARATIONS.map((d) => [d.name, d]));

export function aggregateDecl(name: string): AggregateDecl {
  const decl = REQUEST_AGGREGATES.get(name);
  if (!decl) throw new Error(`no declaration for aggregate ${name}`);
  return decl;
}

/** The message set (child of OFX) that carries each kind of transaction wrapper we send. */
export const MESSAGE_SET_OF: Readonly<Record<string, string>> = {
  ACCTINFOTRNRQ: 'SIGNUPMSGSRQV1',
  STMTTRNRQ: 'BANKMSGSRQV1',
  CCSTMTTRNRQ: 'CREDITCARDMSGSRQV1',
  INVSTMTTRNRQ: 'INVSTMTMSGSRQV1',
  PROFTRNRQ: 'PROFMSGSRQV1',
};

/** An OFX date-time as the spec writes it: YYYYMMDD[HHMMSS[.XXX]][[+-]offset[:TZ]]. */
export const OFX_DATETIME = /^\d{8}(\d{6}(\.\d{3})?)?(\[[+-]?\d{1,2}(\.\d+)?(:[A-Za-z]+)?\])?$/;
