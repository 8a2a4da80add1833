import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUESTIONS, MANY_QUESTIONS } from '../../sim/bank/index.ts';
import { CHECKING, CARD, correctAnswers, signonCode, startTestBank } from './bank-client.ts';
import type { TestBank } from './bank-client.ts';

const DAY = 86_400_000;
const statementItem = { kind: 'statement', account: CHECKING } as const;

describe.each(['103', '211'] as const)('simulated bank sign-on and MFA, OFX %s', (version) => {
  let t: TestBank;
  beforeEach(async () => {
    t = await startTestBank(version);
  });
  afterEach(async () => {
    await t.bank.close();
  });

  /** The whole dance for `userId`: challenge, then answers with a statement request; returns the access key. */
  async function signOnWithAnswers(userId = 'demo', questions = DEFAULT_QUESTIONS): Promise<string> {
    const challenge = await t.send({ userId }, [{ kind: 'challenge' }]);
    expect(signonCode(challenge)).toBe(0);
    const answered = await t.send({ userId, answers: correctAnswers(questions, t.clock.now()) }, [statementItem]);
    expect(signonCode(answered)).toBe(0);
    const key = answered.parsed.signon?.accessKey;
    expect(key).toBeTruthy();
    return key as string;
  }

  it('answers a profile request without sign-on checks, advertising MFA and the message sets', async () => {
    const x = await t.send({ userId: 'anonymous00000000000000000000000', password: 'anonymous00000000000000000000000' }, [{ kind: 'profile' }]);
    expect(signonCode(x)).toBe(0);
    expect(x.parsed.header.format).toBe(version === '103' ? 'sgml' : 'xml');
    const profile = x.parsed.profile;
    expect(profile?.status.code).toBe(0);
    expect(profile?.fiName).toBe('SimBank');
    expect(profile?.messageSets).toEqual(
      expect.arrayContaining(['SIGNONMSGSET', 'SIGNUPMSGSET', 'BANKMSGSET', 'CREDITCARDMSGSET', 'INVSTMTMSGSET', 'PROFMSGSET']),
    );
    expect(profile?.signonInfos[0]).toMatchObject({
      realm: 'SIMBANK',
      mfaChallengeSupported: true,
      mfaChallengeFirst: false,
      clientUidRequired: false,
      userCred1Label: null,
    });
  });

  it('reflects the asking user scenario in the profile (USERCRED1LABEL, CLIENTUIDREQ, MFACHALLENGEFIRST)', async () => {
    const cred = await t.send({ userId: 'cred' }, [{ kind: 'profile' }]);
    expect(cred.parsed.profile?.signonInfos[0]?.userCred1Label).toBe('Branch PIN');
    const uid = await t.send({ userId: 'clientuid' }, [{ kind: 'profile' }]);
    expect(uid.parsed.profile?.signonInfos[0]?.clientUidRequired).toBe(true);
    const first = await t.send({ userId: 'first' }, [{ kind: 'profile' }]);
    expect(first.parsed.profile?.signonInfos[0]?.mfaChallengeFirst).toBe(true);
  });

  it('answers status 1 without PROFRS when the client profile is up to date', async () => {
    const x = await t.send({ userId: 'demo' }, [{ kind: 'profile', profileUpdatedAt: new Date('2025-06-01T00:00:00Z') }]);
    expect(x.parsed.transactionStatuses.map((s) => [s.wrapper, s.status.code])).toEqual([['PROFTRNRS', 1]]);
    expect(x.parsed.profile?.signonInfos ?? []).toEqual([]);
  });

  it('refuses a wrong password or an unknown user with 15500 and processes nothing', async () => {
    const wrong = await t.send({ userId: 'demo', password: 'not-it' }, [statementItem]);
    expect(signonCode(wrong)).toBe(15500);
    expect(wrong.parsed.statements).toEqual([]);
    const unknown = await t.send({ userId: 'nobody' }, [statementItem]);
    expect(signonCode(unknown)).toBe(15500);
  });

  it('answers 3000 without a key and processes nothing else (no statement TRNRS at all)', async () => {
    const x = await t.send({ userId: 'demo' }, [{ kind: 'accounts' }, statementItem, { kind: 'statement', account: CARD }]);
    expect(signonCode(x)).toBe(3000);
    expect(x.parsed.transactionStatuses).toEqual([]);
    expect(x.parsed.statements).toEqual([]);
    expect(x.parsed.accountList).toBeNull();
    expect(x.parsed.signon?.accessKey).toBeNull();
  });

  it('lists the default challenge: MFA16 without a label, a labelled bank question, MFA101 and MFA107', async () => {
    const x = await t.send({ userId: 'demo' }, [{ kind: 'challenge' }]);
    expect(signonCode(x)).toBe(0);
    expect(x.parsed.challenge?.status.code).toBe(0);
    expect(x.parsed.challenge?.trnuid).toBe(x.trnuids[0]);
    expect(x.parsed.challenge?.challenges.map((c) => ({ id: c.id, label: c.label, clientSide: c.clientSide }))).toEqual([
      { id: 'MFA16', label: null, clientSide: false },
      { id: 'SIMQ1', label: 'Name of your first pet?', clientSide: false },
      { id: 'MFA101', label: null, clientSide: true },
      { id: 'MFA107', label: null, clientSide: true },
    ]);
    expect(x.parsed.challenge?.challenges[0]?.builtInLabel).toBeTruthy();
  });

  it('lists seven user questions for the `many` user, an accented label intact', async () => {
    const x = await t.send({ userId: 'many' }, [{ kind: 'challenge' }]);
    const challenges = x.parsed.challenge?.challenges ?? [];
    expect(challenges.map((c) => c.id)).toEqual(MANY_QUESTIONS.map((q) => q.id));
    expect(challenges.filter((c) => !c.clientSide)).toHaveLength(7);
    expect(challenges.find((c) => c.id === 'SIMQ2')?.label).toBe('Your favourite café drink?');
    // All seven answers accepted in one sign-on.
    const answered = await t.send({ userId: 'many', answers: correctAnswers(MANY_QUESTIONS, t.clock.now()) }, [statementItem]);
    expect(signonCode(answered)).toBe(0);
  });

  it('accepts correct answers with 0, a fresh ACCESSKEY and the rest of the request in the same response', async () => {
    await t.send({ userId: 'demo' }, [{ kind: 'challenge' }]);
    const x = await t.send({ userId: 'demo', answers: correctAnswers(DEFAULT_QUESTIONS, t.clock.now()) }, [
      { kind: 'accounts' },
      statementItem,
      { kind: 'statement', account: CARD },
    ]);
    expect(signonCode(x)).toBe(0);
    expect(x.parsed.signon?.accessKey).toMatch(/^\S{16,}$/);
    expect(x.parsed.accountList?.accounts).toHaveLength(4);
    expect(x.parsed.statements.map((s) => [s.kind, s.trnuid, s.status.code])).toEqual([
      ['bank', x.trnuids[1], 0],
      ['creditcard', x.trnuids[2], 0],
    ]);
    // Every answer set gets its own key.
    const again = await t.send({ userId: 'demo', answers: correctAnswers(DEFAULT_QUESTIONS, t.clock.now()) }, [statementItem]);
    expect(again.parsed.signon?.accessKey).not.toBe(x.parsed.signon?.accessKey);
  });

  it('accepts answers in MFACHALLENGEANSWER aggregates too', async () => {
    const x = await t.send(
      { userId: 'demo', answers: correctAnswers(DEFAULT_QUESTIONS, t.clock.now()), answerAggregate: 'MFACHALLENGEANSWER' },
      [statementItem],
    );
    expect(x.requestBody).toContain('<MFACHALLENGEANSWER>');
    expect(signonCode(x)).toBe(0);
    expect(x.parsed.statements).toHaveLength(1);
  });

  it('rejects wrong answers with 3001 and processes nothing; answers compare case-insensitively', async () => {
    const answers = correctAnswers(DEFAULT_QUESTIONS, t.clock.now()).map((a) => (a.id === 'SIMQ1' ? { ...a, answer: 'Fido' } : a));
    const x = await t.send({ userId: 'demo', answers }, [statementItem]);
    expect(signonCode(x)).toBe(3001);
    expect(x.parsed.statements).toEqual([]);
    expect(x.parsed.signon?.accessKey).toBeNull();
    const shouting = correctAnswers(DEFAULT_QUESTIONS, t.clock.now()).map((a) => (a.id === 'MFA16' ? { ...a, answer: '  SMITH ' } : a));
    expect(signonCode(await t.send({ userId: 'demo', answers: shouting }, [statementItem]))).toBe(0);
  });

  it('rejects an implausible MFA101 (two days off), a missing answer and a non-User-Agent MFA107 with 3001', async () => {
    const good = correctAnswers(DEFAULT_QUESTIONS, t.clock.now());
    const stale = correctAnswers(DEFAULT_QUESTIONS, new Date(t.clock.now().getTime() - 2 * DAY));
    expect(signonCode(await t.send({ userId: 'demo', answers: stale }, [statementItem]))).toBe(3001);
    expect(signonCode(await t.send({ userId: 'demo', answers: good.filter((a) => a.id !== 'MFA107') }, [statementItem]))).toBe(3001);
    await t.admin('/admin/reset', { body: {} });
    const badAgent = good.map((a) => (a.id === 'MFA107' ? { ...a, answer: 'hello' } : a));
    expect(signonCode(await t.send({ userId: 'demo', answers: badAgent }, [statementItem]))).toBe(3001);
  });

  it('locks the user out after three wrong answer sets in a row: 15502 even with correct answers or a valid key', async () => {
    const key = await signOnWithAnswers();
    const wrong = correctAnswers(DEFAULT_QUESTIONS, t.clock.now()).map((a) => (a.id === 'MFA16' ? { ...a, answer: 'Jones' } : a));
    for (let i = 0; i < 3; i++) expect(signonCode(await t.send({ userId: 'demo', answers: wrong }, [statementItem]))).toBe(3001);
    expect((await t.admin('/admin/users/demo')).body).toEqual({ user: 'demo', wrongAnswerSets: 3, lockedOut: true, activeKeys: 1 });

    const correct = await t.send({ userId: 'demo', answers: correctAnswers(DEFAULT_QUESTIONS, t.clock.now()) }, [statementItem]);
    expect(signonCode(correct)).toBe(15502);
    expect(correct.parsed.statements).toEqual([]);
    expect(signonCode(await t.send({ userId: 'demo', accessKey: key }, [statementItem]))).toBe(15502);
    expect(signonCode(await t.send({ userId: 'demo' }, [{ kind: 'challenge' }]))).toBe(15502);

    // The admin reset unlocks; the key is still good.
    expect((await t.admin('/admin/reset', { body: { user: 'demo' } })).status).toBe(200);
    expect((await t.admin('/admin/users/demo')).body).toMatchObject({ wrongAnswerSets: 0, lockedOut: false });
    expect(signonCode(await t.send({ userId: 'demo', accessKey: key }, [statementItem]))).toBe(0);
  });

  it('resets the wrong-answer counter on correct answers', async () => {
    const wrong = correctAnswers(DEFAULT_QUESTIONS, t.clock.now()).map((a) => (a.id === 'MFA16' ? { ...a, answer: 'Jones' } : a));
    for (let i = 0; i < 2; i++) await t.send({ userId: 'demo', answers: wrong }, [statementItem]);
    await signOnWithAnswers();
    expect((await t.admin('/admin/users/demo')).body).toMatchObject({ wrongAnswerSets: 0, lockedOut: false });
    for (let i = 0; i < 2; i++) await t.send({ userId: 'demo', answers: wrong }, [statementItem]);
    expect((await t.admin('/admin/users/demo')).body).toMatchObject({ wrongAnswerSets: 2, lockedOut: false });
  });

  it('lets a valid key skip the challenge until it expires (30 days by default)', async () => {
    const key = await signOnWithAnswers();
    const x = await t.send({ userId: 'demo', accessKey: key }, [statementItem]);
    expect(signonCode(x)).toBe(0);
    expect(x.parsed.signon?.accessKey).toBeNull();
    expect(x.parsed.statements[0]?.status.code).toBe(0);
    // Someone else's key is no key.
    expect(signonCode(await t.send({ userId: 'many', accessKey: key }, [statementItem]))).toBe(3000);

    t.clock.advance(29 * DAY);
    expect(signonCode(await t.send({ userId: 'demo', accessKey: key }, [statementItem]))).toBe(0);
    t.clock.advance(2 * DAY);
    const expired = await t.send({ userId: 'demo', accessKey: key }, [statementItem]);
    expect(signonCode(expired)).toBe(3000);
    expect(expired.parsed.statements).toEqual([]);
    expect((await t.admin('/admin/users/demo')).body).toMatchObject({ activeKeys: 0 });
  });

  it('answers 3000 again once the admin revokes the keys (one user or all)', async () => {
    const key = await signOnWithAnswers();
    const revoked = await t.admin<{ revoked: number }>('/admin/revoke-keys', { body: { user: 'demo' } });
    expect(revoked.body.revoked).toBe(1);
    expect(signonCode(await t.send({ userId: 'demo', accessKey: key }, [statementItem]))).toBe(3000);

    const key2 = await signOnWithAnswers();
    await t.admin('/admin/revoke-keys', { body: {} });
    expect(signonCode(await t.send({ userId: 'demo', accessKey: key2 }, [statementItem]))).toBe(3000);
  });

  it('honours a per-bank key lifetime option', async () => {
    await t.bank.close();
    t = await startTestBank(version, { keyLifetimeMs: 60_000 });
    const key = await signOnWithAnswers();
    t.clock.advance(61_000);
    expect(signonCode(await t.send({ userId: 'demo', accessKey: key }, [statementItem]))).toBe(3000);
  });

  it('answers 15510 when CLIENTUID is required and missing, and goes on when it is sent', async () => {
    expect(signonCode(await t.send({ userId: 'clientuid' }, [statementItem]))).toBe(15510);
    expect(signonCode(await t.send({ userId: 'clientuid', clientUid: 'f3c1a1de-8a36-4c37-9c1d-2b7e8e0f4a11' }, [statementItem]))).toBe(3000);
  });

  it('requires CLIENTUID for every user when the bank is started with clientUidRequired', async () => {
    await t.bank.close();
    t = await startTestBank(version, { clientUidRequired: true });
    expect(signonCode(await t.send({ userId: 'demo' }, [statementItem]))).toBe(15510);
    const profile = await t.send({ userId: 'demo' }, [{ kind: 'profile' }]);
    expect(profile.parsed.profile?.signonInfos[0]?.clientUidRequired).toBe(true);
  });

  it('answers 15500 when USERCRED1 is required but missing or wrong, and goes on with the right one', async () => {
    expect(signonCode(await t.send({ userId: 'cred' }, [statementItem]))).toBe(15500);
    expect(signonCode(await t.send({ userId: 'cred', userCred1: '0000' }, [statementItem]))).toBe(15500);
    expect(signonCode(await t.send({ userId: 'cred', userCred1: '4321' }, [statementItem]))).toBe(3000);
    const answers = correctAnswers(DEFAULT_QUESTIONS, t.clock.now());
    expect(signonCode(await t.send({ userId: 'cred', userCred1: '4321', answers }, [statementItem]))).toBe(0);
  });

  it('with MFACHALLENGEFIRST, counts answers only after the challenge list was handed out', async () => {
    const answers = correctAnswers(DEFAULT_QUESTIONS, t.clock.now());
    expect(signonCode(await t.send({ userId: 'first', answers }, [statementItem]))).toBe(3000);
    expect((await t.admin('/admin/users/first')).body).toMatchObject({ wrongAnswerSets: 0 });
    const challenge = await t.send({ userId: 'first' }, [{ kind: 'challenge' }]);
    expect(challenge.parsed.challenge?.challenges.map((c) => c.id)).toEqual(DEFAULT_QUESTIONS.map((q) => q.id));
    const x = await t.send({ userId: 'first', answers }, [statementItem]);
    expect(signonCode(x)).toBe(0);
    expect(x.parsed.signon?.accessKey).toBeTruthy();
  });

  it('answers the challenge request alone: other transactions in that request are not processed', async () => {
    const x = await t.send({ userId: 'demo' }, [{ kind: 'challenge' }, statementItem]);
    expect(signonCode(x)).toBe(0);
    expect(x.parsed.challenge?.challenges).toHaveLength(4);
    expect(x.parsed.statements).toEqual([]);
  });
});
