/** How `ofx-mfa sync` words what the sync service reports: warnings and holds, with the command that acts on them. */
import { describe, expect, it } from 'vitest';
import { describeHeld, describeWarning, exitOf } from '../../bot/cli/commands/sync.ts';
import type { SyncReport } from '../../bot/sync-service.ts';

describe('ofx-mfa sync output', () => {
  it('the command line adds its own command to a 15000 warning', () => {
    expect(describeWarning('home', 'the bank answered 15000 (the bank requires a password change). Change it.')).toBe(
      'warning: home: the bank answered 15000 (the bank requires a password change). Change it. (then: ofx-mfa bank set home --password)',
    );
    expect(describeWarning('home', 'something else')).toBe('warning: home: something else');
  });

  it('a hold is one line with when, why, and the two ways on; its exit follows what caused it', () => {
    const answers = { reason: 'answers-rejected', code: 3001, since: '2026-12-01T10:00:00.000Z' } as const;
    const line = describeHeld('home', answers);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^home: held since 2026-12-01T10:00:00.000Z: .*3001.*`ofx-mfa sync home` on a terminal.*`ofx-mfa bank clear-hold home`/);
    const report = (hold: SyncReport['hold']) => ({ outcome: 'held', hold }) as SyncReport;
    expect(exitOf(report(answers))).toBe(4);
    expect(exitOf(report({ reason: 'credentials-refused', code: 15502, since: answers.since }))).toBe(5);
  });
});
