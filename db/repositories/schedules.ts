/** Scheduled syncs: one row per connection, so a restart (or another process) picks them up. */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Database } from '../connection.ts';
import { prepared } from '../prepared.ts';
import { connections, schedules } from '../schema.ts';
import type { ScheduleEvery, ScheduleRow } from '../schema.ts';

export function setSchedule(db: Database, connectionId: number, every: ScheduleEvery, nextRunAt: Date): ScheduleRow {
  const row = db.orm
    .insert(schedules)
    .values({ connectionId, every, nextRunAt: nextRunAt.toISOString() })
    .onConflictDoUpdate({ target: schedules.connectionId, set: { every, nextRunAt: nextRunAt.toISOString(), failures: 0 } })
    .returning()
    .get();
  if (!row) throw new Error(`schedule of connection ${connectionId} was not stored`);
  return row;
}

export function removeSchedule(db: Database, connectionId: number): boolean {
  return db.orm.delete(schedules).where(eq(schedules.connectionId, connectionId)).run().changes > 0;
}

export function getSchedule(db: Database, connectionId: number): ScheduleRow | null {
  return db.orm.select().from(schedules).where(eq(schedules.connectionId, connectionId)).get() ?? null;
}

/** A member's schedules with their connection names. */
export function listMemberSchedules(db: Database, memberId: number): Array<ScheduleRow & { connectionName: string }> {
  // Every /sync reads it (for the notices it owes the member): prepared once per database.
  return prepared(db, 'schedules.ofMember', (orm) =>
    orm
      .select({ schedule: schedules, connectionName: connections.name })
      .from(schedules)
      .innerJoin(connections, eq(connections.id, schedules.connectionId))
      .where(eq(connections.memberId, sql.placeholder('memberId')))
      .orderBy(asc(connections.name))
      .prepare(),
  )
    .all({ memberId })
    .map((r) => ({ ...r.schedule, connectionName: r.connectionName }));
}

/** Schedules whose time has come, oldest first. */
export function dueSchedules(db: Database, now: Date): ScheduleRow[] {
  return db.orm.select().from(schedules).where(lte(schedules.nextRunAt, now.toISOString())).orderBy(asc(schedules.nextRunAt)).all();
}

/**
 * Claims a due run by moving its next time forward, only if nobody moved it first: two processes (or two ticks)
 * never start the same scheduled run twice.
 */
export function claimScheduledRun(db: Database, schedule: ScheduleRow, nextRunAt: Date, now: Date): boolean {
  const result = db.orm
    .update(schedules)
    .set({ nextRunAt: nextRunAt.toISOString(), lastRunAt: now.toISOString() })
    .where(and(eq(schedules.id, schedule.id), eq(schedules.nextRunAt, schedule.nextRunAt)))
    .run();
  return result.changes > 0;
}

/**
 * How a scheduled run ended: `ok`; `failed` with the kind of failure the member is told about (a new kind is told
 * anew); or `skipped` (another sync of the connection was running), which neither breaks nor extends a streak.
 */
export type ScheduledResult = { outcome: string } & ({ ended: 'ok' } | { ended: 'skipped' } | { ended: 'failed'; kind: string });

/**
 * Records a run and returns the schedule as it now stands. A failure starts a streak (failingSince) unless one is
 * going on: a streak of the same kind keeps notifiedAt, so its member is told once. A success anywhere (a /sync,
 * the command line) since the streak began ends it as a scheduled success does.
 */
export function recordScheduledOutcome(db: Database, scheduleId: number, result: ScheduledResult, at: Date = new Date()): ScheduleRow | null {
  const found = db.orm
    .select({ schedule: schedules, lastSyncedAt: connections.lastSyncedAt })
    .from(schedules)
    .innerJoin(connections, eq(connections.id, schedules.connectionId))
    .where(eq(schedules.id, scheduleId))
    .get();
  if (!found) return null;
  const { schedule: row, lastSyncedAt } = found;
  const streakGoesOn = row.failingSince !== null && !(lastSyncedAt && lastSyncedAt > row.failingSince);
  const set =
    result.ended === 'skipped'
      ? { lastOutcome: result.outcome }
      : result.ended === 'ok'
        ? { lastOutcome: result.outcome, failures: 0, failingSince: null, failureKind: null, notifiedAt: null }
        : {
            lastOutcome: result.outcome,
            failures: streakGoesOn ? row.failures + 1 : 1,
            failingSince: streakGoesOn ? row.failingSince : at.toISOString(),
            failureKind: result.kind,
            notifiedAt: streakGoesOn && row.failureKind === result.kind ? row.notifiedAt : null,
          };
  return db.orm.update(schedules).set(set).where(eq(schedules.id, scheduleId)).returning().get() ?? null;
}

export function markScheduleNotified(db: Database, scheduleId: number, at: Date = new Date()): void {
  db.orm.update(schedules).set({ notifiedAt: at.toISOString() }).where(eq(schedules.id, scheduleId)).run();
}
