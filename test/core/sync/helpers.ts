/**
 * Shared pieces of the sync machine tests: an in-memory KeyStore, a scripted person, a connection to the simulated
 * bank, and a way to rewrite what the real bank answered, for server behaviours the simulator does not have.
 */
import { DEFAULT_USER_AGENT, postOfx } from '../../../core/http/transport.ts';
import type { SyncDeps } from '../../../core/sync/machine.ts';
import type { ChallengeContext, ChallengeOutcome, ChallengeQuestion, Challenger, ConnectionConfig, KeyStore } from '../../../core/sync/types.ts';
import type { SimBank } from '../../../sim/bank/index.ts';

export class MemoryKeyStore implements KeyStore {
  keys = new Map<string, string>();
  cleared: string[] = [];
  async get(id: string) {
    return this.keys.get(id) ?? null;
  }
  async set(id: string, key: string) {
    this.keys.set(id, key);
  }
  async clear(id: string, reason: string) {
    this.keys.delete(id);
    this.cleared.push(reason);
  }
}

/** A person who answers from a fixed sheet (or cancels, or never answers) and remembers what was asked. */
export class ScriptedPerson implements Challenger {
  asked: ChallengeQuestion[][] = [];
  contexts: ChallengeContext[] = [];
  constructor(private readonly behaviour: Record<string, string> | 'cancel' | 'timeout' | 'never') {}
  async ask(questions: readonly ChallengeQuestion[], context: ChallengeContext): Promise<ChallengeOutcome> {
    this.asked.push([...questions]);
    this.contexts.push(context);
    if (this.behaviour === 'cancel') return { kind: 'cancelled' };
    if (this.behaviour === 'timeout') return { kind: 'timeout' };
    // Someone who walked away: the promise never settles; only the machine can end the wait.
    if (this.behaviour === 'never') return new Promise<ChallengeOutcome>(() => {});
    return { kind: 'answered', answers: new Map(Object.entries(this.behaviour)) };
  }
}

export const RIGHT = { MFA16: 'Smith', SIMQ1: 'Rex' };
export const WRONG = { MFA16: 'Jones', SIMQ1: 'Fido' };

export function connection(bank: SimBank, version: string, user = 'demo', password = `${user}-password`): ConnectionConfig {
  return {
    id: `conn-${user}`,
    name: user,
    url: bank.url,
    org: 'SIMBANK',
    fid: '1001',
    version,
    appId: 'QWIN',
    appVer: '2700',
    clientUid: '6e1f9a52-2a8e-4d3b-9a57-0c4b7f1e2d3c',
    userId: user,
    password,
    userCred1: null,
    userCred2: null,
    authToken: null,
    answerAggregate: 'MFACHALLENGEA',
  };
}

export async function admin<T>(bank: SimBank, path: string, body?: unknown): Promise<T> {
  const response = await fetch(bank.url.replace(/\/ofx$/, '') + path, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return (await response.json()) as T;
}

export interface Exchange {
  request: string;
  response: string;
}

/**
 * Sends to the real simulated bank and lets a test rewrite the response text (a bank that issues no ACCESSKEY, sets
 * a SESSCOOKIE, says 15000, ...). Every exchange is kept, as sent and as the machine received it.
 */
export function rewritingSend(
  bank: SimBank,
  rewrite: (response: string, request: string, index: number) => string = (r) => r,
): { send: SyncDeps['send']; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const send = async (body: string) => {
    const raw = Buffer.from(await postOfx(bank.url, body, { timeoutMs: 5_000, userAgent: DEFAULT_USER_AGENT })).toString('latin1');
    const response = rewrite(raw, body, exchanges.length);
    exchanges.push({ request: body, response });
    return new Uint8Array(Buffer.from(response, 'latin1'));
  };
  return { send, exchanges };
}

/** The SONRS status code of an OFX text, SGML or XML. */
export function setSignonCode(ofx: string, code: number): string {
  return ofx.replace(/(<SONRS>\s*<STATUS>\s*<CODE>)\d+/, `$1${code}`);
}

/** Removes the ACCESSKEY element (SGML leaf or XML element) from a response. */
export function stripAccessKey(ofx: string): string {
  return ofx.replace(/<ACCESSKEY>[^<\r\n]*(<\/ACCESSKEY>)?\s*/g, '');
}

/** Adds a SESSCOOKIE just before the end of SONRS. */
export function addSessionCookie(ofx: string, cookie: string): string {
  const xml = ofx.includes('</LANGUAGE>');
  return ofx.replace('</SONRS>', `<SESSCOOKIE>${cookie}${xml ? '</SESSCOOKIE>' : ''}</SONRS>`);
}
