/**
 * The sync machine at its edges, against the real simulated bank: stages reported as they begin, cancelling and
 * timing out a challenge wait, and server behaviours the simulator lacks (no ACCESSKEY, SESSCOOKIE, 15000, a 3000
 * right after accepted answers), made by rewriting what the real bank answered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_AGENT, postOfx } from '../../../core/http/transport.ts';
import { MAX_ANSWER_LENGTH, runSync, type SyncDeps, type SyncInput } from '../../../core/sync/machine.ts';
import type { Challenger, SyncStage } from '../../../core/sync/types.ts';
import { startSimBank, type SimBank, type SimBankVersion } from '../../../sim/bank/index.ts';
import {
  addSessionCookie,
  admin,
  connection,
  MemoryKeyStore,
  rewritingSend,
  RIGHT,
  ScriptedPerson,
  setSignonCode,
  stripAccessKey,
} from './helpers.ts';

type LogEntry = { requests: string[]; answersSent: number; accessKeySent: boolean; signonCode: number | null };

describe.each<SimBankVersion>(['103', '211'])('sync machine edges, OFX %s', (version) => {
  let bank: SimBank;
  let keys: MemoryKeyStore;
  let handled: number;
  const since = new Date(Date.now() - 30 * 86_400_000);

  beforeEach(async () => {
    handled = 0;
    bank = await startSimBank({ port: 0, version, onRequest: () => void handled++ });
    keys = new MemoryKeyStore();
  });
  afterEach(async () => {
    await bank.close();
  });

  function deps(challenger: Challenger, extra: Partial<SyncDeps> = {}): SyncDeps {
    return {
      send: (body) => postOfx(bank.url, body, { timeoutMs: 5_000 }),
      challenger,
      keyStore: keys,
      userAgent: DEFAULT_USER_AGENT,
      ...extra,
    };
  }
  function input(user = 'demo', extra: Partial<SyncInput> = {}): SyncInput {
    return { connection: connection(bank, version, user), accounts: [], profile: null, start: since, ...extra };
  }
  const log = () => admin<LogEntry[]>(bank, '/admin/log');

  it('reports each stage before its request goes out, and waits for async progress before returning', async () => {
    const seen: Array<{ stage: SyncStage; handledBefore: number }> = [];
    let settled = 0;
    const progress = {
      update(stage: SyncStage) {
        seen.push({ stage, handledBefore: handled });
        // A slow display (a Discord edit); the last one fails, which must not fail the sync.
        return new Promise<void>((resolve, reject) =>
          setTimeout(() => {
            settled++;
            if (stage === 'done') reject(new Error('display gone'));
            else resolve();
          }, 30),
        );
      },
    };
    const result = await runSync(input(), deps(new ScriptedPerson(RIGHT), { progress }));
    expect(result.outcome).toBe('ok');
    expect(settled).toBe(seen.length);
    // profile (req 1), sign-on + accounts (2, answered 3000), challenge (3), answers + accounts (4), statements (5).
    expect(seen).toEqual([
      { stage: 'profile', handledBefore: 0 },
      { stage: 'signing-on', handledBefore: 1 },
      { stage: 'discovering-accounts', handledBefore: 1 },
      { stage: 'challenge-requested', handledBefore: 2 },
      { stage: 'waiting-for-answers', handledBefore: 3 },
      { stage: 'sending-answers', handledBefore: 3 },
      { stage: 'discovering-accounts', handledBefore: 3 },
      { stage: 'downloading', handledBefore: 4 },
      { stage: 'done', handledBefore: 5 },
    ]);
  });

  it('cancelling through the sync signal ends the wait at once as cancelled and sends nothing more', async () => {
    const controller = new AbortController();
    const person = new ScriptedPerson('never');
    const progress = { update: (stage: SyncStage) => void (stage === 'waiting-for-answers' && setTimeout(() => controller.abort(), 20)) };
    const result = await runSync(input(), deps(person, { progress, signal: controller.signal }));
    expect(result.outcome).toBe('challenge-cancelled');
    expect(result.challenge?.outcome).toBe('cancelled');
    expect(person.contexts[0]!.signal.aborted).toBe(true);
    const entries = await log();
    expect(entries.map((e) => e.requests[0])).toEqual(['profile', 'accounts', 'challenge']);
    expect(entries.every((e) => e.answersSent === 0)).toBe(true);
  });

  it('a challenge nobody answers times out after challengeTimeoutMs, whatever the Challenger does', async () => {
    const person = new ScriptedPerson('never');
    const result = await runSync(input(), deps(person, { challengeTimeoutMs: 80 }));
    expect(result.outcome).toBe('challenge-expired');
    expect(result.challenge?.outcome).toBe('timeout');
    expect(person.contexts[0]!.timeoutMs).toBe(80);
    expect(person.contexts[0]!.signal.aborted).toBe(true);
    expect((await log()).every((e) => e.answersSent === 0)).toBe(true);
  });

  it('gives the Challenger every phrase asked (for the record) and keeps its signal quiet when it answers', async () => {
    const person = new ScriptedPerson(RIGHT);
    await runSync(input(), deps(person));
    expect(person.contexts[0]!.asked.map((q) => q.id)).toEqual(['MFA16', 'SIMQ1', 'MFA101', 'MFA107']);
    expect(person.contexts[0]!.signal.aborted).toBe(false);
  });

  it(`refuses an answer longer than ${MAX_ANSWER_LENGTH} characters in one line, before anything is sent`, async () => {
    const result = await runSync(input(), deps(new ScriptedPerson({ ...RIGHT, SIMQ1: 'x'.repeat(MAX_ANSWER_LENGTH + 1) })));
    expect(result.outcome).toBe('answers-needed');
    expect(result.error?.message).toMatch(/SIMQ1.*64 characters.*nothing was sent/);
    expect(result.error?.message).not.toContain('xxxx');
    expect((await log()).every((e) => e.answersSent === 0)).toBe(true);
    // Exactly 64 goes to the bank (which, here, finds it wrong).
    const limit = await runSync(input(), deps(new ScriptedPerson({ ...RIGHT, SIMQ1: 'é'.repeat(MAX_ANSWER_LENGTH) })));
    expect(limit.outcome).toBe('answers-rejected');
  });

  it('drops the key it just stored when the bank says 3000 right after accepting the answers', async () => {
    let answered = -1;
    const { send } = rewritingSend(bank, (response, request, i) => {
      if (/<MFACHALLENGEA>/.test(request)) answered = i;
      return answered >= 0 && i === answered + 1 ? setSignonCode(response, 3000) : response;
    });
    const result = await runSync(input(), deps(new ScriptedPerson(RIGHT), { send }));
    expect(result.outcome).toBe('error');
    expect(result.error?.name).toBe('ChallengeLoopError');
    expect(keys.keys.size).toBe(0);
    expect(keys.cleared).toEqual(['the bank no longer accepts the access key (3000)']);
  });

  it('sends the SESSCOOKIE of a SONRS back in the next SONRQ of the same sync', async () => {
    const { send, exchanges } = rewritingSend(bank, (response, _request, i) => (i === 0 ? response : addSessionCookie(response, `cookie-${i}`)));
    const result = await runSync(input(), deps(new ScriptedPerson(RIGHT), { send }));
    expect(result.outcome).toBe('ok');
    // 0 profile (its own anonymous session), 1 sign-on, 2 challenge, 3 answers, 4 statements.
    expect(exchanges).toHaveLength(5);
    expect(exchanges[1]!.request).not.toContain('SESSCOOKIE');
    for (let i = 2; i < exchanges.length; i++) expect(exchanges[i]!.request).toContain(`<SESSCOOKIE>cookie-${i - 1}`);
  });

  it('a bank that issues no ACCESSKEY still gets one sync through discovery and download, reusing the accepted answers once', async () => {
    const { send } = rewritingSend(bank, (response) => stripAccessKey(response));
    const person = new ScriptedPerson(RIGHT);
    const result = await runSync(input(), deps(person, { send }));
    expect(result.outcome).toBe('ok');
    expect(result.accessKeyStored).toBe(false);
    expect(keys.keys.size).toBe(0);
    expect(person.asked).toHaveLength(1);
    expect(result.statements.length).toBe(result.discoveredAccounts?.length);
    expect(result.statements.length).toBeGreaterThan(0);
    const entries = await log();
    expect(entries.map((e) => [e.requests[0], e.answersSent])).toEqual([
      ['profile', 0],
      ['accounts', 0],
      ['challenge', 0],
      ['accounts', 4],
      ['statement:bank', 4],
    ]);
    expect((await admin<{ wrongAnswerSets: number }>(bank, '/admin/users/demo')).wrongAnswerSets).toBe(0);
  });

  it('stops at a 3001 to reused answers, and never sends them a third time', async () => {
    let answers = 0;
    const { send } = rewritingSend(bank, (response, request) => {
      const carries = /<MFACHALLENGEA>/.test(request);
      if (carries) answers++;
      const stripped = stripAccessKey(response);
      return carries && answers === 2 ? setSignonCode(stripped, 3001) : stripped;
    });
    const result = await runSync(input(), deps(new ScriptedPerson(RIGHT), { send }));
    expect(result.outcome).toBe('answers-rejected');
    expect(answers).toBe(2);
  });

  it('turns a 15000 into a warning with the status advice, and still syncs', async () => {
    const { send } = rewritingSend(bank, (response, _request, i) => (i === 0 ? response : response.includes('<CODE>0') ? setSignonCode(response, 15000) : response));
    const result = await runSync(input(), deps(new ScriptedPerson(RIGHT), { send }));
    expect(result.outcome).toBe('ok');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/15000.*password change.*Change the password on the bank website/);
  });

  it('a profile request that fails does not fail the sync', async () => {
    const { send } = rewritingSend(bank, (response, request) => (/<PROFRQ>/.test(request) ? '<html>maintenance</html>' : response));
    const result = await runSync(input(), deps(new ScriptedPerson(RIGHT), { send }));
    expect(result.outcome).toBe('ok');
    expect(result.profileAttempted).toBe(true);
    expect(result.profile).toBeNull();
    expect(result.statements.length).toBeGreaterThan(0);
  });

  it('asks each account from its own window start', async () => {
    const first = await runSync(input(), deps(new ScriptedPerson(RIGHT)));
    const [a, b] = first.discoveredAccounts!;
    const { send, exchanges } = rewritingSend(bank);
    const result = await runSync(
      input('demo', {
        profile: first.profile,
        accounts: [
          { ...a!, start: new Date('2026-01-05T00:00:00Z') },
          { ...b!, start: undefined },
        ],
        start: new Date('2026-02-10T00:00:00Z'),
      }),
      deps(new ScriptedPerson(RIGHT), { send }),
    );
    expect(result.outcome).toBe('ok');
    const starts = [...exchanges[0]!.request.matchAll(/<DTSTART>(\d{8})/g)].map((m) => m[1]);
    expect(starts).toEqual(['20260105', '20260210']);
  });
});
