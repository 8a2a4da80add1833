/**
 * `/bank add|list|remove|forget-key`: the member's own bank connections. Secrets only ever arrive through the
 * credentials modal; the options carry what is not secret.
 */
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { ConnectionExistsError, getConnection } from '../../../db/index.ts';
import {
  addBank,
  describeBankNeeds,
  forgetBankKey,
  listBanks,
  readBankProfile,
  removeBank,
  type BankServerInput,
  type ProfileReading,
} from '../../bank-service.ts';
import { checkBankUrl, checkConnectionName } from '../../validate.ts';
import { bankLabel, findBank, searchBanks } from '../../../core/directory/index.ts';
import { requestVersionFor } from '../../directory-fields.ts';
import { ownConnectionChoices } from '../choices.ts';
import { defineCommand, EVERYWHERE, type ArgsOf } from '../command.ts';
import { MemberError } from '../errors.ts';
import { buildModal } from '../modals.ts';
import { Pending } from '../pending.ts';
import type { ComponentHandler } from '../router.ts';
import { memberOf, type BotServices } from '../services.ts';

const VERSIONS = ['102', '103', '203', '211', '220'] as const;
const FORM_TTL_MS = 15 * 60_000;
const CONFIRM_TTL_MS = 5 * 60_000;

const nameOption = {
  type: ApplicationCommandOptionType.String,
  name: 'name',
  description: 'One of your bank connections',
  required: true,
  autocomplete: true,
} as const;

const definition = {
  name: 'bank',
  description: 'Your bank connections',
  ...EVERYWHERE,
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'add',
      description: 'Link a bank (user ID and password go in a private form next)',
      options: [
        { type: ApplicationCommandOptionType.String, name: 'name', description: 'A short name for this connection, e.g. chase', required: true, max_length: 40 },
        { type: ApplicationCommandOptionType.String, name: 'bank', description: 'Pick your bank from the directory (fills url, org, fid)', autocomplete: true },
        { type: ApplicationCommandOptionType.String, name: 'url', description: "The bank's OFX server URL (https)" },
        { type: ApplicationCommandOptionType.String, name: 'org', description: 'FI ORG' },
        { type: ApplicationCommandOptionType.String, name: 'fid', description: 'FI FID' },
        {
          type: ApplicationCommandOptionType.String,
          name: 'version',
          description: 'OFX version (default 103)',
          choices: VERSIONS.map((v) => ({ name: v, value: v })),
        },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'List your bank connections' },
    { type: ApplicationCommandOptionType.Subcommand, name: 'remove', description: 'Delete a connection with its key, accounts and transactions', options: [nameOption] },
    { type: ApplicationCommandOptionType.Subcommand, name: 'forget-key', description: 'Drop the stored access key (the next sync is challenged again)', options: [nameOption] },
  ],
} as const;

type Args = ArgsOf<typeof definition>;
type AddArgs = Extract<Args, { subcommand: 'add' }>;

interface AddForm {
  memberId: number;
  input: BankServerInput & { name: string; brokerId?: string | null; directoryNick?: string | null; quirks?: Record<string, string> };
  profile: ProfileReading;
}

const addForms = new Pending<AddForm>(FORM_TTL_MS);
const removals = new Pending<{ memberId: number; connectionId: number; name: string }>(CONFIRM_TTL_MS);

export default defineCommand({
  definition,
  async handle(interaction, args, services) {
    switch (args.subcommand) {
      case 'add':
        return startAdd(interaction, args, services);
      case 'list':
        return list(interaction, services);
      case 'remove':
        return askRemove(interaction, args.name, services);
      case 'forget-key':
        return forget(interaction, args.name, services);
    }
  },
  async autocomplete(interaction, focused, services) {
    if (focused.name === 'bank') return directoryChoices(focused.value);
    return ownConnectionChoices(services, interaction.user, focused.value);
  },
});

/** Bank directory suggestions (at most 25, best first); the value is the directory's nickname. */
async function directoryChoices(typed: string): Promise<Array<{ name: string; value: string }>> {
  return searchBanks(typed).map((entry) => ({ name: bankLabel(entry), value: entry.nick }));
}

