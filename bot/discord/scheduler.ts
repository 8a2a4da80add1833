/**
 * Runs due scheduled syncs inside the bot process. Each tick claims due rows in the database (so two ticks or two
 * processes never start one run twice) and runs them one after another: spread out by each connection's offset,
 * never two at once for one connection (the sync-run lock in the database holds that too), and a run missed
 * while the bot was down runs once, because claiming moves the next run past now.
 */
import { claimScheduledRun, dueSchedules, type ScheduleRow } from '../../db/index.ts';
import { backoffRun } from '../schedules.ts';
import type { BotServices } from './services.ts';

export const SCHEDULER_TICK_MS = 30_000;

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly services: () => BotServices,
    private readonly tickMs = SCHEDULER_TICK_MS,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
    void this.tick();
  }

  /** One pass over what is due; resolves when those runs are done. Overlapping calls share the pass. */
  tick(): Promise<void> {
    if (this.busy) return this.busy;
    this.busy = this.runDue().finally(() => {
      this.busy = null;
    });
    return this.busy;
  }

  private async runDue(): Promise<void> {
    const services = this.services();
    for (const schedule of dueSchedules(services.app.db, services.now())) {
      if (this.stopped) return;
      await this.runOne(schedule);
    }
  }

  private async runOne(schedule: ScheduleRow): Promise<void> {
    const services = this.services();
    const now = services.now();
    const next = backoffRun(schedule.connectionId, schedule.every, now, schedule.failures);
    if (!claimScheduledRun(services.app.db, schedule, next, now)) return;
    try {
      await services.syncs.scheduled(schedule);
    } catch (error) {
      services.log.warn({ event: 'schedule.failed', connectionId: schedule.connectionId, err: error });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
