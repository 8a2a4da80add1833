/**
 * Sync runs: the history of syncs and the one-sync-per-connection lock. A 'running' row is the lock; a row whose
 * process has died (same host) or whose heartbeat went quiet is stale and gets marked 'crashed' by the next start.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection.ts';
import { SyncAlreadyRunningError } from '../errors.ts';
import { oneLine } from '../one-line.ts';
import { param, prepared } from '../prepared.ts';
import { syncRuns } from '../schema.ts';
import type { SyncOutcome, SyncRunRow, SyncTrigger } from '../schema.ts';

/** A running sync that has not beaten its heart for this long is presumed dead, whatever its pid says. */
export const staleHeartbeatMs = 15 * 60_000;

const thisInstance = randomUUID();

/** Who is starting the run and when; the defaults are this process now. Tests pass their own. */
export interface RunOwner {
  now?: Date;
  pid?: number;
  host?: string;
  instance?: string;
  staleAfterMs?: number;
}

/**
 * Opens a run, or throws SyncAlreadyRunningError when a live one holds the connection. Check and insert happen in
 * one IMMEDIATE transaction, so of several processes starting at once exactly one wins. A refused attempt writes
 * nothing: double clicks and a scheduler would otherwise flood the history with rows that say nothing new.
 */
export function startSyncRun(db: Database, connectionId: number, trigger: SyncTrigger, owner: RunOwner = {}): number {
  const now = (owner.now ?? new Date()).toISOString();
  const self = thisProcessOwner();
  const me = {
    ownerPid: owner.pid ?? self.ownerPid,
    ownerHost: owner.host ?? self.ownerHost,
    ownerInstance: owner.instance ?? self.ownerInstance,
  };
  const staleAfterMs = owner.staleAfterMs ?? staleHeartbeatMs;

  const outcome = db.orm.transaction(
    (tx): { runId: number } | { refusedBy: SyncRunRow } => {
      // Every sync starts here: the lookup and the insert are prepared once (they run inside this transaction).
      const running = prepared(db, 'syncRuns.running', (orm) =>
        orm
          .select()
          .from(syncRuns)
          .where(and(eq(syncRuns.connectionId, sql.placeholder('connectionId')), eq(syncRuns.state, 'running')))
          .prepare(),
      ).all({ connectionId });
      for (const run of running) {
        if (isStale(run, now, me, staleAfterMs)) {
          tx.update(syncRuns)
            .set({
              state: 'crashed',
              finishedAt: now,
              message: `the process running this sync (pid ${run.ownerPid ?? '?'} on ${run.ownerHost ?? '?'}) stopped before finishing`,
            })
            .where(eq(syncRuns.id, run.id))
            .run();
        } else {
          return { refusedBy: run };
        }
      }
      const started = prepared(db, 'syncRuns.start', (orm) =>
        orm
          .insert(syncRuns)
          .values({
            connectionId: sql.placeholder('connectionId'),
            trigger: sql.placeholder('trigger'),
            state: 'running',
            startedAt: sql.placeholder('now'),
            heartbeatAt: sql.placeholder('now'),
            ownerPid: sql.placeholder('ownerPid'),
            ownerHost: sql.placeholder('ownerHost'),
            ownerInstance: sql.placeholder('ownerInstance'),
          })
          .returning({ id: syncRuns.id })
          .prepare(),
      ).get({ connectionId, trigger, now, ...me });
      if (!started) throw new Error('the sync run was not created');
      return { runId: started.id };
    },
    { behavior: 'immediate' },
  );

  if ('refusedBy' in outcome) {
    throw new SyncAlreadyRunningError(connectionId, outcome.refusedBy.id, outcome.refusedBy.startedAt);
  }
  return outcome.runId;
}

/** Who this process is, as its runs record it. */
export function thisProcessOwner(): { ownerPid: number; ownerHost: string; ownerInstance: string } {
  return { ownerPid: process.pid, ownerHost: hostname(), ownerInstance: thisInstance };
}

/**
 * True when no live process is behind this run any more: it has finished, or it is 'running' but its process is
 * gone (or silent too long). A run of this very process is never orphaned.
 */
export function isRunOrphaned(run: SyncRunRow, now: Date = new Date(), staleAfterMs = staleHeartbeatMs): boolean {
  return run.state !== 'running' || isStale(run, now.toISOString(), thisProcessOwner(), staleAfterMs);
}

function isStale(
  run: SyncRunRow,
  now: string,
  me: { ownerPid: number; ownerHost: string; ownerInstance: string },
  staleAfterMs: number,
): boolean {
  if (Date.parse(now) - Date.parse(run.heartbeatAt) > staleAfterMs) return true;
  // Another host's processes cannot be looked at; there the heartbeat alone decides.
  if (run.ownerHost !== me.ownerHost || run.ownerPid === null) return false;
  if (run.ownerPid === me.ownerPid) return run.ownerInstance !== me.ownerInstance;
  return !isProcessAlive(run.ownerPid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Keeps a long run (e.g. waiting for answers) from looking dead; false when the run is no longer running. */
export function heartbeatSyncRun(db: Database, runId: number, now: Date = new Date()): boolean {
  const result = db.orm
    .update(syncRuns)
    .set({ heartbeatAt: now.toISOString() })
    .where(and(eq(syncRuns.id, runId), eq(syncRuns.state, 'running')))
    .run();
  return result.changes > 0;
}

export interface RunResult {
  outcome: SyncOutcome;
  statusCode?: number | null;
  /** One line for people; never a secret. */
  message?: string | null;
  challenged: boolean;
  newTransactions: number;
  accounts: number;
}

export function finishSyncRun(db: Database, runId: number, result: RunResult, now: Date = new Date()): SyncRunRow {
  const row = prepared(db, 'syncRuns.finish', (orm) =>
    orm
      .update(syncRuns)
      .set({
        state: param('state'),
        statusCode: param('statusCode'),
        message: param('message'),
        challenged: param('challenged'),
        newTransactions: param('newTransactions'),
        accountCount: param('accountCount'),
        finishedAt: param('now'),
        heartbeatAt: param('now'),
      })
      .where(eq(syncRuns.id, sql.placeholder('id')))
      .returning()
      .prepare(),
  ).get({
    id: runId,
    state: result.outcome,
    statusCode: result.statusCode ?? null,
    message: result.message == null ? null : oneLine(result.message),
    // A raw SQL parameter: the boolean column's 0/1, as drizzle would have written it.
    challenged: result.challenged ? 1 : 0,
    newTransactions: result.newTransactions,
    accountCount: result.accounts,
    now: now.toISOString(),
  });
  if (!row) throw new Error(`sync run ${runId} does not exist`);
  return row;
}

export function getSyncRun(db: Database, runId: number): SyncRunRow | null {
  return db.orm.select().from(syncRuns).where(eq(syncRuns.id, runId)).get() ?? null;
}

/** The latest run that ended 'ok'; its `startedAt` bounds the next statement window. */
export function lastSuccessfulSync(db: Database, connectionId: number): SyncRunRow | null {
  return (
    db.orm
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.connectionId, connectionId), eq(syncRuns.state, 'ok')))
      .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
      .limit(1)
      .get() ?? null
  );
}

/** Newest first. */
export function listSyncRuns(db: Database, connectionId: number, limit = 20): SyncRunRow[] {
  return db.orm
    .select()
    .from(syncRuns)
    .where(eq(syncRuns.connectionId, connectionId))
    .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
    .limit(limit)
    .all();
}
