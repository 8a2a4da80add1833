/**
 * One sync of one stored connection, end to end: take the connection's lock, run the core state machine with
 * this caller's Challenger, write what came back in one transaction, and record the run. The command line, the
 * Discord bot and the scheduler all go through here.
 */
import { describeStatus } from '../core/status.ts';
import { OfxStatusError } from '../core/errors.ts';
import { postOfx, DEFAULT_USER_AGENT, type TransportOptions } from '../core/http/transport.ts';
import { requestQuirks } from '../core/ofx/quirks.ts';
import { runSync, type SyncOutcome } from '../core/sync/machine.ts';
import type { Challenger, Progress } from '../core/sync/types.ts';
import {
  DbKeyStore,
  finishSyncRun,
  getConnection,
  heartbeatSyncRun,
  listAccounts,
  liveKeyInfo,
  markSynced,
  recordChallenge,
  resolveChallenge,
  saveStatements,
  startSyncRun,
  SyncAlreadyRunningError,
  toConnectionConfig,
  updateProfileFlags,
  upsertAccounts,
  type ConnectionRow,
  type SyncTrigger,
} from '../db/index.ts';
import type { AppContext } from './context.ts';

/** Days of overlap with the previous sync: banks post late and re-date pending items; FITIDs dedupe the overlap. */
export const OVERLAP_DAYS = 3;
/** The window of a first sync; most banks keep about 90 days online. */
export const FIRST_SYNC_DAYS = 90;
const HEARTBEAT_MS = 60_000;
const DAY_MS = 86_400_000;

export interface SyncOptions {
  memberId: number;
  name: string;
  trigger: SyncTrigger;
  challenger: Challenger;
  progress?: Progress;
  /** Start of the statement window; default: last successful sync minus the overlap, or 90 days back. */
  since?: Date;
  challengeTimeoutMs?: number;
  transport?: TransportOptions;
  now?: () => Date;
  signal?: AbortSignal;
}

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
  connection: string;
  outcome: SyncOutcome | 'already-running';
  challenged: boolean;
  accessKeyStored: boolean;
  accounts: AccountReport[];
  status: { code: number | null; severity: string; message: string | null };
  /** When the access key in use was received, if there is one. */
  keyReceivedAt: string | null;
  window: { start: string; end: string };
}

export class ConnectionNotFoundError extends Error {
  override name = 'ConnectionNotFoundError';
  constructor(name: string) {
    super(`no bank connection named "${name}" (see: ofx-mfa bank list)`);
  }
}

export function statementWindowStart(row: ConnectionRow, now: Date, since?: Date): Date {
  if (since) return since;
  if (row.lastSyncedAt) return new Date(new Date(row.lastSyncedAt).getTime() - OVERLAP_DAYS * DAY_MS);
  return new Date(now.getTime() - FIRST_SYNC_DAYS * DAY_MS);
}

export async function syncConnection(app: AppContext, options: SyncOptions): Promise<SyncReport> {
  const { db, box } = app;
  const now = options.now ?? (() => new Date());
  const row = getConnection(db, options.memberId, options.name);
  if (!row) throw new ConnectionNotFoundError(options.name);

  const started = now();
  const window = { start: statementWindowStart(row, started, options.since), end: started };
  const base = {
    connection: row.name,
    challenged: false,
    accessKeyStored: false,
    accounts: [] as AccountReport[],
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
  };

  let runId: number;
  try {
    runId = startSyncRun(db, row.id, options.trigger);
  } catch (error) {
    if (!(error instanceof SyncAlreadyRunningError)) throw error;
    return {
      ...base,
      outcome: 'already-running',
      status: { code: null, severity: 'ERROR', message: error.message },
      keyReceivedAt: liveKeyInfo(db, row.id)?.receivedAt ?? null,
    };
  }

  const heartbeat = setInterval(() => heartbeatSyncRun(db, runId), HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const config = toConnectionConfig(box, row);
    // Quirk useragent: the server wants that User-Agent, on the request and as the MFA107 answer alike.
    const userAgent = requestQuirks(config.quirks).userAgent ?? options.transport?.userAgent ?? DEFAULT_USER_AGENT;
    const result = await runSync(
      {
        connection: config,
        accounts: listAccounts(db, row.id),
        profile: row.profileFetchedAt ? storedProfile(row) : null,
        start: window.start,
        end: window.end,
      },
      {
        send: (body) => postOfx(config.url, body, { ...options.transport, userAgent, signal: options.signal }),
        challenger: options.challenger,
        keyStore: new DbKeyStore(db, box),
        progress: options.progress,
        userAgent,
        challengeTimeoutMs: options.challengeTimeoutMs,
        now,
        signal: options.signal,
      },
    );

    if (result.profile) updateProfileFlags(db, row.id, result.profile, now());
    if (result.challenge) {
      const challengeId = recordChallenge(db, runId, result.challenge.questions);
      resolveChallenge(db, challengeId, result.challenge.outcome);
    }

    let accounts: AccountReport[] = [];
    if (result.outcome === 'ok') {
      if (result.discoveredAccounts) upsertAccounts(db, row.id, result.discoveredAccounts);
      const saved = saveStatements(db, runId, row.id, result.statements);
      const problems = new Map(result.accountProblems.map((p) => [`${p.account.kind}:${p.account.accountId}`, p.status]));
      accounts = listAccounts(db, row.id).map((a) => {
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
      newTransactions: accounts.reduce((n, a) => n + a.newTransactions, 0),
      accounts: accounts.length,
    });
    return {
      ...base,
      outcome: result.outcome,
      challenged: result.challenged,
      accessKeyStored: result.accessKeyStored,
      accounts,
      status,
      keyReceivedAt: liveKeyInfo(db, row.id)?.receivedAt ?? null,
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
  }
}

function storedProfile(row: ConnectionRow) {
  return {
    mfaChallengeSupported: row.mfaChallengeSupported ?? false,
    mfaChallengeFirst: row.mfaChallengeFirst ?? false,
    clientUidRequired: row.clientUidRequired ?? false,
    userCred1Label: row.userCred1Label,
    userCred2Label: row.userCred2Label,
    authTokenFirst: row.authTokenFirst ?? false,
    authTokenLabel: row.authTokenLabel,
  };
}
