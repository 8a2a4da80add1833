/**
 * Every value a person types about a bank connection (command line arguments, slash command options, modal
 * fields) is checked here, once, before anything is stored or sent. Each check returns the clean value or throws
 * a ValidationError: one line naming the field and what is expected, never echoing a secret (nor a URL, which may
 * carry one). Lengths are the OFX spec's element sizes (OFX 2.2 §2.5.1 SONRQ, §11.3 account aggregates,
 * §13.6.1 INVACCTFROM): "A-32" is text of at most 32 characters.
 */
import type { AccountRef } from '../core/ofx/types.ts';
import { checkOfxUrl } from '../core/http/url.ts';
import { firstNonWindows1252 } from '../core/ofx/charset.ts';

/** A value a person gave is not acceptable; `field` names it in the person's terms ("password", "ORG"). */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

export const OFX_VERSIONS = ['102', '103', '200', '203', '211', '220'] as const;
export type OfxVersionText = (typeof OFX_VERSIONS)[number];

export const BANK_ACCOUNT_TYPES = ['CHECKING', 'SAVINGS', 'MONEYMRKT', 'CREDITLINE'] as const;
export const ACCOUNT_TYPES = [...BANK_ACCOUNT_TYPES, 'CREDITCARD', 'INVESTMENT'] as const;

export const ANSWER_AGGREGATES = ['MFACHALLENGEA', 'MFACHALLENGEANSWER'] as const;
export type AnswerAggregateName = (typeof ANSWER_AGGREGATES)[number];

/** OFX element sizes (A-n). */
export const LIMITS = {
  name: 32,
  org: 32,
  fid: 32,
  userId: 32,
  password: 171,
  userCred: 171,
  authToken: 171,
  appId: 5,
  appVer: 4,
  accountId: 22,
  bankId: 9,
  brokerId: 22,
  /** MFAPHRASEA. */
  answer: 64,
  /** ACCESSKEY. */
  accessKey: 1000,
  url: 2048,
  directoryNick: 64,
  quirkName: 32,
  quirkValue: 200,
} as const;

// C0 and C1 controls (newline and tab included): none belongs in a one-line OFX element, and SGML ends an element
// at the line break, so a stray newline in a password would be cut there on the wire.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** OFX 1.x declares CHARSET:1252: the engine's encoder decides what it can carry. */
export function encodableIn1252(text: string): boolean {
  return firstNonWindows1252(text) === null;
}

interface TextRule {
  max: number;
  /** Secrets are never trimmed (a space may be part of a password) and never echoed. */
  secret?: boolean;
  /** For OFX 1.x connections: the value must be sendable as Windows-1252. */
  version?: string | undefined;
}

/** Plain one-line text of 1..max characters. */
function text(field: string, value: unknown, rule: TextRule): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'is missing');
  const v = rule.secret ? value : value.trim();
  if (v.length === 0) throw new ValidationError(field, 'is empty');
  if ([...v].length > rule.max) throw new ValidationError(field, `is longer than the ${rule.max} characters OFX allows`);
  if (CONTROL.test(v)) throw new ValidationError(field, 'contains a line break or another control character');
  if (rule.version?.startsWith('1') && !encodableIn1252(v)) {
    throw new ValidationError(field, `contains a character that OFX ${dotted(rule.version)} (Windows-1252 text) cannot carry`);
  }
  return v;
}

function dotted(version: string): string {
  return version.split('').join('.');
}

/**
 * A connection's short name, as the person will type it (`sync home`, Discord autocomplete): letters, digits,
 * `.`, `_` and `-`, starting with a letter or digit, at most 32.
 */
