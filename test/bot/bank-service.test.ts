/**
 * The bank service the command line and the Discord commands share: real SQLite files, the real HTTP client
 * against the simulated bank for the profile.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addBank,
  BankNotFoundError,
  changeBank,
  clearBankHold,
  ConnectionExistsError,
  describeBankNeeds,
  forgetBankKey,
  getBank,
  listBanks,
  readBankProfile,
  removeBank,
  ValidationError,
  type BankApp,
  type NewBankInput,
} from '../../bot/bank-service.ts';
import { DbKeyStore, ensureLocalMember, getConnection, getHold, liveKeyInfo, setHold, toConnectionConfig } from '../../db/index.ts';
import { startSimBank, type SimBank } from '../../sim/bank/index.ts';
import { open, tempDbPath, testBox } from '../db/helpers.ts';

const PASSWORD = 'hunter2-Secret!';

function setup() {
  const path = tempDbPath();
  const db = open(path);
  const app: BankApp = { db, box: testBox };
  const alice = ensureLocalMember(db, 'local:alice').id;
  const bob = ensureLocalMember(db, 'local:bob').id;
  return { path, db, app, alice, bob };
}

const input = (overrides: Partial<NewBankInput> = {}): NewBankInput => ({
  name: 'home',
  url: 'https://ofx.bank.example/ofx',
  org: 'MYBANK',
  fid: '1234',
  userId: 'alice',
  password: PASSWORD,
  ...overrides,
});

describe('addBank', () => {
  let bank: SimBank;
  beforeAll(async () => {
    bank = await startSimBank({ port: 0, clientUidRequired: true });
  });
  afterAll(async () => {
    await bank.close();
  });

  it("reads the bank's profile over HTTP and says, for people, what the bank will ask", async () => {
    const { app, alice } = setup();
    const result = await addBank(app, alice, input({ url: bank.url, org: 'SIMBANK', fid: '1001', userId: 'demo', accounts: [{ type: 'CHECKING', accountId: '1000123456', bankId: '123456789' }] }));
    expect(result.profile).toMatchObject({ status: 'read', flags: { mfaChallengeSupported: true, clientUidRequired: true } });
    const text = result.notes.map((n) => n.text).join('\n');
    expect(text).toMatch(/uses security challenges/);
    expect(text).toMatch(/CLIENTUID.*15510/);
    // Written for the bot too: no command-line flags in it.
    expect(text).not.toMatch(/--|ofx-mfa /);
    expect(result.bank).toMatchObject({ name: 'home', accounts: [{ accountId: '1000123456', accountType: 'CHECKING' }], hold: null, accessKey: null });
    expect(result.bank.profile).toMatchObject({ clientUidRequired: true });
    // Stored encrypted, read back through the one door.
    const row = getConnection(app.db, alice, 'home');
    expect(row?.clientUidRequired).toBe(true);
    expect(toConnectionConfig(testBox, row!).password).toBe(PASSWORD);
  });

  it('stores the connection when the bank is out of reach, and says the first sync will try the profile', async () => {
    const { app, alice } = setup();
    const result = await addBank(app, alice, input({ url: 'http://127.0.0.1:9/ofx' }), { timeoutMs: 2000 });
    expect(result.profile.status).toBe('unreachable');
    expect(result.notes[0]?.text).toMatch(/first sync will try again/);
    expect(getConnection(app.db, alice, 'home')).not.toBeNull();
  });

  it('refuses bad input and duplicates before anything is stored or sent', async () => {
    const { app, alice } = setup();
    let sent = 0;
    const send = async () => {
      sent += 1;
      throw new Error('unreachable');
    };
    await expect(addBank(app, alice, input({ url: 'http://bank.example/ofx' }), { send })).rejects.toThrow(ValidationError);
    await expect(addBank(app, alice, input({ url: 'https://u:p@bank.example/ofx' }), { send })).rejects.toThrow(/URL: carries a user name or password/);
    await expect(addBank(app, alice, input({ org: 'O'.repeat(33) }), { send })).rejects.toThrow(/^ORG: /);
    await expect(addBank(app, alice, input({ accounts: [{ type: 'SAVINGS', accountId: '1' }] }), { send })).rejects.toThrow(/routing number/);
    await expect(addBank(app, alice, input({ password: '' }), { send })).rejects.toThrow(/^password: is empty$/);
    expect(sent).toBe(0);
    expect(listBanks(app, alice)).toEqual([]);

    await addBank(app, alice, input(), { profile: 'skip' });
    await expect(addBank(app, alice, input(), { send })).rejects.toThrow(ConnectionExistsError);
    expect(sent).toBe(0);
    // Names are per member.
    const { bob } = { bob: ensureLocalMember(app.db, 'local:bob').id };
    await addBank(app, bob, input(), { profile: 'skip' });
    expect(listBanks(app, bob).map((b) => b.name)).toEqual(['home']);
  });

  it('keeps the directory fields and quirks it is given', async () => {
    const { app, alice } = setup();
    const { bank: added } = await addBank(app, alice, input({ brokerId: 'broker.example', directoryNick: 'mybank', quirks: { pretty: 'true' } }), { profile: 'skip' });
    expect(added).toMatchObject({ brokerId: 'broker.example', directoryNick: 'mybank', quirks: { pretty: 'true' } });
  });

  it('can read the profile first, as the bot does before its credentials modal', async () => {
    const reading = await readBankProfile({ url: bank.url, org: 'SIMBANK', fid: '1001' });
    expect(reading.status).toBe('read');
    const { app, alice } = setup();
    let sent = 0;
    const result = await addBank(app, alice, input({ url: bank.url }), { profile: reading, send: async () => (sent++, new Uint8Array()) });
    expect(sent).toBe(0);
    expect(result.bank.profile?.clientUidRequired).toBe(true);
  });
});

describe('describeBankNeeds', () => {
  const flags = {
    mfaChallengeSupported: false,
    mfaChallengeFirst: false,
    clientUidRequired: false,
    userCred1Label: 'Branch PIN',
    userCred2Label: null,
    authTokenFirst: true,
    authTokenLabel: 'Token from the letter',
  };
  it('names the extra credentials the connection lacks, with no front end in the words', () => {
    const notes = describeBankNeeds({ status: 'read', flags }, { userCred1: false, userCred2: false, authToken: false });
    expect(notes.map((n) => n.missing).filter(Boolean)).toEqual(['userCred1', 'authToken']);
    expect(notes.find((n) => n.missing === 'userCred1')?.text).toMatch(/"Branch PIN" \(USERCRED1\).*add it before the first sync/);
    expect(notes.map((n) => n.text).join(' ')).not.toMatch(/--|again with|bank add/);
    const stored = describeBankNeeds({ status: 'read', flags }, { userCred1: true, userCred2: false, authToken: true });
    expect(stored.filter((n) => n.missing)).toEqual([]);
  });
});

describe('changeBank', () => {
  it('changes secrets in place, and a credentials change lifts a credentials hold', async () => {
    const { app, alice } = setup();
    const { bank: added } = await addBank(app, alice, input(), { profile: 'skip' });
    setHold(app.db, added.id, 'credentials-refused', 15500, new Date('2026-11-30T08:00:00Z'));
    expect(getBank(app, alice, 'home').hold).toMatchObject({ reason: 'credentials-refused', code: 15500, summary: expect.stringMatching(/15500/) });

    const result = changeBank(app, alice, 'home', { password: 'new-password', userCred1: '4321' });
    expect(result.changed.sort()).toEqual(['password', 'userCred1']);
    expect(result.holdLifted).toMatchObject({ code: 15500 });
    expect(getHold(app.db, added.id)).toBeNull();
    const config = toConnectionConfig(testBox, getConnection(app.db, alice, 'home')!);
    expect([config.password, config.userCred1]).toEqual(['new-password', '4321']);
    expect(result.bank.stored.userCred1).toBe(true);
    // The CLIENTUID the bank may have approved stays.
    expect(config.clientUid).toBe(getConnection(app.db, alice, 'home')!.clientUid);

    // null removes an extra credential.
    expect(changeBank(app, alice, 'home', { userCred1: null }).bank.stored.userCred1).toBe(false);
  });

  it('does not lift a hold for rejected answers by changing the password', async () => {
    const { app, alice } = setup();
    const { bank: added } = await addBank(app, alice, input(), { profile: 'skip' });
    setHold(app.db, added.id, 'answers-rejected', 3001);
    expect(changeBank(app, alice, 'home', { password: 'other' }).holdLifted).toBeNull();
    expect(getHold(app.db, added.id)?.code).toBe(3001);
  });

  it('drops the access key when the bank or the user changes, and only then', async () => {
    const { app, alice } = setup();
    const { bank: added } = await addBank(app, alice, input(), { profile: 'skip' });
    await new DbKeyStore(app.db, testBox).set(String(added.id), 'KEY-1');
    expect(changeBank(app, alice, 'home', { url: 'https://ofx.bank.example/ofx', answerAggregate: 'MFACHALLENGEANSWER' }).keyDropped).toBe(false);
    expect(liveKeyInfo(app.db, added.id)).not.toBeNull();
    const moved = changeBank(app, alice, 'home', { url: 'https://new.bank.example/ofx' });
    expect(moved).toMatchObject({ keyDropped: true, bank: { url: 'https://new.bank.example/ofx', answerAggregate: 'MFACHALLENGEANSWER', accessKey: null } });
  });

  it('validates every change, changes nothing on a bad one, and merges quirks', async () => {
    const { app, alice } = setup();
    await addBank(app, alice, input({ quirks: { pretty: 'true', useragent: 'Quicken/2700' } }), { profile: 'skip' });
    expect(() => changeBank(app, alice, 'home', {})).toThrow(/nothing to change/);
    expect(() => changeBank(app, alice, 'home', { password: 'ok', url: 'http://bank.example/' })).toThrow(ValidationError);
    expect(toConnectionConfig(testBox, getConnection(app.db, alice, 'home')!).password).toBe(PASSWORD);
    expect(() => changeBank(app, alice, 'home', { version: '2.2' })).toThrow(/OFX version/);
    expect(changeBank(app, alice, 'home', { quirks: { pretty: null, clientuid: '' } }).bank.quirks).toEqual({ useragent: 'Quicken/2700', clientuid: '' });
    // USERCRED1/2 and AUTHTOKEN exist only from 1.0.3 / 2.0.3 on.
    changeBank(app, alice, 'home', { userCred1: '4321' });
    expect(() => changeBank(app, alice, 'home', { version: '102' })).toThrow(/^USERCRED1: OFX 1\.0\.2 has no place for it/);
    expect(changeBank(app, alice, 'home', { version: '102', userCred1: null }).bank.version).toBe('102');
    await expect(addBank(app, alice, input({ name: 'old', version: '200', authToken: 'T' }), { profile: 'skip' })).rejects.toThrow(/^authentication token: OFX 2\.0\.0 has no place/);
  });
});

describe("another member's connection", () => {
  it('is not found by name or by id, for every action', async () => {
    const { app, alice, bob } = setup();
    const { bank: added } = await addBank(app, alice, input(), { profile: 'skip' });
    for (const target of ['home', { id: added.id }] as const) {
      expect(() => getBank(app, bob, target)).toThrow(BankNotFoundError);
      expect(() => changeBank(app, bob, target, { password: 'x' })).toThrow(BankNotFoundError);
      expect(() => removeBank(app, bob, target)).toThrow(BankNotFoundError);
      expect(() => forgetBankKey(app, bob, target)).toThrow(BankNotFoundError);
      expect(() => clearBankHold(app, bob, target)).toThrow(BankNotFoundError);
    }
    expect(getBank(app, alice, { id: added.id }).name).toBe('home');
    expect(toConnectionConfig(testBox, getConnection(app.db, alice, 'home')!).password).toBe(PASSWORD);
  });
});

describe('holds, keys, removal and the listing', () => {
  it('clears a hold once and lists key age, hold and accounts without any secret', async () => {
    const { app, alice, path } = setup();
    const { bank: added } = await addBank(app, alice, input({ userCred1: 'PIN-9876', accounts: [{ type: 'CREDITCARD', accountId: '4111' }] }), { profile: 'skip' });
    await new DbKeyStore(app.db, testBox).set(String(added.id), 'ACCESS-KEY-SECRET');
    setHold(app.db, added.id, 'answers-rejected', 3001, new Date('2026-11-30T08:00:00Z'));

    const later = new Date(Date.now() + 3 * 86_400_000 + 60_000);
    const [listed] = listBanks(app, alice, later);
    expect(listed).toMatchObject({
      name: 'home',
      accounts: [{ kind: 'creditcard', accountId: '4111' }],
      accessKey: { ageDays: 3 },
      hold: { reason: 'answers-rejected', code: 3001, since: '2026-11-30T08:00:00.000Z' },
      stored: { userCred1: true, userCred2: false, authToken: false },
    });
    expect(listed?.hold?.next).toMatch(/answer the questions yourself/);
    const json = JSON.stringify(listed);
    for (const secret of [PASSWORD, 'PIN-9876', 'ACCESS-KEY-SECRET', 'v1:']) expect(json).not.toContain(secret);

    expect(clearBankHold(app, alice, 'home')).toMatchObject({ code: 3001 });
    expect(clearBankHold(app, alice, 'home')).toBeNull();
    expect(forgetBankKey(app, alice, 'home')).toBe(true);
    expect(forgetBankKey(app, alice, 'home')).toBe(false);
    removeBank(app, alice, 'home');
    expect(() => removeBank(app, alice, 'home')).toThrow(BankNotFoundError);
    expect(listBanks(app, alice)).toEqual([]);
    // The database file is real: the removal is on disk.
    expect(readFileSync(path).length).toBeGreaterThan(0);
  });
});
