/**
 * Strict request builders: a typed request becomes an OfxNode tree written in exactly the order the declarations
 * in aggregates.ts give, with required elements and allowed values checked, then serialised by serializeOfx.
 * "Parse leniently, build strictly": anything we send is something the validator (validate.ts) accepts.
 */
import { randomUUID } from 'node:crypto';
import { OfxError } from '../errors.ts';
import { aggregateDecl, MESSAGE_SET_OF, OFX_DATETIME, type ChildDecl } from './aggregates.ts';
import { formatOfxDateTime } from './dates.ts';
import { checkWindows1252 } from './charset.ts';
import { formatOfVersion, serializeOfx } from './serialize.ts';
import { aggregate, leaf, type OfxNode } from './tree.ts';

export type OfxVersion = '102' | '103' | '200' | '203' | '211' | '220';
export const OFX_VERSIONS: readonly OfxVersion[] = ['102', '103', '200', '203', '211', '220'];

export type AnswerAggregate = 'MFACHALLENGEA' | 'MFACHALLENGEANSWER';

export interface SignonFields {
  userId: string;
  password: string;
  /** Default 'ENG'. */
  language?: string;
  /** The FI aggregate is sent only when org is given. */
  org?: string | null;
  fid?: string | null;
  sessionCookie?: string | null;
  appId: string;
  appVer: string;
  clientUid?: string | null;
  userCred1?: string | null;
  userCred2?: string | null;
  authToken?: string | null;
  accessKey?: string | null;
  /** MFAPHRASEID and MFAPHRASEA of each answer, in the order given. */
  answers?: ReadonlyArray<{ id: string; answer: string }>;
  /** Default MFACHALLENGEA. */
  answerAggregate?: AnswerAggregate;
}

export type StatementAccount =
  | { kind: 'bank'; bankId: string; accountId: string; accountType: string }
  | { kind: 'creditcard'; accountId: string }
  | { kind: 'investment'; brokerId: string; accountId: string };

export type RequestItem =
  | { kind: 'profile'; profileUpdatedAt?: Date }
  | { kind: 'accounts'; accountsUpdatedAt?: Date }
  | { kind: 'challenge' }
  | { kind: 'statement'; account: StatementAccount; start?: Date; end?: Date; includeTransactions?: boolean };

export interface RequestSpec {
  version: OfxVersion;
  signon: SignonFields;
  items: readonly RequestItem[];
}

export interface BuildContext {
  now?: Date;
  uuid?: () => string;
  /** Zone the client's date-times are written in, minutes east of UTC (default 0, UTC). */
  utcOffsetMinutes?: number;
}

export interface BuiltRequest {
  body: string;
  root: OfxNode;
  /** trnuids[i] is items[i]'s TRNUID. */
  trnuids: string[];
  newFileUid: string;
}

/** Multi-factor sign-on (MFACHALLENGE, ACCESSKEY) arrived with 1.0.3 and 2.0.3. */
export function mfaCapable(version: OfxVersion): boolean {
  return version === '103' || (version.startsWith('2') && Number(version) >= 203);
}

/** "Since the beginning": asks the bank for its whole profile / account list. */
const EPOCH_1990 = new Date(Date.UTC(1990, 0, 1));

/** What a declared child may be given: text for leaves, built nodes for aggregates; null/undefined = absent. */
type FieldValue = string | OfxNode | readonly OfxNode[] | null | undefined;
type Fields = Readonly<Record<string, FieldValue>>;
type BuildAggregate = (name: string, fields: Fields) => OfxNode;

/**
 * The one place that turns declared children into nodes: walks the declaration (so the output order is the
 * spec's whatever order the fields were given in), rejects missing, empty or out-of-range values, and refuses
 * multi-factor elements for versions that predate them. Messages name the element, never its value.
 */
function declarativeBuilder(version: OfxVersion): BuildAggregate {
  return (name, fields) => {
    const decl = aggregateDecl(name);
    for (const key of Object.keys(fields)) {
      if (!decl.children.some((c) => c.name === key)) throw new Error(`${name} declares no child ${key}`);
    }
    const children: OfxNode[] = [];
    for (const child of decl.children) {
      const nodes = childNodesFor(name, child, fields[child.name]);
      const path = `${name}/${child.name}`;
      if (nodes.length === 0 && (child.occurs === '1' || child.occurs === '+')) {
        throw new OfxError(`${path} is required`);
      }
      if (nodes.length > 1 && (child.occurs === '1' || child.occurs === '?')) {
        throw new OfxError(`${path} may appear only once`);
      }
      if (nodes.length > 0 && child.mfa && !mfaCapable(version)) {
        // Refused rather than left out: a bank asking for USERCRED1 or an answer would refuse a sign-on without
        // it (15500, 3000) and nobody could tell why; this says what to change.
        throw new OfxError(
          `${path} needs multi-factor sign-on (OFX 1.0.3 / 2.0.3), which OFX ${version} does not have; use version 103 or 203 and later`,
        );
      }
      children.push(...nodes);
    }
    return aggregate(name, children);
  };
}