export function checkConnectionName(value: unknown): string {
  const v = text('name', value, { max: LIMITS.name });
  if (!/^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u.test(v)) {
    throw new ValidationError('name', 'use letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  return v;
}

/**
 * The bank's OFX server: https, or plain http to this machine only (the simulated bank); never user:password@
 * in it (it would be stored and logged as text). The URL itself is never repeated back: it might be a secret.
 */
export function checkBankUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ValidationError('URL', 'is missing');
  if (value.length > LIMITS.url) throw new ValidationError('URL', `is longer than ${LIMITS.url} characters`);
  let url: URL;
  try {
    url = checkOfxUrl(value.trim());
  } catch (error) {
    throw new ValidationError('URL', (error instanceof Error ? error.message : 'is not valid').replace(/^the OFX URL /, ''));
  }
  if (url.hash) throw new ValidationError('URL', 'must not have a #fragment');
  return url.toString();
}

export function checkVersion(value: unknown): OfxVersionText {
  const v = typeof value === 'string' ? value.trim().replace(/\./g, '') : '';
  if (!(OFX_VERSIONS as readonly string[]).includes(v)) {
    throw new ValidationError('OFX version', `expected one of ${OFX_VERSIONS.join(', ')}`);
  }
  return v as OfxVersionText;
}

/** ORG: required by most banks; null when the bank's directory entry has none. */
export function checkOrg(value: unknown): string | null {
  return value == null || value === '' ? null : text('ORG', value, { max: LIMITS.org });
}

/** FID. */
export function checkFid(value: unknown): string | null {
  return value == null || value === '' ? null : text('FID', value, { max: LIMITS.fid });
}

export function checkUserId(value: unknown, version?: string): string {
  return text('user ID', value, { max: LIMITS.userId, version });
}

export function checkPassword(value: unknown, version?: string): string {
  return text('password', value, { max: LIMITS.password, secret: true, version });
}

export function checkUserCred(n: 1 | 2, value: unknown, version?: string): string {
  return text(`USERCRED${n}`, value, { max: LIMITS.userCred, secret: true, version });
}

export function checkAuthToken(value: unknown, version?: string): string {
  return text('authentication token', value, { max: LIMITS.authToken, secret: true, version });
}

/** USERCRED1/2 and AUTHTOKEN exist in SONRQ from OFX 1.0.3 and 2.0.3 on; 1.0.2 and 2.0.0 have no place for them. */
export function versionHasExtraCredentials(version: string): boolean {
  return version !== '102' && version !== '200';
}

/** Refuses an extra credential on a version without one, naming the first it finds. */
export function checkExtraCredentialsFit(version: string, has: { userCred1: boolean; userCred2: boolean; authToken: boolean }): void {
  if (versionHasExtraCredentials(version)) return;
  const field = has.userCred1 ? 'USERCRED1' : has.userCred2 ? 'USERCRED2' : has.authToken ? 'authentication token' : null;
  if (field) throw new ValidationError(field, `OFX ${dotted(version)} has no place for it; use OFX 1.0.3, 2.0.3 or later`);
}

/** APPID and APPVER: what the client announces itself as (QWIN 2700 by default). */
export function checkAppId(value: unknown): string {
  const v = text('APPID', value, { max: LIMITS.appId });
  if (!/^[A-Za-z0-9]+$/.test(v)) throw new ValidationError('APPID', 'use letters and digits only');
  return v;
}

export function checkAppVer(value: unknown): string {
  const v = text('APPVER', value, { max: LIMITS.appVer });
  if (!/^\d+$/.test(v)) throw new ValidationError('APPVER', 'use digits only, such as 2700');
  return v;
}

export function checkAnswerAggregate(value: unknown): AnswerAggregateName {
  const v = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!(ANSWER_AGGREGATES as readonly string[]).includes(v)) {
    throw new ValidationError('answer aggregate', `expected ${ANSWER_AGGREGATES.join(' or ')}`);
  }
  return v as AnswerAggregateName;
}

/** BROKERID, for investment accounts. */
export function checkBrokerId(value: unknown): string | null {
  return value == null || value === '' ? null : text('broker ID', value, { max: LIMITS.brokerId });
}

export function checkDirectoryNick(value: unknown): string | null {
  return value == null || value === '' ? null : text('bank directory name', value, { max: LIMITS.directoryNick });
}

