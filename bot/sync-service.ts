/**
 * One sync of one stored connection, end to end: check the owner and any hold, take the connection's lock, run the
 * core state machine with this caller's front-end challenger, write what came back in one transaction, and record
 * the run. The command line, the Discord bot and the scheduler all go through here.
 */
import { describeStatus } from '../core/status.ts';
import { OfxStatusError } from '../core/errors.ts';
import { postOfx, DEFAULT_USER_AGENT, type TransportOptions } from '../core/http/transport.ts';
import { requestQuirks } from '../core/ofx/quirks.ts';
import { runSync, type SyncAccount, type SyncOutcome } from '../core/sync/machine.ts';
import { profileFlags } from '../core/sync/profile.ts';
import type { ProfileFlags, Progress } from '../core/sync/types.ts';
import {
  clearHold,
  DbKeyStore,
  finishSyncRun,
  getConnection,
  getConnectionById,
  heartbeatSyncRun,
  holdOfRow,
  listAccounts,
  liveKeyInfo,
  markProfileAttempted,
  markSynced,
  recordChallenge,
  resolveChallenge,
  saveStatements,
  setHold,
  startSyncRun,
  SyncAlreadyRunningError,
  toConnectionConfig,
  updateProfileFlags,
  upsertAccounts,
  type AccountRow,
  type ConnectionRow,
  type Hold,
  type HoldReason,
  type SyncTrigger,
  storedProfileFlags,
} from '../db/index.ts';
import { describeHold } from './bank-service.ts';
import { RecordingChallenger, type FrontChallenger } from './challenges.ts';
import type { AppContext } from './context.ts';
import { runningSyncs } from './running-syncs.ts';

export { runningSyncs, RunningSyncs } from './running-syncs.ts';
export type { FrontChallenger, RecordedChallenge } from './challenges.ts';
/** One wording of holds for every front end (bank-service's); re-exported for callers of the sync service. */
export { describeHold } from './bank-service.ts';

/** Days of overlap with the previous sync: banks post late and re-date pending items; FITIDs dedupe the overlap. */
export const OVERLAP_DAYS = 3;
/** The window of a first sync (and of an account that never received a statement); most banks keep about 90 days. */
export const FIRST_SYNC_DAYS = 90;
/** A profile the bank would not give is asked again at most this often. */
export const PROFILE_RETRY_MS = 86_400_000;
const HEARTBEAT_MS = 60_000;
const DAY_MS = 86_400_000;

/** Which connection: by id (buttons, the scheduler, the bot) or by name (the command line); the owner is checked either way. */
export type SyncTarget = { connectionId: number; name?: undefined } | { name: string; connectionId?: undefined };

export type SyncOptions = SyncTarget & {
  /** Who asks; must own the connection. */
  memberId: number;
  trigger: SyncTrigger;
  /**
   * A person is present and answering interactively (a terminal, a Discord click). Unattended syncs (cron with an
   * answers file, the scheduler) never sign on to a held connection.
   */
  attended: boolean;
  challenger: FrontChallenger;
  progress?: Progress;
  /** Start of the statement window for every account; default: each account's last good statement minus the overlap. */
  since?: Date;
  challengeTimeoutMs?: number;
  transport?: TransportOptions;
  now?: () => Date;
  /** Aborting it stops the sync like `runningSyncs.cancel` does. */
  signal?: AbortSignal;
};

export interface AccountReport {
  accountId: string;
  kind: string;
  accountType: string | null;
  newTransactions: number;
  ledgerBalance: string | null;
  availableBalance: string | null;
  currency: string | null;
  /** The bank's error for this account's statement, when it sent one instead. */
  problem: string | null;
}

export interface SyncReport {
  connectionId: number;
  connection: string;
  /** `held`: nothing was sent, the connection is held (see `hold`); `already-running`: nothing was sent or written. */
  outcome: SyncOutcome | 'already-running' | 'held';
  challenged: boolean;
  accessKeyStored: boolean;
  accounts: AccountReport[];
  status: { code: number | null; severity: string; message: string | null };
  /** When the access key in use was received, if there is one. */
  keyReceivedAt: string | null;
  window: { start: string; end: string };
  /** Things the person must hear although the sync went on (15000), one line each, written for people. */
  warnings: string[];
  /** The hold on the connection after this sync: why unattended syncs stay off the bank, since when. */
  hold: Hold | null;
}

