/**
 * MFACHALLENGEFIRST, enforced (issue 7): when the bank's profile says so and the sign-on has no valid key, the
 * challenge request must come alone in its sign-on, before any other request. Driven with raw requests
 * (test/sim/bank-client.ts builds exactly the transactions named, nothing more), in both formats.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUESTIONS } from '../../sim/bank/index.ts';
import { CHECKING, correctAnswers, signonCode, startTestBank } from './bank-client.ts';
import type { Exchange, TestBank } from './bank-client.ts';

const statementItem = { kind: 'statement', account: CHECKING } as const;

/** Nothing of the request was processed: no transaction answered, no challenge list, no key. */
function nothingProcessed(x: Exchange): void {
  expect(signonCode(x)).toBe(3000);
  expect(x.parsed.transactionStatuses).toEqual([]);
  expect(x.parsed.challenge).toBeNull();
  expect(x.parsed.statements).toEqual([]);
  expect(x.parsed.signon?.accessKey).toBeNull();
}

describe.each(['103', '211'] as const)('MFACHALLENGEFIRST, OFX %s', (version) => {
  let t: TestBank;
  beforeEach(async () => {
    t = await startTestBank(version);
  });
  afterEach(async () => {
    await t.bank.close();
  });

  it('says so in the profile of the user asking', async () => {
    const x = await t.send({ userId: 'first' }, [{ kind: 'profile' }]);
    expect(x.parsed.profile?.signonInfos[0]?.mfaChallengeFirst).toBe(true);
  });

  it('refuses a sign-on without the challenge request with 3000 and processes nothing', async () => {
    nothingProcessed(await t.send({ userId: 'first' }, [statementItem, { kind: 'accounts' }]));
  });

  it('refuses the challenge request bundled with other work, even a profile request, and hands out no list', async () => {
    nothingProcessed(await t.send({ userId: 'first' }, [{ kind: 'challenge' }, statementItem]));
    nothingProcessed(await t.send({ userId: 'first' }, [{ kind: 'accounts' }, { kind: 'challenge' }]));
    nothingProcessed(await t.send({ userId: 'first' }, [{ kind: 'challenge' }, { kind: 'profile' }]));
    // No list was handed out, so correct answers still count for nothing (and are not counted as wrong).
    nothingProcessed(await t.send({ userId: 'first', answers: correctAnswers(DEFAULT_QUESTIONS, t.clock.now()) }, [statementItem]));
    expect((await t.admin('/admin/users/first')).body).toMatchObject({ wrongAnswerSets: 0, lockedOut: false });
  });

  it('answers the challenge request alone, then takes the answers with the real work', async () => {
    const challenge = await t.send({ userId: 'first' }, [{ kind: 'challenge' }]);
    expect(signonCode(challenge)).toBe(0);
    expect(challenge.parsed.challenge?.challenges.map((c) => c.id)).toEqual(DEFAULT_QUESTIONS.map((q) => q.id));
    const answered = await t.send({ userId: 'first', answers: correctAnswers(DEFAULT_QUESTIONS, t.clock.now()) }, [
      { kind: 'accounts' },
      statementItem,
    ]);
    expect(signonCode(answered)).toBe(0);
    const key = answered.parsed.signon?.accessKey;
    expect(key).toBeTruthy();
    expect(answered.parsed.accountList?.status.code).toBe(0);
    expect(answered.parsed.statements[0]?.status.code).toBe(0);

    // With a valid key there is no challenge to come first: bundled work is served as usual.
    const keyed = await t.send({ userId: 'first', accessKey: key as string }, [statementItem, { kind: 'accounts' }]);
    expect(signonCode(keyed)).toBe(0);
    expect(keyed.parsed.transactionStatuses.map((s) => s.status.code)).toEqual([0, 0]);
  });

  it('still answers a bundled challenge request for banks without MFACHALLENGEFIRST (the list only)', async () => {
    const x = await t.send({ userId: 'demo' }, [{ kind: 'challenge' }, statementItem]);
    expect(signonCode(x)).toBe(0);
    expect(x.parsed.challenge?.challenges).toHaveLength(DEFAULT_QUESTIONS.length);
    expect(x.parsed.statements).toEqual([]);
  });
});
