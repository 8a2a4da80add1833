/**
 * A member's bank connections: add, change, remove, forget the access key, lift a hold, list. The command line and
 * the Discord commands both call these; each front end only gathers the input (flags and prompts, options and
 * modals) and turns the typed errors below into its own words. Every input goes through bot/validate.ts here,
 * so a bad value is refused the same way whichever door it came in by, before anything is stored or sent.
 * What the bank's profile means is described for people, never in terms of one front end's flags or buttons.
 */
import type { AccountRef } from '../core/ofx/types.ts';
import { requestQuirks } from '../core/ofx/quirks.ts';
import type { ProfileFlags } from '../core/sync/types.ts';
import {
  clearHold,
  ConnectionExistsError,
  createConnection,
  forgetKey,
  getConnection,
  getConnectionById,
  holdOfRow,
  listAccounts,
  listConnectionRows,
  liveKeyInfo,
  removeConnection,
  updateConnectionSecrets,
  updateConnectionSettings,
  updateProfileFlags,
  upsertAccounts,
  type ConnectionRow,
  type Database,
  type Hold,
  type SecretBox,
  type SecretChanges,
  type SettingChanges,
  storedProfileFlags,
} from '../db/index.ts';
import {
  checkAccount,
  checkAnswerAggregate,
  checkAppId,
  checkAppVer,
  checkAuthToken,
  checkBankUrl,
  checkBrokerId,
  checkConnectionName,
  checkExtraCredentialsFit,
  checkDirectoryNick,
  checkFid,
  checkOrg,
  checkPassword,
  checkQuirks,
  checkUserCred,
  checkUserId,
  checkVersion,
  ValidationError,
  type AccountInput,
} from './validate.ts';

export { ConnectionExistsError } from '../db/index.ts';
export { ValidationError } from './validate.ts';

/** What the bank service needs of the application: the database and the secret box. */
export interface BankApp {
  db: Database;
  box: SecretBox;
}

/** A connection of the member's, by its name or by its row id (from a button or an autocomplete value). */
export type BankTarget = string | { id: number };

/** No connection of this member's by that name or id. Another member's connection is "not found" too. */
export class BankNotFoundError extends Error {
  override name = 'BankNotFoundError';
  constructor(readonly target: BankTarget) {
    super(typeof target === 'string' ? `no bank connection named "${target}"` : 'no such bank connection');
  }
}

const PROFILE_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------------------------
// The bank's profile, read before the connection is stored (the Discord modal asks for USERCRED labels it names).

/** Where a bank's OFX server is and how to greet it: all a profile request needs (no password: anonymous). */
export interface BankServerInput {
  url: string;
  org?: string | null;
  fid?: string | null;
  /** Default 103. */
  version?: string;
  appId?: string;
  appVer?: string;
  /** Server quirks (fi.cfg names): the profile request is shaped and sent as the connection's requests will be. */
  quirks?: Record<string, string>;
}

export type ProfileReading =
  | { status: 'read'; flags: ProfileFlags }
  /** The bank answered the profile request with an error status. */
  | { status: 'not-shared' }
  /** No answer, or not OFX; `reason` is one line without secrets. */
  | { status: 'unreachable'; reason: string }
  | { status: 'skipped' };

export interface ProfileOptions {
  /** How to send the request; default: the real HTTP transport with a 15 s timeout. */
  send?: (url: string, body: string) => Promise<Uint8Array>;
  timeoutMs?: number;
  now?: Date;
}

interface CheckedServer {
  url: string;
  org: string | null;
  fid: string | null;
  version: string;
  appId: string;
  appVer: string;
  quirks: Record<string, string>;
}

function checkServer(input: BankServerInput): CheckedServer {
  return {
    url: checkBankUrl(input.url),
    org: checkOrg(input.org),
    fid: checkFid(input.fid),
    version: checkVersion(input.version ?? '103'),
    appId: checkAppId(input.appId ?? 'QWIN'),
    appVer: checkAppVer(input.appVer ?? '2700'),
    quirks: checkQuirks(input.quirks ?? {}),
  };
}

