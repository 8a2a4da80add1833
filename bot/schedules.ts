/**
 * When scheduled syncs run: every 6 hours, 12 hours or daily, each connection at its own fixed offset within the
 * period (from a hash of its id, so a household's banks are not all asked at once and the offset survives a
 * restart). A run missed while the bot was down runs once, then the schedule continues from the next slot.
 */
import { createHash } from 'node:crypto';
import type { ScheduleEvery } from '../db/index.ts';

const HOUR_MS = 3_600_000;

export const SCHEDULE_PERIOD_MS: Record<ScheduleEvery, number> = {
  '6h': 6 * HOUR_MS,
  '12h': 12 * HOUR_MS,
  daily: 24 * HOUR_MS,
};

/** A fixed offset in [0, period) for this connection: deterministic, spread evenly by the hash. */
export function scheduleOffsetMs(connectionId: number, every: ScheduleEvery): number {
  const digest = createHash('sha256').update(`schedule:${connectionId}`).digest();
  return digest.readUInt32BE(0) % SCHEDULE_PERIOD_MS[every];
}

/** The first slot of this connection strictly after `after`. */
export function nextScheduledRun(connectionId: number, every: ScheduleEvery, after: Date): Date {
  const period = SCHEDULE_PERIOD_MS[every];
  const offset = scheduleOffsetMs(connectionId, every);
  const t = after.getTime();
  const slot = Math.floor((t - offset) / period) * period + offset;
  return new Date(slot + period > t ? slot + period : slot + 2 * period);
}

/** After failures in a row, wait longer (up to a day) so a broken bank is not asked every slot. */
export function backoffRun(connectionId: number, every: ScheduleEvery, after: Date, failures: number): Date {
  const next = nextScheduledRun(connectionId, every, after);
  if (failures < 3) return next;
  const extra = Math.min(24 * HOUR_MS, SCHEDULE_PERIOD_MS[every] * 2 ** (failures - 3));
  return nextScheduledRun(connectionId, every, new Date(next.getTime() + extra - 1));
}
