/** A schedule's failing streak on a real file: told once per kind, ended by any success, untouched by a skip. */
import { describe, expect, it } from 'vitest';
import { markSynced } from '../../db/repositories/connections.ts';
import { getSchedule, markScheduleNotified, recordScheduledOutcome, setSchedule } from '../../db/repositories/schedules.ts';
import { fixture } from './helpers.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 12, minute));
const failed = (kind: string) => ({ outcome: kind.startsWith('hold:') ? 'held' : kind, ended: 'failed' as const, kind });

describe('recordScheduledOutcome', () => {
  it('keeps the streak and its notice while the kind stays, tells a new kind anew, and a success clears it', () => {
    const { db, connection } = fixture();
    const { id } = setSchedule(db, connection.id, '6h', at(0));
    expect(recordScheduledOutcome(db, id, failed('error'), at(1))).toMatchObject({ failures: 1, failingSince: at(1).toISOString(), failureKind: 'error', notifiedAt: null });
    markScheduleNotified(db, id, at(2));
    expect(recordScheduledOutcome(db, id, failed('error'), at(3))).toMatchObject({ failures: 2, failingSince: at(1).toISOString(), notifiedAt: at(2).toISOString() });
    // Another sync was running: nothing about the streak changes.
    expect(recordScheduledOutcome(db, id, { outcome: 'already-running', ended: 'skipped' }, at(4))).toMatchObject({ lastOutcome: 'already-running', failures: 2, notifiedAt: at(2).toISOString() });
    // The password is refused now: a new kind, the same streak, to be told.
    expect(recordScheduledOutcome(db, id, failed('hold:15500'), at(5))).toMatchObject({ failures: 3, failingSince: at(1).toISOString(), failureKind: 'hold:15500', notifiedAt: null });
    expect(recordScheduledOutcome(db, id, { outcome: 'ok', ended: 'ok' }, at(6))).toMatchObject({ failures: 0, failingSince: null, failureKind: null, notifiedAt: null, lastOutcome: 'ok' });
  });

  it('a success outside the schedule (a /sync, the command line) since the streak began starts a new one', () => {
    const { db, connection } = fixture();
    const { id } = setSchedule(db, connection.id, 'daily', at(0));
    recordScheduledOutcome(db, id, failed('error'), at(1));
    markScheduleNotified(db, id, at(2));
    markSynced(db, connection.id, at(3));
    expect(recordScheduledOutcome(db, id, failed('error'), at(4))).toMatchObject({ failures: 1, failingSince: at(4).toISOString(), notifiedAt: null });
    expect(getSchedule(db, connection.id)?.failureKind).toBe('error');
  });
});
