/** When scheduled syncs run: fixed per-connection offsets, spread out, one run after downtime. */
import { describe, expect, it } from 'vitest';
import { backoffRun, nextScheduledRun, SCHEDULE_PERIOD_MS, scheduleOffsetMs } from '../../bot/schedules.ts';

const t0 = new Date('2026-03-01T00:00:00.000Z');

describe('scheduled sync times', () => {
  it('gives each connection its own offset, the same every time', () => {
    const offsets = Array.from({ length: 40 }, (_, i) => scheduleOffsetMs(i + 1, '6h'));
    expect(scheduleOffsetMs(7, '6h')).toBe(offsets[6]);
    for (const o of offsets) expect(o).toBeGreaterThanOrEqual(0), expect(o).toBeLessThan(SCHEDULE_PERIOD_MS['6h']);
    // Spread: forty connections do not share a handful of minutes.
    const hours = new Set(offsets.map((o) => Math.floor(o / 3_600_000)));
    expect(hours.size).toBe(6);
    expect(new Set(offsets.map((o) => Math.floor(o / 60_000))).size).toBeGreaterThan(30);
  });

  it('runs at the connection\'s slot, strictly after the given time, one period apart', () => {
    const first = nextScheduledRun(3, '12h', t0);
    expect(first.getTime()).toBeGreaterThan(t0.getTime());
    expect(first.getTime() - t0.getTime()).toBeLessThanOrEqual(SCHEDULE_PERIOD_MS['12h']);
    expect((first.getTime() - scheduleOffsetMs(3, '12h')) % SCHEDULE_PERIOD_MS['12h']).toBe(0);
    const second = nextScheduledRun(3, '12h', first);
    expect(second.getTime() - first.getTime()).toBe(SCHEDULE_PERIOD_MS['12h']);
  });

  it('after days of downtime the next run is the next slot from now, not every missed one', () => {
    const missed = nextScheduledRun(5, '6h', t0);
    const back = new Date(missed.getTime() + 3 * 86_400_000 + 1);
    const next = nextScheduledRun(5, '6h', back);
    expect(next.getTime()).toBeGreaterThan(back.getTime());
    expect(next.getTime() - back.getTime()).toBeLessThanOrEqual(SCHEDULE_PERIOD_MS['6h']);
  });

  it('backs off after repeated failures, up to about a day more', () => {
    const normal = nextScheduledRun(9, '6h', t0);
    expect(backoffRun(9, '6h', t0, 2)).toEqual(normal);
    const backed = backoffRun(9, '6h', t0, 4);
    expect(backed.getTime()).toBeGreaterThan(normal.getTime());
    expect(backed.getTime() - t0.getTime()).toBeLessThanOrEqual(SCHEDULE_PERIOD_MS['6h'] * 2 + 86_400_000);
  });
});
