/**
 * The MFA sync state machine against the real simulated bank over real HTTP, in both OFX families.
 * The KeyStore is a plain in-memory implementation and the Challenger a scripted person: both are the
 * interfaces' real shapes, not mocks of the bank.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_USER_AGENT, postOfx } from '../../../core/http/transport.ts';
import { aggregate, leaf } from '../../../core/ofx/tree.ts';
import { serializeOfx } from '../../../core/ofx/serialize.ts';
import { runSync, type SyncDeps, type SyncInput } from '../../../core/sync/machine.ts';
import type { Challenger } from '../../../core/sync/types.ts';
import { startSimBank, type SimBank, type SimBankVersion } from '../../../sim/bank/index.ts';
import { admin, connection, MemoryKeyStore, RIGHT, ScriptedPerson, WRONG } from './helpers.ts';

describe.each<SimBankVersion>(['103', '211'])('sync state machine, OFX %s', (version) => {
  let bank: SimBank;
  let keys: MemoryKeyStore;
  const since = new Date(Date.now() - 30 * 86_400_000);

  beforeEach(async () => {
    bank = await startSimBank({ port: 0, version });
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

  it('is challenged once, asks only the human questions, stores the key, then syncs without asking', async () => {
    const person = new ScriptedPerson(RIGHT);
    const first = await runSync(input(), deps(person));
    expect(first.outcome).toBe('ok');
    expect(first.error).toBeNull();
    expect(first.challenged).toBe(true);
    expect(first.accessKeyStored).toBe(true);
    expect(first.profile?.mfaChallengeSupported).toBe(true);
    // MFA101 and MFA107 are answered by the client; the person sees the bank's label or the standard one.
    expect(person.asked).toHaveLength(1);
    const asked = person.asked[0]!;
    expect(asked.map((q) => q.id)).toEqual(['MFA16', 'SIMQ1']);
    expect(asked[1]!.prompt).toBe('Name of your first pet?');
    expect(asked[0]!.prompt).not.toBe('MFA16');
    expect(first.challenge?.outcome).toBe('accepted');
    expect(first.discoveredAccounts?.length).toBeGreaterThanOrEqual(3);
    expect(first.statements.length).toBe(first.discoveredAccounts?.length);
    expect(keys.keys.get('conn-demo')).toBeTruthy();

    const again = new ScriptedPerson(RIGHT);
    const second = await runSync(input('demo', { accounts: first.discoveredAccounts!, profile: first.profile }), deps(again));
    expect(second.outcome).toBe('ok');
    expect(second.challenged).toBe(false);
    expect(again.asked).toHaveLength(0);
    expect(second.statements.length).toBe(first.statements.length);
  });

  it('drops a key the bank revoked (3000) and challenges again', async () => {
    const first = await runSync(input(), deps(new ScriptedPerson(RIGHT)));
    const oldKey = keys.keys.get('conn-demo');
    await admin(bank, '/admin/revoke-keys', { user: 'demo' });

    const person = new ScriptedPerson(RIGHT);
    const result = await runSync(input('demo', { accounts: first.discoveredAccounts!, profile: first.profile }), deps(person));
    expect(result.outcome).toBe('ok');
    expect(result.challenged).toBe(true);
    expect(person.asked).toHaveLength(1);
    expect(keys.cleared).toHaveLength(1);
    expect(keys.keys.get('conn-demo')).toBeTruthy();
    expect(keys.keys.get('conn-demo')).not.toBe(oldKey);
  });

  it('reports wrong answers (3001) without resending or asking again', async () => {
    const person = new ScriptedPerson(WRONG);
    const result = await runSync(input(), deps(person));
    expect(result.outcome).toBe('answers-rejected');
    expect(result.error?.message).toMatch(/3001/);
    expect(person.asked).toHaveLength(1);
    expect(result.challenge?.outcome).toBe('rejected');
    expect(keys.keys.size).toBe(0);
    const state = await admin<{ wrongAnswerSets: number }>(bank, '/admin/users/demo');
    expect(state.wrongAnswerSets).toBe(1);
  });

  it('stops at a lockout (15502) with the status advice', async () => {
    for (let i = 0; i < 3; i++) await runSync(input(), deps(new ScriptedPerson(WRONG)));
    const result = await runSync(input(), deps(new ScriptedPerson(RIGHT)));
    expect(result.outcome).toBe('signon-refused');
    expect(result.error?.message).toMatch(/15502/);
    expect(result.error?.message).toMatch(/locked/i);
  });

  it('refuses a wrong password (15500) before any question is asked', async () => {
    const person = new ScriptedPerson(RIGHT);
    const bad = { ...input(), connection: connection(bank, version, 'demo', 'not-the-password') };
    const result = await runSync(bad, deps(person));
    expect(result.outcome).toBe('signon-refused');
    expect(result.error?.message).toMatch(/15500/);
    expect(result.error?.message).not.toContain('not-the-password');
    expect(person.asked).toHaveLength(0);
  });

  it('says which USERCRED the profile asks for when the sign-on is refused without it', async () => {
    const profile = {
      mfaChallengeSupported: true, mfaChallengeFirst: false, clientUidRequired: false,
      userCred1Label: 'Branch PIN', userCred2Label: null, authTokenFirst: false, authTokenLabel: null,
    };
    const result = await runSync(input('cred', { profile }), deps(new ScriptedPerson(RIGHT)));
    expect(result.outcome).toBe('signon-refused');
    expect(result.error?.message).toMatch(/15500.*USERCRED1 \("Branch PIN"\)/);

    const withPin = { ...input('cred', { profile }), connection: { ...connection(bank, version, 'cred'), userCred1: '4321' } };
    expect((await runSync(withPin, deps(new ScriptedPerson(RIGHT)))).outcome).toBe('ok');
  });

  it.each([
    ['cancel', 'challenge-cancelled'],
    ['timeout', 'challenge-expired'],
  ] as const)('ends cleanly when the person does %s, sending nothing', async (behaviour, outcome) => {
    const result = await runSync(input(), deps(new ScriptedPerson(behaviour)));
    expect(result.outcome).toBe(outcome);
    expect(keys.keys.size).toBe(0);
    const state = await admin<{ wrongAnswerSets: number }>(bank, '/admin/users/demo');
    expect(state.wrongAnswerSets).toBe(0);
  });

  it('asks every question of a bank with more than five', async () => {
    const person = new ScriptedPerson({
      MFA1: 'Springfield', MFA5: 'Blue', MFA16: 'Smith', MFA20: 'Elm Street', MFA23: '1980', SIMQ1: 'Rex', SIMQ2: 'Café au lait',
    });
    const result = await runSync(input('many'), deps(person));
    expect(result.outcome).toBe('ok');
    expect(person.asked[0]).toHaveLength(7);
  });

  it('sends the challenge request alone as the first sign-on when the profile says MFACHALLENGEFIRST', async () => {
    await bank.close();
    bank = await startSimBank({ port: 0, version, mfaChallengeFirst: true });
    const result = await runSync(input(), deps(new ScriptedPerson(RIGHT)));
    expect(result.profile?.mfaChallengeFirst).toBe(true);
    expect(result.outcome).toBe('ok');
    const log = await admin<Array<{ requests: string[]; answersSent: number; accessKeySent: boolean }>>(bank, '/admin/log');
    // profile; the challenge request with nothing else; the answers with the work; then the statements on the key.
    expect(log.map((e) => e.requests)).toEqual([['profile'], ['challenge'], ['accounts'], expect.arrayContaining(['statement:bank'])]);
    expect(log[1]!.answersSent).toBe(0);
    expect(log[2]!.answersSent).toBe(4);
    expect(log[3]!.accessKeySent).toBe(true);
  });

  it('turns a hanging bank into a one-line error', async () => {
    const result = await runSync(input('fault-hang'), deps(new ScriptedPerson(RIGHT), {
      send: (body) => postOfx(bank.url, body, { timeoutMs: 300 }),
    }));
    expect(result.outcome).toBe('error');
    expect(result.error?.message).not.toContain('\n');
    expect(result.error?.message).toMatch(/time/i);
  });

  it('stops instead of looping when the bank asks for a challenge right after accepting answers', async () => {
    // A misbehaving bank cannot be made from the simulator, so the answer to the answers is rewritten to 3000.
    const real = (body: string) => postOfx(bank.url, body, { timeoutMs: 5_000 });
    const loopy = async (body: string) => {
      if (!/MFACHALLENGEA/.test(body)) return real(body);
      const sonrs = aggregate('SONRS', [
        aggregate('STATUS', [leaf('CODE', '3000'), leaf('SEVERITY', 'ERROR')]),
        leaf('DTSERVER', '20260101120000'),
        leaf('LANGUAGE', 'ENG'),
      ]);
      return new TextEncoder().encode(serializeOfx(aggregate('OFX', [aggregate('SIGNONMSGSRSV1', [sonrs])]), { version }));
    };
    const person = new ScriptedPerson(RIGHT);
    const result = await runSync(input(), deps(person, { send: loopy }));
    expect(result.outcome).toBe('error');
    expect(result.error?.name).toBe('ChallengeLoopError');
    expect(person.asked).toHaveLength(1);
  });
});