/** No connection of that member by that name or id; the same whether it does not exist or belongs to someone else. */
export class ConnectionNotFoundError extends Error {
  override name = 'ConnectionNotFoundError';
  constructor(readonly target: SyncTarget) {
    super(target.name !== undefined ? `no bank connection named "${target.name}"` : 'no such bank connection');
  }
}

/** The connection, only when `memberId` owns it; else ConnectionNotFoundError, with no hint whether it exists. */
export function findOwnConnection(app: Pick<AppContext, 'db'>, memberId: number, target: SyncTarget): ConnectionRow {
  const row =
    target.connectionId !== undefined ? getConnectionById(app.db, target.connectionId) : getConnection(app.db, memberId, target.name);
  if (!row || row.memberId !== memberId) throw new ConnectionNotFoundError(target);
  return row;
}

/** The connection-wide window start (the report's, and that of accounts discovered in this sync). */
export function statementWindowStart(row: ConnectionRow, now: Date, since?: Date): Date {
  if (since) return since;
  if (row.lastSyncedAt) return new Date(new Date(row.lastSyncedAt).getTime() - OVERLAP_DAYS * DAY_MS);
  return new Date(now.getTime() - FIRST_SYNC_DAYS * DAY_MS);
}

/** An account's own window start: from its last good statement, so a few failed days lose nothing. */
export function accountWindowStart(account: Pick<AccountRow, 'lastGoodAt'>, now: Date, since?: Date): Date {
  if (since) return since;
  if (account.lastGoodAt) return new Date(new Date(account.lastGoodAt).getTime() - OVERLAP_DAYS * DAY_MS);
  return new Date(now.getTime() - FIRST_SYNC_DAYS * DAY_MS);
}

/** What the bank said that puts a connection on hold, and why. */
const HOLD_BY_CODE: ReadonlyMap<number, HoldReason> = new Map([
  [3001, 'answers-rejected'],
  [15500, 'credentials-refused'],
  [15502, 'credentials-refused'],
]);