function childNodesFor(parent: string, child: ChildDecl, value: FieldValue): OfxNode[] {
  const path = `${parent}/${child.name}`;
  if (value === null || value === undefined) return [];
  if (child.kind === 'aggregate') {
    const nodes = typeof value === 'string' ? null : Array.isArray(value) ? value : [value as OfxNode];
    if (!nodes || nodes.some((n) => n.name !== child.name || !n.children)) {
      throw new Error(`${path} must be given as ${child.name} aggregates`);
    }
    return [...nodes];
  }
  if (typeof value !== 'string') throw new Error(`${path} must be given as text`);
  if (value.trim() === '') {
    // An empty optional value means "not set"; an empty required one would be refused by any bank.
    if (child.occurs === '?' || child.occurs === '*') return [];
    throw new OfxError(`${path} must not be empty`);
  }
  const type = child.type;
  if (type === 'bool' && value !== 'Y' && value !== 'N') throw new OfxError(`${path} must be Y or N`);
  if (type === 'datetime' && !OFX_DATETIME.test(value)) throw new OfxError(`${path} is not an OFX date-time`);
  if (typeof type === 'object' && !type.oneOf.includes(value)) {
    // Enumerated values (account types, routing) are never secrets, so naming them helps the user.
    throw new OfxError(`${path} "${value}" is not one of ${type.oneOf.join(', ')}`);
  }
  return [leaf(child.name, value)];
}

function checkedDate(date: Date, what: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new OfxError(`${what} is not a valid date`);
  return date;
}

export function buildRequest(spec: RequestSpec, ctx: BuildContext = {}): BuiltRequest {
  const { version, signon, items } = spec;
  if (!OFX_VERSIONS.includes(version)) {
    throw new OfxError(`unsupported OFX version "${String(version)}"; use one of ${OFX_VERSIONS.join(', ')}`);
  }
  const now = checkedDate(ctx.now ?? new Date(), 'the current time');
  const nextUuid = ctx.uuid ?? randomUUID;
  const offset = ctx.utcOffsetMinutes ?? 0;
  const dt = (date: Date, what: string): string => formatOfxDateTime(checkedDate(date, what), offset);
  const uuid = (): string => {
    const id = nextUuid();
    if (typeof id !== 'string' || id.trim() === '') throw new OfxError('the UUID source returned an empty value');
    return id;
  };
  const b = declarativeBuilder(version);

  const trnuids = items.map(() => uuid());
  if (items.filter((i) => i.kind === 'challenge').length > 1) {
    throw new OfxError('a request carries at most one MFACHALLENGETRNRQ');
  }

  let challenge: OfxNode | null = null;
  const messageSets = new Map<string, OfxNode[]>();
  for (const [i, item] of items.entries()) {
    const trnuid = trnuids[i] as string;
    if (item.kind === 'challenge') {
      // Sent in the sign-on message set, right after SONRQ (§2.5.4.1).
      challenge = b('MFACHALLENGETRNRQ', {
        TRNUID: trnuid,
        MFACHALLENGERQ: b('MFACHALLENGERQ', { DTCLIENT: dt(now, 'DTCLIENT') }),
      });
      continue;
    }
    const trn = buildTransaction(b, item, trnuid, dt);
    const set = MESSAGE_SET_OF[trn.name] as string;
    messageSets.set(set, [...(messageSets.get(set) ?? []), trn]);
  }

  const setFields: Record<string, OfxNode> = {};
  for (const [set, trns] of messageSets) setFields[set] = b(set, { [(trns[0] as OfxNode).name]: trns });

  const root = b('OFX', {
    SIGNONMSGSRQV1: b('SIGNONMSGSRQV1', { SONRQ: buildSonrq(b, signon, dt(now, 'DTCLIENT')), MFACHALLENGETRNRQ: challenge }),
    ...setFields,
  });
  // 1.x declares CHARSET:1252: a character it lacks is refused here, naming the field, before anything is sent.
  if (formatOfVersion(version) === 'sgml') checkWindows1252(root);
  const newFileUid = uuid();
  return { body: serializeOfx(root, { version, newFileUid }), root, trnuids, newFileUid };
}

