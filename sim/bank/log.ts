/**
 * What the bank remembers about each request, for the admin endpoint and the command line's one line per request.
 * By construction it holds no secret: user ID, kinds of transactions and status codes, and only counts or
 * yes/no for the password, key and answers.
 */
import type { FaultKind } from './scenarios.ts';

export interface RequestLogEntry {
  time: string;
  /** USERID as sent (not a secret), or null when the request could not be read. */
  user: string | null;
  /** Transaction kinds asked for, e.g. ["challenge"], ["accounts", "statement:bank"]. */
  requests: string[];
  httpStatus: number;
  /** SONRS status code; null when no OFX answer was sent (fault, bad request). */
  signonCode: number | null;
  statuses: Array<{ wrapper: string; code: number }>;
  answersSent: number;
  accessKeySent: boolean;
  accessKeyIssued: boolean;
  fault: FaultKind | null;
  /** Why the request was refused before OFX processing (bad request, too large), without quoting it. */
  error: string | null;
}

const MAX_ENTRIES = 1_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}

/** One line for a terminal: `12:00:01 demo challenge → 0`. */
export function formatLogLine(e: RequestLogEntry): string {
  const what = e.requests.length ? e.requests.join(',') : '-';
  const result = e.fault
    ? `fault ${e.fault}`
    : e.signonCode !== null
      ? `SONRS ${e.signonCode}${e.statuses.length ? ` [${e.statuses.map((s) => `${s.wrapper} ${s.code}`).join(', ')}]` : ''}`
      : `HTTP ${e.httpStatus}${e.error ? ` (${e.error})` : ''}`;
  return `${e.time} ${e.user ?? '?'} ${what} -> ${result}${e.accessKeyIssued ? ' (access key issued)' : ''}`;
}