export async function syncConnection(app: AppContext, options: SyncOptions): Promise<SyncReport> {
  const { db, box } = app;
  const now = options.now ?? (() => new Date());
  const row = findOwnConnection(app, options.memberId, options);

  const started = now();
  const accountRows = listAccounts(db, row.id);
  const accounts: SyncAccount[] = accountRows.map((a) => ({
    kind: a.kind,
    accountId: a.accountId,
    accountType: a.accountType,
    bankId: a.bankId,
    brokerId: a.brokerId,
    start: accountWindowStart(a, started, options.since),
  }));
  const connectionStart = statementWindowStart(row, started, options.since);
  const earliest = Math.min(connectionStart.getTime(), ...accounts.map((a) => a.start!.getTime()));
  const window = { start: new Date(earliest), end: started };
  const base = {
    connectionId: row.id,
    connection: row.name,
    challenged: false,
    accessKeyStored: false,
    accounts: [] as AccountReport[],
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    warnings: [] as string[],
  };
  const refused = (outcome: 'already-running' | 'held', code: number | null, message: string, hold: Hold | null): SyncReport => ({
    ...base,
    outcome,
    status: { code, severity: 'ERROR', message },
    keyReceivedAt: liveKeyInfo(db, row.id)?.receivedAt ?? null,
    hold,
  });

  // A person who is present may go ahead: they see what the bank says and answer themselves.
  const hold = holdOfRow(row);
  if (hold && !options.attended) {
    const words = describeHold(hold);
    return refused('held', hold.code, `${words.summary}; nothing was sent. To go on, ${words.next}.`, hold);
  }

  // Refused attempts write nothing: double clicks and a scheduler would flood the history.
  const alreadyRunning = 'a sync of this connection is already running; wait for it to finish';
  if (runningSyncs.isRunning(row.id)) return refused('already-running', null, alreadyRunning, hold);
  let runId: number;
  try {
    runId = startSyncRun(db, row.id, options.trigger);
  } catch (error) {
    if (!(error instanceof SyncAlreadyRunningError)) throw error;
    return refused('already-running', null, error.message, hold);
  }
  const controller = new AbortController();
  const unregister = runningSyncs.register(row.id, row.memberId, controller);
  const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;

  const heartbeat = setInterval(() => heartbeatSyncRun(db, runId), HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const config = toConnectionConfig(box, row);
    // Quirk useragent: the server wants that User-Agent, on the request and as the MFA107 answer alike.
    const userAgent = requestQuirks(config.quirks).userAgent ?? options.transport?.userAgent ?? DEFAULT_USER_AGENT;
    const challenger = new RecordingChallenger(db, options.challenger, {
      runId,
      memberId: row.memberId,
      connectionId: row.id,
      connectionName: row.name,
      trigger: options.trigger,
      now,
    });
    const result = await runSync(
      { connection: config, accounts, profile: profileToUse(row, started), start: connectionStart, end: window.end },
      {
        send: (body) => postOfx(config.url, body, { ...options.transport, userAgent, signal }),
        challenger,
        keyStore: new DbKeyStore(db, box),
        progress: options.progress,
        userAgent,
        challengeTimeoutMs: options.challengeTimeoutMs,
        now,
        signal,
      },
    );

    if (result.profileAttempted) markProfileAttempted(db, row.id, now());
    if (result.profile) updateProfileFlags(db, row.id, result.profile, now());
    if (result.challenge) {
      const challengeId = challenger.recorded?.id ?? recordChallenge(db, runId, result.challenge.questions, {}, now());
      resolveChallenge(db, challengeId, result.challenge.outcome, now());
    }

    let reports: AccountReport[] = [];
    if (result.outcome === 'ok') {
      if (result.discoveredAccounts) upsertAccounts(db, row.id, result.discoveredAccounts);
      const saved = saveStatements(db, runId, row.id, result.statements, { requestedEnd: window.end });
      const problems = new Map(result.accountProblems.map((p) => [`${p.account.kind}:${p.account.accountId}`, p.status]));
      reports = listAccounts(db, row.id).map((a) => {
        const s = saved.find((x) => x.accountRowId === a.id);
        const problem = problems.get(`${a.kind}:${a.accountId}`);
        return {
          accountId: a.accountId,
          kind: a.kind,
          accountType: a.accountType,
          newTransactions: s?.newTransactions ?? 0,
          ledgerBalance: a.ledgerBalance,
          availableBalance: a.availableBalance,
          currency: a.currency,
          problem: problem ? `${problem.code} ${describeStatus(problem.code).meaning}` : null,
        };
      });
      markSynced(db, row.id, started);
    }

    const code = result.error instanceof OfxStatusError ? result.error.code : result.outcome === 'ok' ? 0 : null;
    const holdReason = code === null ? undefined : HOLD_BY_CODE.get(code);
    if (holdReason && code !== null) setHold(db, row.id, holdReason, code, now());
    else if (result.outcome === 'ok' && hold) clearHold(db, row.id);

    const status = {
      code,
      severity: code === null ? 'ERROR' : describeStatus(code).severity,
      message: result.error?.message ?? null,
    };
    finishSyncRun(db, runId, {
      outcome: result.outcome,
      statusCode: code,
      message: status.message,
      challenged: result.challenged,
      newTransactions: reports.reduce((n, a) => n + a.newTransactions, 0),
      accounts: reports.length,
    });
    return {
      ...base,
      outcome: result.outcome,
      challenged: result.challenged,
      accessKeyStored: result.accessKeyStored,
      accounts: reports,
      status,
      keyReceivedAt: liveKeyInfo(db, row.id)?.receivedAt ?? null,
      warnings: result.warnings,
      hold: holdReason ? holdOfRow(getConnectionById(db, row.id) ?? row) : result.outcome === 'ok' ? null : hold,
    };
  } catch (error) {
    // Storage failed after the bank answered (or the key file changed): record it, then let the caller report it.
    finishSyncRun(db, runId, {
      outcome: 'error',
      message: error instanceof Error ? error.message : 'unexpected error',
      challenged: false,
      newTransactions: 0,
      accounts: 0,
    });
    throw error;
  } finally {
    clearInterval(heartbeat);
    unregister();
  }
}

/** Stored flags; unknown ones: read the profile, unless it failed within the last day (then go on without). */
function profileToUse(row: ConnectionRow, now: Date): ProfileFlags | null {
  const stored = storedProfileFlags(row);
  if (stored) return stored;
  if (row.profileAttemptedAt && now.getTime() - new Date(row.profileAttemptedAt).getTime() < PROFILE_RETRY_MS) {
    return profileFlags(undefined);
  }
  return null;
}