async function defaultSend(timeoutMs: number, userAgent: string | undefined): Promise<(url: string, body: string) => Promise<Uint8Array>> {
  // The HTTP client is loaded only by the commands that talk to a bank.
  const { postOfx } = await import('../core/http/transport.ts');
  return (url, body) => postOfx(url, body, { timeoutMs, userAgent });
}

async function readProfileOf(server: CheckedServer, options: ProfileOptions): Promise<ProfileReading> {
  // Quirk useragent: the server wants that User-Agent on every request, the profile's included.
  const userAgent = requestQuirks(server.quirks).userAgent ?? undefined;
  const send = options.send ?? (await defaultSend(options.timeoutMs ?? PROFILE_TIMEOUT_MS, userAgent));
  // The request builder (and its XML library) is loaded only when a profile is read, not for `bank list`.
  const { fetchProfile } = await import('../core/sync/profile.ts');
  try {
    const flags = await fetchProfile(server, (body) => send(server.url, body), options.now);
    return flags ? { status: 'read', flags } : { status: 'not-shared' };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'unknown error';
    return { status: 'unreachable', reason: reason || 'unknown error' };
  }
}

/** Asks a bank's server for its profile (anonymously, no password travels); never throws for a bank's failure. */
export async function readBankProfile(input: BankServerInput, options: ProfileOptions = {}): Promise<ProfileReading> {
  return readProfileOf(checkServer(input), options);
}

/** One thing the person should know about the bank, in words for people; `missing` names a secret to add. */
export interface BankNote {
  text: string;
  missing?: 'userCred1' | 'userCred2' | 'authToken';
}

export interface StoredCredentials {
  userCred1: boolean;
  userCred2: boolean;
  authToken: boolean;
}