function buildSonrq(b: BuildAggregate, s: SignonFields, dtClient: string): OfxNode {
  const answerAggregate = s.answerAggregate ?? 'MFACHALLENGEA';
  if (answerAggregate !== 'MFACHALLENGEA' && answerAggregate !== 'MFACHALLENGEANSWER') {
    throw new OfxError(`unknown answer aggregate "${String(answerAggregate)}"`);
  }
  const hasOrg = s.org !== undefined && s.org !== null && s.org.trim() !== '';
  return b('SONRQ', {
    DTCLIENT: dtClient,
    USERID: s.userId,
    USERPASS: s.password,
    LANGUAGE: s.language ?? 'ENG',
    FI: hasOrg ? b('FI', { ORG: s.org, FID: s.fid }) : null,
    SESSCOOKIE: s.sessionCookie,
    APPID: s.appId,
    APPVER: s.appVer,
    CLIENTUID: s.clientUid,
    USERCRED1: s.userCred1,
    USERCRED2: s.userCred2,
    AUTHTOKEN: s.authToken,
    ACCESSKEY: s.accessKey,
    [answerAggregate]: (s.answers ?? []).map((a) => b(answerAggregate, { MFAPHRASEID: a.id, MFAPHRASEA: a.answer })),
  });
}

function buildTransaction(
  b: BuildAggregate,
  item: Exclude<RequestItem, { kind: 'challenge' }>,
  trnuid: string,
  dt: (date: Date, what: string) => string,
): OfxNode {
  switch (item.kind) {
    case 'profile':
      return b('PROFTRNRQ', {
        TRNUID: trnuid,
        PROFRQ: b('PROFRQ', { CLIENTROUTING: 'NONE', DTPROFUP: dt(item.profileUpdatedAt ?? EPOCH_1990, 'DTPROFUP') }),
      });
    case 'accounts':
      return b('ACCTINFOTRNRQ', {
        TRNUID: trnuid,
        ACCTINFORQ: b('ACCTINFORQ', { DTACCTUP: dt(item.accountsUpdatedAt ?? EPOCH_1990, 'DTACCTUP') }),
      });
    case 'statement':
      return buildStatement(b, item, trnuid, dt);
  }
}

function buildStatement(
  b: BuildAggregate,
  item: Extract<RequestItem, { kind: 'statement' }>,
  trnuid: string,
  dt: (date: Date, what: string) => string,
): OfxNode {
  if (item.start && item.end && checkedDate(item.start, 'DTSTART') > checkedDate(item.end, 'DTEND')) {
    throw new OfxError('statement DTSTART is after DTEND');
  }
  const inctran = b('INCTRAN', {
    DTSTART: item.start ? dt(item.start, 'DTSTART') : null,
    DTEND: item.end ? dt(item.end, 'DTEND') : null,
    INCLUDE: item.includeTransactions === false ? 'N' : 'Y',
  });
  const account = item.account;
  switch (account.kind) {
    case 'bank':
      return b('STMTTRNRQ', {
        TRNUID: trnuid,
        STMTRQ: b('STMTRQ', {
          BANKACCTFROM: b('BANKACCTFROM', {
            BANKID: account.bankId,
            ACCTID: account.accountId,
            ACCTTYPE: account.accountType,
          }),
          INCTRAN: inctran,
        }),
      });
    case 'creditcard':
      return b('CCSTMTTRNRQ', {
        TRNUID: trnuid,
        CCSTMTRQ: b('CCSTMTRQ', { CCACCTFROM: b('CCACCTFROM', { ACCTID: account.accountId }), INCTRAN: inctran }),
      });
    case 'investment':
      return b('INVSTMTTRNRQ', {
        TRNUID: trnuid,
        INVSTMTRQ: b('INVSTMTRQ', {
          INVACCTFROM: b('INVACCTFROM', { BROKERID: account.brokerId, ACCTID: account.accountId }),
          INCTRAN: inctran,
          // Open orders are not something a statement sync stores; positions and balances are.
          INCOO: 'N',
          INCPOS: b('INCPOS', { INCLUDE: 'Y' }),
          INCBAL: 'Y',
        }),
      });
    default:
      throw new OfxError(`unknown account kind "${String((account as { kind: unknown }).kind)}"`);
  }
}

const MASK = '***';

function masked(value: string | null | undefined): string | null | undefined {
  return value === undefined || value === null || value.trim() === '' ? value : MASK;
}

/** The same request with USERPASS, USERCRED1/2, AUTHTOKEN, ACCESSKEY and every answer replaced by "***", for --dry-run and logs. */
export function maskRequest(spec: RequestSpec): RequestSpec {
  const s = spec.signon;
  const signon: SignonFields = {
    ...s,
    password: MASK,
    userCred1: masked(s.userCred1),
    userCred2: masked(s.userCred2),
    authToken: masked(s.authToken),
    accessKey: masked(s.accessKey),
  };
  if (s.answers) signon.answers = s.answers.map((a) => ({ id: a.id, answer: MASK }));
  return { ...spec, signon, items: [...spec.items] };
}
