/**
 * The sync service every front end shares, in-process: a real SQLite file, the real simulated bank over HTTP, and
 * front-end challengers shaped like the Discord relay (they read the recorded challenge from the database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChallengeContext, ChallengeOutcome, ChallengeQuestion } from '../../core/sync/types.ts';
import {
  createConnection,
  ensureDiscordMember,
  expireWaitingChallenges,
  getChallengeByRelayId,
  getConnectionById,
  getHold,
  listAccounts,
  upsertAccounts,
  listAllConnections,
  listChallenges,
  listSyncRuns,
  openDatabase,
  resolveChallenge,
  SecretBox,
  setChallengeMessage,
  type ChallengeRow,
  type ConnectionRow,
  type Member,
} from '../../db/index.ts';
import type { AppContext } from '../../bot/context.ts';
import {
  accountWindowStart,
  ConnectionNotFoundError,
  OVERLAP_DAYS,
  FIRST_SYNC_DAYS,
  runningSyncs,
  syncConnection,
  type FrontChallenger,
  type RecordedChallenge,
  type SyncOptions,
} from '../../bot/sync-service.ts';
import { startSimBank, type SimBank } from '../../sim/bank/index.ts';

const RIGHT = { MFA16: 'Smith', SIMQ1: 'Rex' };
const WRONG = { MFA16: 'Jones', SIMQ1: 'Fido' };

type Context = ChallengeContext & { challenge: RecordedChallenge };

/** A member in a Discord DM: looks the challenge up by relay id (as a button click would), then answers or waits. */
class DmMember implements FrontChallenger {
  seen: Array<{ questions: ChallengeQuestion[]; context: Context; row: ChallengeRow | null }> = [];
  private waiters: Array<(context: Context) => void> = [];
  constructor(
    private readonly app: AppContext,
    private readonly behaviour: Record<string, string> | 'never',
  ) {}
  async ask(questions: readonly ChallengeQuestion[], context: Context): Promise<ChallengeOutcome> {
    this.seen.push({ questions: [...questions], context, row: getChallengeByRelayId(this.app.db, context.challenge.relayId) });
    for (const w of this.waiters.splice(0)) w(context);
    if (this.behaviour === 'never') return new Promise<ChallengeOutcome>(() => {});
    return { kind: 'answered', answers: new Map(Object.entries(this.behaviour)) };
  }
  /** Resolves once the service asked (the DM went out). */
  asked(): Promise<Context> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

describe('the sync service', () => {
  let bank: SimBank;
  let dir: string;
  let app: AppContext;
  let alice: Member;
  let bob: Member;
  const handled: string[][] = [];

  beforeEach(async () => {
    handled.length = 0;
    bank = await startSimBank({ port: 0, onRequest: (e) => void handled.push(e.requests) });
    dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-service-'));
    const dbPath = join(dir, 'ofx.sqlite');
    app = { db: openDatabase(dbPath), box: SecretBox.fromKey(Buffer.alloc(32, 9)), dbPath };
    alice = ensureDiscordMember(app.db, '100000000000000001', 'alice');
    bob = ensureDiscordMember(app.db, '100000000000000002', 'bob');
  });
  afterEach(async () => {
    runningSyncs.cancelAll();
    app.db.close();
    await bank.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function connect(member: Member, name: string, user = 'demo', password = `${user}-password`): ConnectionRow {
    return createConnection(app.db, app.box, { memberId: member.id, name, url: bank.url, org: 'SIMBANK', fid: '1001', version: '103', userId: user, password });
  }
  function options(member: Member, target: { connectionId: number } | { name: string }, challenger: FrontChallenger, extra: Partial<SyncOptions> = {}): SyncOptions {
    return { memberId: member.id, ...target, trigger: 'slash', attended: true, challenger, transport: { timeoutMs: 5_000 }, ...extra } as SyncOptions;
  }
  const answers = async () => (await (await fetch(bank.url.replace(/\/ofx$/, '/admin/log'))).json()) as Array<{ answersSent: number }>;

  it('syncs by connection id for its owner; anyone else gets the same not-found as for an id that does not exist', async () => {
    const home = connect(alice, 'home');
    const report = await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, RIGHT)));
    expect(report).toMatchObject({ connectionId: home.id, connection: 'home', outcome: 'ok', challenged: true, accessKeyStored: true, warnings: [] });
    expect(report.accounts.length).toBeGreaterThan(0);

    const before = handled.length;
    const foreign = syncConnection(app, options(bob, { connectionId: home.id }, new DmMember(app, RIGHT)));
    await expect(foreign).rejects.toBeInstanceOf(ConnectionNotFoundError);
    const missing = await syncConnection(app, options(bob, { connectionId: home.id + 1000 }, new DmMember(app, RIGHT))).catch((e: Error) => e);
    const byName = await syncConnection(app, options(bob, { name: 'home' }, new DmMember(app, RIGHT))).catch((e: Error) => e);
    expect(((await foreign.catch((e: Error) => e)) as Error).message).toBe((missing as Error).message);
    expect(byName).toBeInstanceOf(ConnectionNotFoundError);
    expect(handled.length).toBe(before);
    expect(listSyncRuns(app.db, home.id)).toHaveLength(1);
  });

  it('lists every member\'s connections for the scheduler, without secrets', () => {
    connect(alice, 'home');
    connect(bob, 'home');
    const all = listAllConnections(app.db);
    expect(all.map((c) => [c.memberId, c.name])).toEqual([
      [alice.id, 'home'],
      [bob.id, 'home'],
    ]);
    expect(JSON.stringify(all)).not.toMatch(/encrypted|v1:/);
  });

  it('records the waiting challenge before asking, hands the front end its relay record, and resolves it', async () => {
    const home = connect(alice, 'home');
    const member = new DmMember(app, RIGHT);
    const report = await syncConnection(app, options(alice, { connectionId: home.id }, member, { challengeTimeoutMs: 120_000 }));
    expect(report.outcome).toBe('ok');
    const [{ questions, context, row }] = member.seen as [DmMember['seen'][number]];
    expect(questions.map((q) => q.id)).toEqual(['MFA16', 'SIMQ1']);
    expect(context.challenge).toMatchObject({ memberId: alice.id, connectionId: home.id, connectionName: 'home', trigger: 'slash', questions });
    expect(context.challenge.relayId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // While it waited, the row said so: waiting (NULL), its owner, its expiry.
    expect(row).toMatchObject({ id: context.challenge.id, outcome: null, memberId: alice.id, relayId: context.challenge.relayId });
    expect(Date.parse(row!.expiresAt!) - Date.parse(row!.askedAt)).toBe(120_000);
    expect(context.challenge.expiresAt.toISOString()).toBe(row!.expiresAt);
    const [stored] = listChallenges(app.db, row!.syncRunId);
    expect(stored).toMatchObject({ outcome: 'accepted', resolvedAt: expect.stringMatching(/Z$/) });
    expect(stored!.questions.map((q) => q.id)).toEqual(['MFA16', 'SIMQ1', 'MFA101', 'MFA107']);
  });

  it('a Cancel button stops the owner\'s waiting sync: the wait ends cancelled, nothing is sent; others cannot cancel it', async () => {
    const home = connect(alice, 'home');
    const member = new DmMember(app, 'never');
    const asked = member.asked();
    const syncing = syncConnection(app, options(alice, { connectionId: home.id }, member));
    const context = await asked;
    expect(runningSyncs.isRunning(home.id)).toBe(true);
    expect(runningSyncs.cancel(home.id, bob.id)).toBe(false);
    expect(runningSyncs.cancel(home.id, alice.id)).toBe(true);
    const report = await syncing;
    expect(report.outcome).toBe('challenge-cancelled');
    expect(context.signal.aborted).toBe(true);
    expect(runningSyncs.isRunning(home.id)).toBe(false);
    expect(getChallengeByRelayId(app.db, context.challenge.relayId)?.outcome).toBe('cancelled');
    expect((await answers()).every((e) => e.answersSent === 0)).toBe(true);
  });

  it('a second start while one runs is refused as already-running, writing no run row', async () => {
    const home = connect(alice, 'home');
    const member = new DmMember(app, 'never');
    const asked = member.asked();
    const first = syncConnection(app, options(alice, { connectionId: home.id }, member));
    await asked;
    for (let i = 0; i < 3; i++) {
      const again = await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, RIGHT), { trigger: 'button' }));
      expect(again.outcome).toBe('already-running');
    }
    expect(listSyncRuns(app.db, home.id).map((r) => r.state)).toEqual(['running']);
    runningSyncs.cancel(home.id, alice.id);
    await first;
  });

  it('the challenge timeout ends the wait as expired and marks the row timeout', async () => {
    const home = connect(alice, 'home');
    const member = new DmMember(app, 'never');
    const report = await syncConnection(app, options(alice, { connectionId: home.id }, member, { challengeTimeoutMs: 100 }));
    expect(report.outcome).toBe('challenge-expired');
    expect(getChallengeByRelayId(app.db, member.seen[0]!.context.challenge.relayId)?.outcome).toBe('timeout');
  });

  it('expireWaitingChallenges marks waiting rows expired once, keeps their message ids, and a late outcome does not undo it', async () => {
    const home = connect(alice, 'home');
    const member = new DmMember(app, 'never');
    const asked = member.asked();
    const syncing = syncConnection(app, options(alice, { connectionId: home.id }, member));
    const { challenge } = await asked;
    setChallengeMessage(app.db, challenge.id, 'dm-channel-1', 'message-1');
    // This process's own sync is alive: a start-up sweep leaves it, a shutdown of this process expires it.
    expect(expireWaitingChallenges(app.db, 'orphaned')).toEqual([]);
    const expired = expireWaitingChallenges(app.db, 'this-process');
    expect(expired.map((c) => [c.id, c.outcome, c.messageChannelId, c.messageId])).toEqual([[challenge.id, 'expired', 'dm-channel-1', 'message-1']]);
    expect(expireWaitingChallenges(app.db, 'this-process')).toEqual([]);
    runningSyncs.cancel(home.id, alice.id);
    await syncing;
    expect(getChallengeByRelayId(app.db, challenge.relayId)?.outcome).toBe('expired');
    expect(resolveChallenge(app.db, challenge.id, 'accepted')).toBe(false);
  });

  describe('holds: never lock a member out', () => {
    const wrongSets = async (user = 'demo') =>
      ((await (await fetch(bank.url.replace(/\/ofx$/, `/admin/users/${user}`))).json()) as { wrongAnswerSets: number }).wrongAnswerSets;

    it('after a 3001 an unattended sync does not sign on (held, no run row); an attended one may, and its success lifts the hold', async () => {
      const home = connect(alice, 'home');
      const rejected = await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, WRONG), { attended: false, trigger: 'schedule' }));
      expect(rejected.outcome).toBe('answers-rejected');
      expect(rejected.hold).toMatchObject({ reason: 'answers-rejected', code: 3001 });
      expect(getHold(app.db, home.id)).toEqual(rejected.hold);
      expect(await wrongSets()).toBe(1);

      const before = handled.length;
      const runs = listSyncRuns(app.db, home.id).length;
      const stale = new DmMember(app, WRONG);
      for (let i = 0; i < 3; i++) {
        const held = await syncConnection(app, options(alice, { connectionId: home.id }, stale, { attended: false, trigger: 'schedule' }));
        expect(held.outcome).toBe('held');
        expect(held.status).toMatchObject({ code: 3001, severity: 'ERROR' });
        expect(held.status.message).toMatch(/held since 20\d\d-.*: the bank rejected the security answers \(3001\).*nothing was sent\. To go on, answer the questions yourself/);
        expect(held.status.message).not.toMatch(/--|ofx-mfa/);
      }
      expect(stale.seen).toHaveLength(0);
      expect(handled.length).toBe(before);
      expect(listSyncRuns(app.db, home.id)).toHaveLength(runs);
      expect(await wrongSets()).toBe(1);

      const person = await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, RIGHT), { attended: true }));
      expect(person.outcome).toBe('ok');
      expect(person.hold).toBeNull();
      expect(getHold(app.db, home.id)).toBeNull();
    });

    it('an attended sync that is rejected again renews the hold', async () => {
      const home = connect(alice, 'home');
      const t0 = Date.now() - 2 * 3_600_000;
      const first = await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, WRONG), { attended: true, now: () => new Date(t0) }));
      const second = await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, WRONG), { attended: true, now: () => new Date(t0 + 3_600_000) }));
      expect(first.hold?.since).toBe(new Date(t0).toISOString());
      expect(second.hold?.since).toBe(new Date(t0 + 3_600_000).toISOString());
      await fetch(bank.url.replace(/\/ofx$/, '/admin/reset'), { method: 'POST', body: '{}' });
    });

    it('a wrong password (15500) holds unattended syncs too, before any sign-on', async () => {
      const bad = connect(alice, 'bad', 'demo', 'not-the-password');
      const refused = await syncConnection(app, options(alice, { connectionId: bad.id }, new DmMember(app, RIGHT), { attended: false }));
      expect(refused.outcome).toBe('signon-refused');
      expect(refused.hold).toMatchObject({ reason: 'credentials-refused', code: 15500 });
      const before = handled.length;
      const held = await syncConnection(app, options(alice, { connectionId: bad.id }, new DmMember(app, RIGHT), { attended: false }));
      expect(held.outcome).toBe('held');
      expect(held.status.message).toMatch(/refused the sign-on credentials \(15500\)/);
      expect(handled.length).toBe(before);
    });
  });

  it('a profile that fails is asked again at most once a day, and does not fail the sync', async () => {
    const home = connect(alice, 'home');
    const profiles = () => handled.filter((r) => r.includes('profile')).length;
    const fault = (body: unknown) => fetch(bank.url.replace(/\/ofx$/, '/admin/faults'), { method: 'POST', body: JSON.stringify(body) });
    await fault({ fault: 'http-500', count: 1 });
    // Relative to the bank's clock, which checks the MFA101 date-time answer within a day.
    const t0 = Date.now() - 12 * 3_600_000;
    const at = (ms: number) => ({ now: () => new Date(t0 + ms) });
    const first = await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, RIGHT), at(0)));
    expect(first.outcome).toBe('ok');
    expect(getConnectionById(app.db, home.id)).toMatchObject({ profileFetchedAt: null, profileAttemptedAt: new Date(t0).toISOString() });
    const tried = profiles();
    await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, RIGHT), at(23 * 3_600_000)));
    expect(profiles()).toBe(tried);
    await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, RIGHT), at(25 * 3_600_000)));
    expect(profiles()).toBe(tried + 1);
    expect(getConnectionById(app.db, home.id)?.profileFetchedAt).toBe(new Date(t0 + 25 * 3_600_000).toISOString());
  });

  it('an account whose statement failed keeps its own last good date; the others move on', async () => {
    const home = connect(alice, 'home');
    const t0 = Date.now() - 60_000;
    // A real account and one the bank does not know (2003 in its own TRNRS, the others still served).
    upsertAccounts(app.db, home.id, [
      { kind: 'bank', accountId: '1000123456', accountType: 'CHECKING', bankId: '123456789', brokerId: null },
      { kind: 'bank', accountId: '999', accountType: 'SAVINGS', bankId: '123456789', brokerId: null },
    ]);
    const report = await syncConnection(app, options(alice, { connectionId: home.id }, new DmMember(app, RIGHT), { now: () => new Date(t0) }));
    expect(report.outcome).toBe('ok');
    expect(report.accounts.find((a) => a.accountId === '999')?.problem).toMatch(/^2003/);
    const good = (id: string) => listAccounts(app.db, home.id).find((a) => a.accountId === id)?.lastGoodAt;
    expect(good('1000123456')).toBe(new Date(t0).toISOString());
    expect(good('999')).toBeNull();
  });

  it('an account\'s window starts at its own last good date minus the overlap; never good: the first-sync window', () => {
    const now = new Date('2026-12-01T12:00:00.000Z');
    const day = 86_400_000;
    expect(accountWindowStart({ lastGoodAt: '2026-11-20T12:00:00.000Z' }, now).getTime()).toBe(Date.parse('2026-11-20T12:00:00.000Z') - OVERLAP_DAYS * day);
    expect(accountWindowStart({ lastGoodAt: null }, now).getTime()).toBe(now.getTime() - FIRST_SYNC_DAYS * day);
    const since = new Date('2026-10-01T00:00:00Z');
    expect(accountWindowStart({ lastGoodAt: '2026-11-20T12:00:00.000Z' }, now, since)).toBe(since);
  });
});