/** The server fields: typed options win over the directory entry they start from. */
function serverFields(args: AddArgs): { url: string; org: string | null; fid: string | null; version: string; brokerId: string | null; directoryNick: string | null; appId?: string; appVer?: string; quirks?: Record<string, string> } {
  const entry = args.bank ? findBank(args.bank) : null;
  if (args.bank && !entry) throw new MemberError(`"${args.bank}" is not in the bank directory; pick one from the list, or give url, org and fid.`);
  const url = args.url ?? entry?.url;
  if (!url) throw new MemberError("Give the bank's OFX server with `url` (and `org`, `fid`), or pick it with `bank`.");
  return {
    url,
    org: args.org ?? entry?.org ?? null,
    fid: args.fid ?? entry?.fid ?? null,
    // The directory records the server's version ("160"); the request version is the nearest one we send.
    version: args.version ?? (entry ? requestVersionFor(entry.version) : '103'),
    brokerId: entry?.brokerId ?? null,
    directoryNick: entry?.nick ?? null,
    ...(entry?.appId ? { appId: entry.appId } : {}),
    ...(entry?.appVer ? { appVer: entry.appVer } : {}),
    ...(entry && Object.keys(entry.quirks).length > 0 ? { quirks: entry.quirks } : {}),
  };
}

/**
 * Step 1: check the options and read the bank's profile (no password travels), so the credentials form can ask
 * for exactly what this bank wants (USERCRED1/2 with the bank's own labels). The form sits behind a button:
 * a modal must be the first answer to an interaction, and reading a profile can take longer than Discord's 3 s.
 */
async function startAdd(interaction: ChatInputCommandInteraction, args: AddArgs, services: BotServices): Promise<void> {
  const member = memberOf(services, interaction.user);
  const name = checkConnectionName(args.name);
  if (getConnection(services.app.db, member.id, name)) throw new ConnectionExistsError(name);
  const input = { name, ...serverFields(args) };
  checkBankUrl(input.url);
  // Counted only once the options are good: a typo refused here sends nothing to the bank.
  services.limits.takeOrRefuse('bankAdd', member.id);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const profile = await readBankProfile(input);
  const key = addForms.put({ memberId: member.id, input, profile });
  const notes = describeBankNeeds(profile, { userCred1: false, userCred2: false, authToken: false }).filter((n) => !n.missing);
  await interaction.editReply({
    content: [`**${name}** at ${new URL(checkBankUrl(input.url)).host}:`, ...notes.map((n) => `- ${n.text}`), 'Press **Enter credentials** to sign in: a private form, encrypted at rest, never shown again.'].join('\n'),
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(`ba:${key}`).setLabel('Enter credentials').setStyle(ButtonStyle.Primary),
      ),
    ],
  });
}

function extraLabels(profile: ProfileReading): { userCred1: string | null; userCred2: string | null } {
  if (profile.status !== 'read') return { userCred1: null, userCred2: null };
  return { userCred1: profile.flags.userCred1Label, userCred2: profile.flags.userCred2Label };
}

/** Step 2: the credentials modal (User ID, Password, and the profile's USERCRED labels when it asks). */
async function openCredentials(interaction: ButtonInteraction, key: string, services: BotServices): Promise<void> {
  const form = addForms.get(key);
  if (!form || form.memberId !== memberOf(services, interaction.user).id) throw new MemberError('This form has expired or is not yours; run /bank add again.');
  const extra = extraLabels(form.profile);
  await interaction.showModal(
    buildModal(`bm:${key}`, `Sign in to ${form.input.name}`, [
      { customId: 'user', label: 'User ID', description: 'Your user ID at the bank', maxLength: 64 },
      { customId: 'password', label: 'Password', description: 'Encrypted at rest, never shown again', maxLength: 128 },
      ...(extra.userCred1 ? [{ customId: 'cred1', label: extra.userCred1, description: 'The bank asks for this too (USERCRED1)', maxLength: 64 }] : []),
      ...(extra.userCred2 ? [{ customId: 'cred2', label: extra.userCred2, description: 'The bank asks for this too (USERCRED2)', maxLength: 64 }] : []),
    ]),
  );
}

/** Step 3: store it. A bad value is one line and the button stays, so nothing typed in the options is lost. */
async function submitCredentials(interaction: ModalSubmitInteraction, key: string, services: BotServices): Promise<void> {
  const member = memberOf(services, interaction.user);
  const form = addForms.get(key);
  if (!form || form.memberId !== member.id) throw new MemberError('This form has expired or is not yours; run /bank add again.');
  const extra = extraLabels(form.profile);
  const result = await addBank(services.app, member.id, {
    ...form.input,
    userId: interaction.fields.getTextInputValue('user'),
    password: interaction.fields.getTextInputValue('password'),
    userCred1: extra.userCred1 ? interaction.fields.getTextInputValue('cred1') : null,
    userCred2: extra.userCred2 ? interaction.fields.getTextInputValue('cred2') : null,
  }, { profile: form.profile });
  addForms.take(key);
  const content = [`Added **${result.bank.name}**.`, ...result.notes.map((n) => `- ${n.text}`), `Next: \`/sync bank:${result.bank.name}\``].join('\n');
  if (interaction.isFromMessage()) await interaction.update({ content, components: [] });
  else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}

