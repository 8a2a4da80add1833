/** /help, /bank add|list|remove|forget-key and their autocomplete, with the real client against sim/discord. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listConnections } from '../../db/index.ts';
import { addBank, logsHoldNone, startWorld, type World } from './discord-world.ts';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => world.close());

describe('/bank and /help', () => {
  it('registers every command in one bulk overwrite, the DM-usable ones with the DM context', () => {
    expect(world.discord.callsTo('PUT /applications/:app/commands')).toHaveLength(1);
    const commands = world.discord.registeredCommands();
    expect(commands.map((c) => c.name).sort()).toEqual(['accounts', 'bank', 'help', 'household', 'schedule', 'sync', 'transactions']);
    for (const name of ['bank', 'sync', 'help', 'accounts', 'transactions', 'schedule']) {
      expect(commands.find((c) => c.name === name)?.contexts, name).toEqual([0, 1]);
    }
    expect(commands.find((c) => c.name === 'household')?.contexts).toEqual([0]);
  });

  it('/help answers ephemerally, in a server and in a DM', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    for (const where of [{}, { dm: true }]) {
      const first = await alice.slash('help', {}, where).response();
      expect(first.kind).toBe('reply');
      expect(first.ephemeral).toBe(true);
      expect(first.message?.content).toMatch(/\/sync/);
    }
  });

  it('adds a bank through a credentials modal and says what the profile means; the password is stored encrypted and never logged', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    const info = world.bank.info();
    const command = alice.slash('bank', { subcommand: 'add', options: { name: 'simbank', url: info.url, org: info.org, fid: info.fid } });
    expect((await command.response()).ephemeral).toBe(true);
    const offer = await command.waitForReply((r) => r.buttons.some((b) => b.label === 'Enter credentials'));
    expect(offer.content).toMatch(/security (questions|challenges)/);
    const modal = await alice.click(offer, offer.buttons[0]!.customId!).modal();
    expect(modal.fields.map((f) => f.label)).toEqual(['User ID', 'Password']);
    alice.submitModal(modal, { [modal.fields[0]!.customId]: 'demo', [modal.fields[1]!.customId]: 'demo-password' });
    const added = await command.waitForReply((r) => r.content.startsWith('Added'));
    expect(added.buttons).toHaveLength(0);
    const raw = world.app.db.sqlite.prepare('select encrypted_password from connections').get() as { encrypted_password: string };
    expect(raw.encrypted_password).not.toContain('demo-password');
    expect(logsHoldNone(world, ['demo-password'])).toBe(true);
    // One structured line per event.
    for (const line of world.logs) expect(JSON.parse(line)).toHaveProperty('event');
    expect(world.logs.some((l) => JSON.parse(l).kind === 'button')).toBe(true);
    expect(world.discord.restCalls.every((c) => !JSON.stringify(c.body ?? '').includes('demo-password'))).toBe(true);
  });

  it('a bad URL is one ephemeral line and nothing is stored', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    const command = alice.slash('bank', { subcommand: 'add', options: { name: 'x', url: 'http://bank.example.com/ofx' } });
    const reply = await command.waitForReply((r) => !r.loading);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content.split('\n')).toHaveLength(1);
    expect(reply.content).toMatch(/https/);
    expect(world.app.db.sqlite.prepare('select count(*) as n from connections').get()).toEqual({ n: 0 });
  });

  it('the bank option autocompletes from the bank directory', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    const choices = await alice.autocomplete('bank', { subcommand: 'add', focused: 'bank', options: { name: 'x', bank: 'vanguard' } });
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices[0]!.name.toLowerCase()).toContain('vanguard');
  });

  it('two members: each lists, autocompletes, removes and forgets keys of their own connections only', async () => {
    const alice = world.discord.addMember({ name: 'alice' });
    const bob = world.discord.addMember({ name: 'bob' });
    await addBank(world, alice, 'chase');
    await addBank(world, bob, 'chase'); // names are per member
    await addBank(world, alice, 'alice-only');

    const bobList = await bob.slash('bank', { subcommand: 'list' }).waitForReply((r) => !r.loading);
    expect(bobList.content).toMatch(/\*\*chase\*\*/);
    expect(bobList.content).not.toMatch(/alice-only/);
    const bobChoices = await bob.autocomplete('sync', { focused: 'bank', options: { bank: '' } });
    expect(bobChoices.map((c) => c.value)).toEqual(['chase']);
    const aliceChoices = await alice.autocomplete('bank', { subcommand: 'remove', focused: 'name', options: { name: 'a' } });
    expect(aliceChoices.map((c) => c.value)).toEqual(['alice-only', 'chase']);

    const refused = await bob.slash('bank', { subcommand: 'remove', options: { name: 'alice-only' } }).waitForReply((r) => !r.loading);
    expect(refused.content).toMatch(/no (bank )?connection named "alice-only"/i);
    const forget = await bob.slash('bank', { subcommand: 'forget-key', options: { name: 'alice-only' } }).waitForReply((r) => !r.loading);
    expect(forget.content).toMatch(/no (bank )?connection named/i);

    // Remove asks for confirmation with a button; Keep keeps.
    const ask = await alice.slash('bank', { subcommand: 'remove', options: { name: 'chase' } }).waitForReply((r) => r.buttons.length === 2);
    expect(ask.buttons.map((b) => b.label)).toEqual(['Remove', 'Keep']);
    await alice.click(ask, ask.buttons[1]!.customId!).response();
    expect(listConnections(world.app.db, 1).map((c) => c.name)).toContain('chase');
    const ask2 = await alice.slash('bank', { subcommand: 'remove', options: { name: 'chase' } }).waitForReply((r) => r.buttons.length === 2);
    const done = alice.click(ask2, ask2.buttons[0]!.customId!);
    await done.response();
    const names = world.app.db.sqlite.prepare('select c.name, m.display_name as who from connections c join members m on m.id = c.member_id order by 2, 1').all();
    expect(names).toEqual([{ name: 'alice-only', who: 'alice' }, { name: 'chase', who: 'bob' }]);
  });
});
