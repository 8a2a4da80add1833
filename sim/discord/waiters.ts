/**
 * Deadline-based waiting: a probe is re-run every time the stand-in's state changes (a REST call handled, a
 * gateway event sent) and the promise settles on the first truthy answer, or fails at the deadline saying what
 * it waited for and what it saw. No polling, no sleeps.
 */
import { EventEmitter } from 'node:events';

export const DEFAULT_WAIT_MS = 10_000;

export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
}

export class Changes {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(): void {
    this.emitter.emit('change');
  }

  /**
   * Resolves with the probe's first truthy value. The probe may throw to fail the wait at once (a refusal the
   * caller should hear about rather than time out on).
   */
  until<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = DEFAULT_WAIT_MS, describe?: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        this.emitter.off('change', check);
        if (timer) clearTimeout(timer);
      };
      function check(): void {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch (error) {
          finish();
          reject(error);
          return;
        }
        if (value) {
          finish();
          resolve(value);
        }
      }
      this.emitter.on('change', check);
      timer = setTimeout(() => {
        finish();
        const seen = describe ? `; saw: ${describe()}` : '';
        reject(new WaitTimeout(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`));
      }, timeoutMs);
      check();
    });
  }
}
