/**
 * Test helpers: the simulated bank driven by the project's own client pieces (buildRequest, postOfx, parseOfx),
 * with an injectable clock and the admin endpoints through plain fetch.
 */
import { buildRequest } from '../../core/ofx/build.ts';
import type { OfxVersion, RequestItem, SignonFields } from '../../core/ofx/build.ts';
import { parseOfx } from '../../core/ofx/parse.ts';
import type { ParsedOfx } from '../../core/ofx/types.ts';
import { DEFAULT_USER_AGENT, postOfx } from '../../core/http/transport.ts';
import type { TransportOptions } from '../../core/http/transport.ts';
import { builtInAnswer, readMachineFacts } from '../../core/mfa/builtin-answers.ts';
import { startSimBank } from '../../sim/bank/index.ts';
import type { SimBank, SimBankOptions, SimQuestion } from '../../sim/bank/index.ts';

export const CHECKING = { kind: 'bank', bankId: '123456789', accountId: '1000123456', accountType: 'CHECKING' } as const;
export const SAVINGS = { kind: 'bank', bankId: '123456789', accountId: '1000654321', accountType: 'SAVINGS' } as const;
export const CARD = { kind: 'creditcard', accountId: '4000001234567899' } as const;
export const BROKERAGE = { kind: 'investment', brokerId: 'simbank.example', accountId: 'X0001234' } as const;

/** A clock the test moves by hand. */
export class Clock {
  constructor(private t: number = Date.parse('2026-03-15T12:00:00.000Z')) {}
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestBank {
  bank: SimBank;
  clock: Clock;
  version: OfxVersion;
  /** POSTs one request built from `signon` + `items` and parses the answer. */
  send(signon: Partial<SignonFields> & { userId: string }, items: readonly RequestItem[], transport?: TransportOptions): Promise<Exchange>;
  admin<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: T }>;
}

export interface Exchange {
  parsed: ParsedOfx;
  /** The raw answer, for byte-level checks (charset, format). */
  bytes: Uint8Array;
  trnuids: string[];
  requestBody: string;
}

export async function startTestBank(version: '103' | '211', options: SimBankOptions = {}): Promise<TestBank> {
  const clock = new Clock();
  const bank = await startSimBank({ version, now: clock.now, ...options });
  const adminBase = bank.url.replace(/\/ofx$/, '');
  return {
    bank,
    clock,
    version,
    async send(signon, items, transport) {
      const fields: SignonFields = { password: `${signon.userId}-password`, appId: 'QWIN', appVer: '2700', org: 'SIMBANK', fid: '1001', ...signon };
      const built = buildRequest({ version, signon: fields, items }, { now: clock.now() });
      const bytes = await postOfx(bank.url, built.body, { timeoutMs: 10_000, ...transport });
      return { parsed: parseOfx(bytes), bytes, trnuids: built.trnuids, requestBody: built.body };
    },
    async admin(path, init = {}) {
      const response = await fetch(`${adminBase}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
  };
}

/** Correct answers to `questions`: the scenario's for user questions, this machine's facts (at `now`) for the rest. */
export function correctAnswers(questions: readonly SimQuestion[], now: Date): Array<{ id: string; answer: string }> {
  const facts = readMachineFacts(DEFAULT_USER_AGENT, now);
  return questions.map((q) => ({ id: q.id, answer: q.answer ?? builtInAnswer(q.id, facts) }));
}

export function signonCode(x: Exchange): number | undefined {
  return x.parsed.signon?.status.code;
}