/** What the bank's profile means for this connection: challenges, CLIENTUID approval, extra credentials. */
export function describeBankNeeds(reading: ProfileReading, has: StoredCredentials): BankNote[] {
  if (reading.status === 'skipped') return [];
  if (reading.status === 'not-shared') return [{ text: 'The bank did not share its profile; the first sync will ask for it again.' }];
  if (reading.status === 'unreachable') {
    return [{ text: `Could not read the bank's profile now (${reading.reason}); the first sync will try again.` }];
  }
  const { flags } = reading;
  const notes: BankNote[] = [
    {
      text: flags.mfaChallengeSupported
        ? 'The bank uses security challenges: the first sync asks you its questions once, then a stored access key lets later syncs sign on without asking.'
        : 'The bank does not say it uses security challenges.',
    },
  ];
  if (flags.clientUidRequired) {
    notes.push({
      text: 'The bank identifies this app by a client ID (CLIENTUID): if the first sync is refused with 15510, approve the new client on the bank\'s website or by e-mail, then sync again.',
    });
  }
  const extra = (label: string | null, which: 'userCred1' | 'userCred2', tag: string) => {
    if (!label) return;
    notes.push(
      has[which]
        ? { text: `The bank also asks for "${label}" (${tag}); it is stored with this connection.` }
        : { text: `The bank also asks for "${label}" (${tag}), which this connection does not have yet: add it before the first sync.`, missing: which },
    );
  };
  extra(flags.userCred1Label, 'userCred1', 'USERCRED1');
  extra(flags.userCred2Label, 'userCred2', 'USERCRED2');
  if (flags.authTokenFirst) {
    const label = flags.authTokenLabel ? ` ("${flags.authTokenLabel}")` : '';
    notes.push(
      has.authToken
        ? { text: `The bank wants a one-time authentication token${label} on the first sign-on; it is stored with this connection.` }
        : { text: `The bank wants a one-time authentication token${label} on the first sign-on: get it from the bank and add it before the first sync.`, missing: 'authToken' },
    );
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------------------------
// Adding.

export interface NewBankInput extends BankServerInput {
  name: string;
  userId: string;
  password: string;
  userCred1?: string | null;
  userCred2?: string | null;
  authToken?: string | null;
  answerAggregate?: string;
  /** Accounts to sync; without them the first sync discovers the accounts. */
  accounts?: AccountInput[];
  brokerId?: string | null;
  /** The bank directory entry the connection was filled from. */
  directoryNick?: string | null;
  quirks?: Record<string, string>;
}

export interface AddBankOptions extends ProfileOptions {
  /** A profile already read (the bot reads it before its credentials modal), or 'skip'; default: read it now. */
  profile?: ProfileReading | 'skip';
  now?: Date;
}

export interface AddBankResult {
  bank: BankSummary;
  profile: ProfileReading;
  notes: BankNote[];
}

type SecretInputs = 'password' | 'userCred1' | 'userCred2' | 'authToken';
/** A new connection's input without its secrets: what a front end can check before it asks for any. */
export type BankSettingsInput = Omit<NewBankInput, SecretInputs>;

interface CheckedSettings extends CheckedServer {
  name: string;
  userId: string;
  answerAggregate: 'MFACHALLENGEA' | 'MFACHALLENGEANSWER';
  accounts: AccountRef[];
  brokerId: string | null;
  directoryNick: string | null;
  quirks: Record<string, string>;
}

interface CheckedNewBank extends CheckedSettings {
  password: string;
  userCred1: string | null;
  userCred2: string | null;
  authToken: string | null;
}

/** Checks everything but the secrets; throws the first ValidationError. */
export function checkBankSettings(input: BankSettingsInput): CheckedSettings {
  const server = checkServer(input);
  return {
    ...server,
    name: checkConnectionName(input.name),
    userId: checkUserId(input.userId, server.version),
    answerAggregate: checkAnswerAggregate(input.answerAggregate ?? 'MFACHALLENGEA'),
    accounts: (input.accounts ?? []).map(checkAccount),
    brokerId: checkBrokerId(input.brokerId),
    directoryNick: checkDirectoryNick(input.directoryNick),
    quirks: checkQuirks(input.quirks ?? {}),
  };
}

/** All of a new connection's input, checked; throws the first ValidationError. */
export function checkNewBank(input: NewBankInput): CheckedNewBank {
  const settings = checkBankSettings(input);
  const v = settings.version;
  const optional = <T>(value: T | null | undefined, check: (value: T) => string): string | null =>
    value == null || value === '' ? null : check(value);
  const checked = {
    ...settings,
    password: checkPassword(input.password, v),
    userCred1: optional(input.userCred1, (x) => checkUserCred(1, x, v)),
    userCred2: optional(input.userCred2, (x) => checkUserCred(2, x, v)),
    authToken: optional(input.authToken, (x) => checkAuthToken(x, v)),
  };
  checkExtraCredentialsFit(v, { userCred1: checked.userCred1 !== null, userCred2: checked.userCred2 !== null, authToken: checked.authToken !== null });
  return checked;
}

/** Whether the member already has a connection by that name (to refuse before asking for a password). */
export function hasBank(app: BankApp, memberId: number, name: string): boolean {
  return getConnection(app.db, memberId, name) !== null;
}

/**
 * Stores a new connection (secrets encrypted) with its accounts and what its profile says. The profile is read
 * first unless given or skipped; a bank out of reach does not stop the add, it postpones the profile to the
 * first sync. Throws ValidationError or ConnectionExistsError, and stores nothing then.
 */
export async function addBank(app: BankApp, memberId: number, input: NewBankInput, options: AddBankOptions = {}): Promise<AddBankResult> {
  const bank = checkNewBank(input);
  if (getConnection(app.db, memberId, bank.name)) throw new ConnectionExistsError(bank.name);
  const profile: ProfileReading =
    options.profile === 'skip' ? { status: 'skipped' } : (options.profile ?? (await readProfileOf(bank, options)));
  const row = app.db.sqlite.transaction(() => {
    const created = createConnection(app.db, app.box, { memberId, ...bank });
    if (bank.accounts.length > 0) upsertAccounts(app.db, created.id, bank.accounts);
    return profile.status === 'read' ? updateProfileFlags(app.db, created.id, profile.flags, options.now) : created;
  })();
  const has = { userCred1: bank.userCred1 !== null, userCred2: bank.userCred2 !== null, authToken: bank.authToken !== null };
  return { bank: summarize(app.db, row, options.now), profile, notes: describeBankNeeds(profile, has) };
}

// ---------------------------------------------------------------------------------------------------------------
// Changing.

/**
 * What to change; undefined leaves a field as it is. For USERCRED1/2 and the token, null removes the stored one.
 * Changing the credentials (user ID, password, USERCRED1/2, token) lifts a hold the bank's refusal of the old
 * ones had put on (a person acted); it does not lift a hold for rejected answers.
 */
export interface BankChanges {
  url?: string;
  org?: string | null;
  fid?: string | null;
  version?: string;
  appId?: string;
  appVer?: string;
  userId?: string;
  password?: string;
  userCred1?: string | null;
  userCred2?: string | null;
  authToken?: string | null;
  answerAggregate?: string;
  brokerId?: string | null;
  directoryNick?: string | null;
  /** Quirks to set (a string) or remove (null); the others stay. */
  quirks?: Record<string, string | null>;
}

export interface BankChangeResult {
  bank: BankSummary;
  /** The names of the fields that changed, e.g. ["password", "url"]; never their values. */
  changed: string[];
  /** The hold the change lifted, if any. */
  holdLifted: Hold | null;
  /** True when the stored access key was dropped because the bank or the user it was issued for changed. */
  keyDropped: boolean;
}

const CREDENTIAL_FIELDS = new Set(['userId', 'password', 'userCred1', 'userCred2', 'authToken']);
// An access key is issued to one user at one bank: it means nothing once either changes.
const KEY_BOUND_FIELDS = new Set(['url', 'org', 'fid', 'userId']);

export function changeBank(app: BankApp, memberId: number, target: BankTarget, changes: BankChanges, now: Date = new Date()): BankChangeResult {
  const row = findBank(app.db, memberId, target);
  const version = changes.version === undefined ? row.version : checkVersion(changes.version);
  const settings: SettingChanges = {};
  const secrets: SecretChanges = {};
  const clear = <T>(value: T | null, check: (value: T) => string): string | null => (value === null || value === '' ? null : check(value));

  if (changes.url !== undefined) settings.url = checkBankUrl(changes.url);
  if (changes.org !== undefined) settings.org = checkOrg(changes.org);
  if (changes.fid !== undefined) settings.fid = checkFid(changes.fid);
  if (changes.version !== undefined) settings.version = version;
  if (changes.appId !== undefined) settings.appId = checkAppId(changes.appId);
  if (changes.appVer !== undefined) settings.appVer = checkAppVer(changes.appVer);
  if (changes.userId !== undefined) settings.userId = checkUserId(changes.userId, version);
  if (changes.answerAggregate !== undefined) settings.answerAggregate = checkAnswerAggregate(changes.answerAggregate);
  if (changes.brokerId !== undefined) settings.brokerId = checkBrokerId(changes.brokerId);
  if (changes.directoryNick !== undefined) settings.directoryNick = checkDirectoryNick(changes.directoryNick);
  if (changes.quirks !== undefined) {
    const set = Object.fromEntries(Object.entries(changes.quirks).filter((e): e is [string, string] => e[1] !== null));
    const merged = { ...row.quirks, ...checkQuirks(set) };
    for (const [name, value] of Object.entries(changes.quirks)) if (value === null) delete merged[name];
    settings.quirks = merged;
  }
  if (changes.password !== undefined) secrets.password = checkPassword(changes.password, version);
  if (changes.userCred1 !== undefined) secrets.userCred1 = clear(changes.userCred1, (x) => checkUserCred(1, x, version));
  if (changes.userCred2 !== undefined) secrets.userCred2 = clear(changes.userCred2, (x) => checkUserCred(2, x, version));
  if (changes.authToken !== undefined) secrets.authToken = clear(changes.authToken, (x) => checkAuthToken(x, version));

  const changed = [...Object.keys(settings), ...Object.keys(secrets)];
  if (changed.length === 0) throw new ValidationError('changes', 'nothing to change was given');
  const after = (field: 'userCred1' | 'userCred2' | 'authToken', column: string | null) =>
    secrets[field] === undefined ? column !== null : secrets[field] !== null;
  checkExtraCredentialsFit(version, {
    userCred1: after('userCred1', row.encryptedUserCred1),
    userCred2: after('userCred2', row.encryptedUserCred2),
    authToken: after('authToken', row.encryptedAuthToken),
  });

  // Settings that equal what is stored are not changes: they neither drop the key nor count as a person's fix.
  const really = (field: string) =>
    field in secrets || JSON.stringify((settings as Record<string, unknown>)[field]) !== JSON.stringify((row as Record<string, unknown>)[field]);
  const hold = holdOfRow(row);
  const result = app.db.sqlite.transaction(() => {
    if (Object.keys(settings).length > 0) updateConnectionSettings(app.db, row.id, settings);
    if (Object.keys(secrets).length > 0) updateConnectionSecrets(app.db, app.box, row.id, secrets);
    const keyDropped = changed.some((f) => KEY_BOUND_FIELDS.has(f) && really(f))
      ? forgetKey(app.db, row.id, 'the bank or user of the connection changed')
      : false;
    const lift = hold?.reason === 'credentials-refused' && changed.some((f) => CREDENTIAL_FIELDS.has(f) && really(f));
    if (lift) clearHold(app.db, row.id);
    return { keyDropped, holdLifted: lift ? hold : null };
  })();
  const fresh = getConnectionById(app.db, row.id) ?? row;
  return { bank: summarize(app.db, fresh, now), changed, ...result };
}

// ---------------------------------------------------------------------------------------------------------------
// Removing, forgetting the key, lifting a hold.

/** Deletes the connection with its key, accounts, transactions and history. */
export function removeBank(app: BankApp, memberId: number, target: BankTarget): void {
  const row = findBank(app.db, memberId, target);
  removeConnection(app.db, memberId, row.name);
}

/** Drops the stored access key: the next sync is challenged again. False when there was none. */
export function forgetBankKey(app: BankApp, memberId: number, target: BankTarget): boolean {
  return forgetKey(app.db, findBank(app.db, memberId, target).id);
}

/** Lets unattended syncs sign on again; returns the hold that was lifted, or null when there was none. */
export function clearBankHold(app: BankApp, memberId: number, target: BankTarget): Hold | null {
  const row = findBank(app.db, memberId, target);
  const hold = holdOfRow(row);
  return hold && clearHold(app.db, row.id) ? hold : null;
}

/** What a hold means and how to go on, in words for people; `summary` is the one line to show. */
export interface HoldWords {
  /** Why: "the bank rejected the security answers (3001)". */
  why: string;
  /** What it stops. */
  effect: string;
  /** How to go on, without any one front end's commands. */
  next: string;
  /** "held since <ISO>: <why>; <effect>". */
  summary: string;
}

export function describeHold(hold: Hold): HoldWords {
  const words =
    hold.reason === 'answers-rejected'
      ? {
          why: `the bank rejected the security answers (${hold.code})`,
          effect: 'unattended syncs do not send answers again',
          next: 'answer the questions yourself in a new sync, or clear the hold once the answers are right',
        }
      : hold.code === 15502
        ? {
            why: 'the bank locked the user out (15502)',
            effect: 'unattended syncs do not sign on',
            next: 'call the bank to unlock the account, then clear the hold',
          }
        : {
            why: `the bank refused the sign-on credentials (${hold.code})`,
            effect: 'unattended syncs do not sign on',
            next: 'change the stored password (or user ID, or the extra credentials the bank asks for), or clear the hold',
          };
  return { ...words, summary: `held since ${hold.since}: ${words.why}; ${words.effect}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Listing.

export interface BankAccountSummary {
  kind: string;
  accountId: string;
  accountType: string | null;
  bankId: string | null;
  brokerId: string | null;
  description: string | null;
  ledgerBalance: string | null;
  ledgerBalanceAsOf: string | null;
  availableBalance: string | null;
  currency: string | null;
}

/** A connection as its owner may see it: no secret, not even encrypted; only whether each is stored. */
export interface BankSummary {
  id: number;
  name: string;
  url: string;
  org: string | null;
  fid: string | null;
  version: string;
  appId: string;
  appVer: string;
  userId: string;
  answerAggregate: string;
  brokerId: string | null;
  directoryNick: string | null;
  quirks: Record<string, string>;
  stored: StoredCredentials;
  accounts: BankAccountSummary[];
  lastSyncedAt: string | null;
  accessKey: { receivedAt: string; lastUsedAt: string | null; ageDays: number } | null;
  hold: (Hold & HoldWords) | null;
  /** What the bank's profile said when last read; null until it has been read. */
  profile: (ProfileFlags & { fetchedAt: string }) | null;
  /** Kept from the first `bank list --json`, for scripts that read it. */
  mfaChallengeSupported: boolean | null;
}

const DAY_MS = 86_400_000;

function summarize(db: Database, row: ConnectionRow, now: Date = new Date()): BankSummary {
  const key = liveKeyInfo(db, row.id);
  const hold = holdOfRow(row);
  const profile = storedProfileFlags(row);
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    org: row.org,
    fid: row.fid,
    version: row.version,
    appId: row.appId,
    appVer: row.appVer,
    userId: row.userId,
    answerAggregate: row.answerAggregate,
    brokerId: row.brokerId,
    directoryNick: row.directoryNick,
    quirks: row.quirks,
    stored: {
      userCred1: row.encryptedUserCred1 !== null,
      userCred2: row.encryptedUserCred2 !== null,
      authToken: row.encryptedAuthToken !== null,
    },
    accounts: listAccounts(db, row.id).map((a) => ({
      kind: a.kind,
      accountId: a.accountId,
      accountType: a.accountType,
      bankId: a.bankId,
      brokerId: a.brokerId,
      description: a.description,
      ledgerBalance: a.ledgerBalance,
      ledgerBalanceAsOf: a.ledgerBalanceAsOf,
      availableBalance: a.availableBalance,
      currency: a.currency,
    })),
    lastSyncedAt: row.lastSyncedAt,
    accessKey: key
      ? { ...key, ageDays: Math.max(0, Math.floor((now.getTime() - new Date(key.receivedAt).getTime()) / DAY_MS)) }
      : null,
    hold: hold ? { ...hold, ...describeHold(hold) } : null,
    profile: profile && row.profileFetchedAt ? { fetchedAt: row.profileFetchedAt, ...profile } : null,
    mfaChallengeSupported: row.mfaChallengeSupported,
  };
}

/** The member's connections by name. */
export function listBanks(app: BankApp, memberId: number, now: Date = new Date()): BankSummary[] {
  return listConnectionRows(app.db, memberId).map((row) => summarize(app.db, row, now));
}

/** One of the member's connections; throws BankNotFoundError. */
export function getBank(app: BankApp, memberId: number, target: BankTarget, now: Date = new Date()): BankSummary {
  return summarize(app.db, findBank(app.db, memberId, target), now);
}

function findBank(db: Database, memberId: number, target: BankTarget): ConnectionRow {
  const row = typeof target === 'string' ? getConnection(db, memberId, target) : getConnectionById(db, target.id);
  // Someone else's connection is reported exactly like a missing one: its existence is not ours to tell.
  if (!row || row.memberId !== memberId) throw new BankNotFoundError(target);
  return row;
}