/** Server quirks: short lower-case names with one-line values (what they mean is the directory's business). */
export function checkQuirks(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('quirks', 'expected name=value pairs');
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[a-z][a-z0-9_-]*$/.test(name) || name.length > LIMITS.quirkName) {
      throw new ValidationError('quirk', `"${name.slice(0, LIMITS.quirkName)}" is not a quirk name (lower-case letters, digits, "_" or "-")`);
    }
    if (typeof v !== 'string') throw new ValidationError(`quirk ${name}`, 'expected a text value');
    // An empty value means something for some quirks (clientuid "" = send none), so it is kept.
    if (v.length > LIMITS.quirkValue || CONTROL.test(v)) {
      throw new ValidationError(`quirk ${name}`, `expected one line of at most ${LIMITS.quirkValue} characters`);
    }
    out[name] = v;
  }
  return out;
}

export interface AccountInput {
  /** CHECKING, SAVINGS, MONEYMRKT, CREDITLINE, CREDITCARD or INVESTMENT. */
  type: string;
  accountId: string;
  /** The routing number (bank accounts) or the broker ID (INVESTMENT). */
  bankId?: string | null;
}

/** One account to sync, as the OFX statement request will name it. */
export function checkAccount(input: AccountInput): AccountRef {
  const type = String(input.type ?? '').trim().toUpperCase();
  if (!(ACCOUNT_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError('account type', `expected one of ${ACCOUNT_TYPES.join(', ')}`);
  }
  const accountId = text('account number', input.accountId, { max: LIMITS.accountId });
  const extra = input.bankId == null || input.bankId === '' ? null : input.bankId;
  if (type === 'CREDITCARD') return { kind: 'creditcard', accountId, accountType: null, bankId: null, brokerId: null };
  if (type === 'INVESTMENT') {
    if (extra === null) throw new ValidationError('broker ID', 'an INVESTMENT account needs its broker ID');
    return { kind: 'investment', accountId, accountType: null, bankId: null, brokerId: text('broker ID', extra, { max: LIMITS.brokerId }) };
  }
  if (extra === null) throw new ValidationError('routing number', `a ${type} account needs the bank's routing number (BANKID)`);
  const bankId = text('routing number', extra, { max: LIMITS.bankId });
  if (!/^[A-Za-z0-9]+$/.test(bankId)) throw new ValidationError('routing number', 'use letters and digits only');
  return { kind: 'bank', accountId, accountType: type, bankId, brokerId: null };
}

/** The command line's TYPE:ACCTID[:BANKID] form of an account. */
export function parseAccountSpec(value: string): AccountInput {
  const parts = value.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[1]) {
    throw new ValidationError('account', `"${value.slice(0, 60)}": expected TYPE:ACCTID[:BANKID]`);
  }
  return { type: parts[0] ?? '', accountId: parts[1], bankId: parts[2] ?? null };
}

const EARLIEST = Date.UTC(1970, 0, 1);

/**
 * A date a person gives (a statement window start): YYYY-MM-DD (midnight UTC) or an ISO 8601 instant with its
 * offset. Impossible dates (2026-02-30) are refused rather than rolled over, and so are dates in the future.
 */
export function checkDate(field: string, value: unknown, now: Date = new Date()): Date {
  const raw = typeof value === 'string' ? value.trim() : '';
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const instant = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.exec(raw);
  const match = day ?? instant;
  const example = 'expected a date such as 2026-01-31 (or 2026-01-31T09:00:00Z)';
  if (!match) throw new ValidationError(field, example);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const calendar = new Date(Date.UTC(y, m - 1, d));
  if (calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== m - 1 || calendar.getUTCDate() !== d) {
    throw new ValidationError(field, `${raw} is not a calendar date`);
  }
  const date = day ? calendar : new Date(raw);
  if (Number.isNaN(date.getTime())) throw new ValidationError(field, example);
  if (date.getTime() < EARLIEST) throw new ValidationError(field, 'is before 1970');
  if (date.getTime() > now.getTime()) throw new ValidationError(field, 'is in the future');
  return date;
}

/** A challenge answer (MFAPHRASEA, A-64); never echoed. */
export function checkAnswer(questionId: string, value: unknown, version?: string): string {
  return text(`answer to ${questionId}`, value, { max: LIMITS.answer, secret: true, version });
}

/** An ACCESSKEY as the bank sent it (A-1000); longer is not an OFX key. */
export function checkAccessKey(value: unknown): string {
  return text('access key', value, { max: LIMITS.accessKey, secret: true });
}
