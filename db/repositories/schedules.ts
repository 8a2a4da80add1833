/** Scheduled syncs: one row per connection, so a restart (or another process) picks them up. */
import { and, asc, eq, lte } from 'drizzle-orm';
import type { Database } from '../connection.ts';
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
  return db.orm
    .select({ schedule: schedules, connectionName: connections.name })
    .from(schedules)
    .innerJoin(connections, eq(connections.id, schedules.connectionId))
    .where(eq(connections.memberId, memberId))
    .orderBy(asc(connections.name))
    .all()
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

export function recordScheduledOutcome(db: Database, scheduleId: number, outcome: string, failed: boolean): void {
  const row = db.orm.select().from(schedules).where(eq(schedules.id, scheduleId)).get();
  if (!row) return;
  db.orm
    .update(schedules)
    .set({ lastOutcome: outcome, failures: failed ? row.failures + 1 : 0, notifiedAt: null })
    .where(eq(schedules.id, scheduleId))
    .run();
}

export function markScheduleNotified(db: Database, scheduleId: number, at: Date = new Date()): void {
  db.orm.update(schedules).set({ notifiedAt: at.toISOString() }).where(eq(schedules.id, scheduleId)).run();
}