async function list(interaction: ChatInputCommandInteraction, services: BotServices): Promise<void> {
  const member = memberOf(services, interaction.user);
  const lines = listBanks(services.app, member.id, services.now()).map((b) => {
    const key = b.accessKey ? `access key ${b.accessKey.ageDays} day${b.accessKey.ageDays === 1 ? '' : 's'} old` : 'no access key';
    const hold = b.hold ? `\n  ⚠️ ${b.hold.summary} ${b.hold.next}` : '';
    return `**${b.name}** · ${new URL(b.url).host} · OFX ${b.version} · ${b.accounts.length} account${b.accounts.length === 1 ? '' : 's'} · last sync ${b.lastSyncedAt?.slice(0, 16).replace('T', ' ') ?? 'never'} · ${key}${hold}`;
  });
  await interaction.reply({
    content: lines.length > 0 ? lines.join('\n') : 'You have no bank connections yet; add one with `/bank add`.',
    flags: MessageFlags.Ephemeral,
  });
}

async function askRemove(interaction: ChatInputCommandInteraction, name: string, services: BotServices): Promise<void> {
  const member = memberOf(services, interaction.user);
  const row = getConnection(services.app.db, member.id, name);
  if (!row) throw new MemberError(`You have no connection named "${name}" (see /bank list).`);
  const key = removals.put({ memberId: member.id, connectionId: row.id, name: row.name });
  await interaction.reply({
    content: `Remove **${row.name}** with its access key, accounts and stored transactions? This cannot be undone.`,
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(`br:${key}:yes`).setLabel('Remove').setStyle(ButtonStyle.Danger),
        new ButtonBuilder().setCustomId(`br:${key}:no`).setLabel('Keep').setStyle(ButtonStyle.Secondary),
      ),
    ],
    flags: MessageFlags.Ephemeral,
  });
}

async function confirmRemove(interaction: ButtonInteraction, rest: string, services: BotServices): Promise<void> {
  const [key = '', choice] = rest.split(':');
  const member = memberOf(services, interaction.user);
  const pending = removals.get(key);
  if (!pending || pending.memberId !== member.id) {
    await interaction.reply({ content: 'This confirmation is not yours or has expired; run /bank remove again.', flags: MessageFlags.Ephemeral });
    return;
  }
  removals.take(key);
  if (choice !== 'yes') {
    await interaction.update({ content: `Kept **${pending.name}**.`, components: [] });
    return;
  }
  // By owner and name: a connection renamed or removed meanwhile is not someone else's to delete.
  const row = getConnection(services.app.db, member.id, pending.name);
  if (row?.id !== pending.connectionId) {
    await interaction.update({ content: `**${pending.name}** was already gone.`, components: [] });
    return;
  }
  removeBank(services.app, member.id, { id: row.id });
  await interaction.update({ content: `Removed **${pending.name}**.`, components: [] });
}

async function forget(interaction: ChatInputCommandInteraction, name: string, services: BotServices): Promise<void> {
  const member = memberOf(services, interaction.user);
  const dropped = forgetBankKey(services.app, member.id, name);
  await interaction.reply({
    content: dropped ? `Forgot the access key of **${name}**; the next sync will be challenged again.` : `**${name}** had no access key.`,
    flags: MessageFlags.Ephemeral,
  });
}

export const bankComponents: ComponentHandler[] = [
  {
    prefix: 'ba',
    async handle(interaction, rest, services) {
      if (!interaction.isButton()) throw new MemberError('This form has expired; run /bank add again.');
      await openCredentials(interaction, rest, services);
    },
  },
  {
    prefix: 'bm',
    async handle(interaction, rest, services) {
      if (!interaction.isModalSubmit()) throw new MemberError('This form has expired; run /bank add again.');
      await submitCredentials(interaction, rest, services);
    },
  },
  {
    prefix: 'br',
    async handle(interaction, rest, services) {
      if (!interaction.isButton()) throw new MemberError('Run /bank remove again.');
      await confirmRemove(interaction, rest, services);
    },
  },
];
