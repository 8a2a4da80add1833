/**
 * Application commands: the sets a bot registers (bulk overwrite, global or per guild), and a member's use of
 * one turned into the interaction `data` Discord would send. A member can only run what Discord would show
 * them: a registered command, allowed where they are, with options its definition accepts.
 */
import { FormProblems, unknownCommand } from './errors.ts';
import { checkCommandSet, OPTION_TYPE } from './limits.ts';
import type { CommandRecord, Json, MemberRecord, World } from './world.ts';
import { PERMISSIONS } from './world.ts';

export type OptionValue = string | number | boolean;

export interface CommandCall {
  group?: string;
  subcommand?: string;
  options?: Record<string, OptionValue>;
}

/** Refused before anything reaches the bot: what the Discord client itself would not let a member do. */
export class MemberCannot extends Error {
  override name = 'MemberCannot';
}

const asArray = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** PUT .../commands: replaces the set, keeping the ids of commands that stay (by name and type), as Discord does. */
export function overwriteCommands(world: World, guildId: string | null, body: unknown): CommandRecord[] {
  const problems = new FormProblems();
  checkCommandSet(body, problems);
  problems.throwIfAny();
  const previous = guildId === null ? world.globalCommands : (world.guildCommands.get(guildId) ?? []);
  const next = (body as Json[]).map((raw) => toRecord(world, guildId, raw, previous));
  if (guildId === null) world.globalCommands.splice(0, world.globalCommands.length, ...next);
  else world.guildCommands.set(guildId, next);
  return next;
}

export function createCommand(world: World, guildId: string | null, raw: Json): CommandRecord {
  const list = guildId === null ? world.globalCommands : (world.guildCommands.get(guildId) ?? []);
  const type = raw.type === undefined ? 1 : Number(raw.type);
  const others = list.filter((c) => !(c.name === raw.name && c.type === type));
  const problems = new FormProblems();
  checkCommandSet([...others.map((c) => c as Json), raw], problems);
  problems.throwIfAny();
  const record = toRecord(world, guildId, raw, list);
  const replaced = [...others, record];
  if (guildId === null) world.globalCommands.splice(0, world.globalCommands.length, ...replaced);
  else world.guildCommands.set(guildId, replaced);
  return record;
}

export function deleteCommand(world: World, guildId: string | null, id: string): void {
  const list = guildId === null ? world.globalCommands : (world.guildCommands.get(guildId) ?? []);
  const index = list.findIndex((c) => c.id === id);
  if (index < 0) throw unknownCommand();
  list.splice(index, 1);
}

function toRecord(world: World, guildId: string | null, raw: Json, previous: CommandRecord[]): CommandRecord {
  const type = raw.type === undefined ? 1 : Number(raw.type);
  const name = String(raw.name);
  const kept = previous.find((c) => c.name === name && c.type === type);
  return {
    ...structuredClone(raw),
    id: kept?.id ?? world.ids.next(),
    application_id: world.applicationId,
    ...(guildId ? { guild_id: guildId } : {}),
    name,
    type,
    description: typeof raw.description === 'string' ? raw.description : '',
    options: asArray(raw.options),
    default_member_permissions: raw.default_member_permissions ?? null,
    nsfw: raw.nsfw ?? false,
    ...(guildId ? {} : { contexts: raw.contexts ?? null, integration_types: raw.integration_types ?? [0] }),
    version: world.ids.next(),
  };
}

/** Whether the member may see the command: `default_member_permissions` (administrators see everything). */
export function memberSeesCommand(command: CommandRecord, member: MemberRecord): boolean {
  const required = command.default_member_permissions;
  if (required === null || required === undefined) return true;
  if (member.permissions & PERMISSIONS.administrator) return true;
  const bits = BigInt(String(required));
  return (member.permissions & bits) === bits;
}

export interface ResolvedCall {
  command: CommandRecord;
  data: Json;
}

/**
 * The interaction data for running (or, with `focused`, autocompleting) a chat input command.
 * `ignorePermissions` stands for a guild admin who changed the command's permissions in the server settings.
 */
export function commandData(
  world: World,
  member: MemberRecord,
  name: string,
  call: CommandCall,
  where: { dm: boolean; ignorePermissions?: boolean; focused?: string },
): ResolvedCall {
  const command = world.commandsFor({ dm: where.dm }).find((c) => c.name === name && c.type === 1);
  if (!command) {
    const known = world.commandsFor({ dm: where.dm }).map((c) => `/${c.name}`).join(', ') || 'none';
    throw new MemberCannot(`no command /${name} is registered for ${where.dm ? 'DMs' : 'the guild'} (registered: ${known})`);
  }
  if (!where.dm && !where.ignorePermissions && !memberSeesCommand(command, member)) {
    throw new MemberCannot(`/${name} needs permissions ${String(command.default_member_permissions)} that ${member.user.username} lacks`);
  }
  let scope = asArray(command.options);
  const path = [`/${name}`];
  const wrap: Array<(inner: Json[]) => Json[]> = [];
  if (call.group !== undefined) {
    const group = scope.find((o) => o.type === OPTION_TYPE.group && o.name === call.group);
    if (!group) throw new MemberCannot(`/${name} has no subcommand group ${call.group}`);
    scope = asArray(group.options);
    path.push(call.group);
    const groupName = call.group;
    wrap.push((inner) => [{ type: OPTION_TYPE.group, name: groupName, options: inner }]);
  }
  const hasSubcommands = scope.some((o) => o.type === OPTION_TYPE.subcommand || o.type === OPTION_TYPE.group);
  if (hasSubcommands && call.subcommand === undefined) {
    throw new MemberCannot(`${path.join(' ')} needs a subcommand: ${scope.map((o) => String(o.name)).join(', ')}`);
  }
  if (call.subcommand !== undefined) {
    const sub = scope.find((o) => o.type === OPTION_TYPE.subcommand && o.name === call.subcommand);
    if (!sub) throw new MemberCannot(`${path.join(' ')} has no subcommand ${call.subcommand}`);
    scope = asArray(sub.options);
    path.push(call.subcommand);
    const subName = call.subcommand;
    wrap.push((inner) => [{ type: OPTION_TYPE.subcommand, name: subName, options: inner }]);
  }
  const resolved: { users?: Json; members?: Json; channels?: Json } = {};
  const leaves: Json[] = [];
  const given = call.options ?? {};
  for (const key of Object.keys(given)) {
    if (!scope.some((o) => o.name === key)) throw new MemberCannot(`${path.join(' ')} has no option ${key}`);
  }
  for (const def of scope) {
    const optionName = String(def.name);
    const value = given[optionName];
    const focused = where.focused === optionName;
    if (value === undefined) {
      if (def.required === true && where.focused === undefined) throw new MemberCannot(`${path.join(' ')} needs option ${optionName}`);
      continue;
    }
    leaves.push({ name: optionName, type: def.type, value: focused ? String(value) : checkValue(world, member, def, value, path, resolved, where.dm), ...(focused ? { focused: true } : {}) });
  }
  if (where.focused !== undefined) {
    const def = scope.find((o) => o.name === where.focused);
    if (!def || def.autocomplete !== true) throw new MemberCannot(`${path.join(' ')} option ${where.focused} has no autocomplete`);
    if (!leaves.some((l) => l.focused)) leaves.push({ name: where.focused, type: def.type, value: '', focused: true });
  }
  let options: Json[] = leaves;
  for (const w of wrap.reverse()) options = w(options);
  const data: Json = {
    id: command.id,
    name: command.name,
    type: 1,
    options,
    ...(command.guild_id ? { guild_id: command.guild_id } : {}),
    ...(Object.keys(resolved).length ? { resolved } : {}),
  };
  return { command, data };
}

function checkValue(
  world: World,
  member: MemberRecord,
  def: Json,
  value: OptionValue,
  path: string[],
  resolved: { users?: Json; members?: Json; channels?: Json },
  dm: boolean,
): OptionValue {
  const where = `${path.join(' ')} ${String(def.name)}`;
  const type = Number(def.type);
  const choices = asArray(def.choices);
  if (choices.length && !choices.some((c) => c.value === value)) {
    throw new MemberCannot(`${where} must be one of ${choices.map((c) => JSON.stringify(c.value)).join(', ')}`);
  }
  switch (type) {
    case OPTION_TYPE.string: {
      if (typeof value !== 'string') throw new MemberCannot(`${where} takes text`);
      const length = [...value].length;
      if (typeof def.min_length === 'number' && length < def.min_length) throw new MemberCannot(`${where} needs at least ${def.min_length} characters`);
      if (typeof def.max_length === 'number' && length > def.max_length) throw new MemberCannot(`${where} takes at most ${def.max_length} characters`);
      if (length > 6000) throw new MemberCannot(`${where} is longer than Discord allows`);
      return value;
    }
    case OPTION_TYPE.integer:
    case OPTION_TYPE.number: {
      if (typeof value !== 'number' || !Number.isFinite(value) || (type === OPTION_TYPE.integer && !Number.isInteger(value))) {
        throw new MemberCannot(`${where} takes ${type === OPTION_TYPE.integer ? 'a whole number' : 'a number'}`);
      }
      if (typeof def.min_value === 'number' && value < def.min_value) throw new MemberCannot(`${where} is at least ${def.min_value}`);
      if (typeof def.max_value === 'number' && value > def.max_value) throw new MemberCannot(`${where} is at most ${def.max_value}`);
      return value;
    }
    case OPTION_TYPE.boolean:
      if (typeof value !== 'boolean') throw new MemberCannot(`${where} takes true or false`);
      return value;
    case OPTION_TYPE.channel: {
      const channel = world.channels.get(String(value));
      if (!channel || channel.type !== 0 || dm) throw new MemberCannot(`${where}: no guild channel ${String(value)}`);
      const types = asArray(def.channel_types);
      if (types.length && !(def.channel_types as number[]).includes(channel.type)) throw new MemberCannot(`${where} does not take that kind of channel`);
      resolved.channels = { ...(resolved.channels ?? {}), [channel.id]: { id: channel.id, name: channel.name, type: channel.type, permissions: member.permissions.toString(), flags: 0 } };
      return channel.id;
    }
    case OPTION_TYPE.user: {
      const user = world.users.get(String(value));
      if (!user) throw new MemberCannot(`${where}: no user ${String(value)}`);
      resolved.users = { ...(resolved.users ?? {}), [user.id]: world.userJson(user) };
      const target = world.members.get(user.id);
      if (target && !dm) {
        const { user: _user, ...rest } = world.memberJson(target, true);
        resolved.members = { ...(resolved.members ?? {}), [user.id]: rest };
      }
      return user.id;
    }
    default:
      throw new MemberCannot(`${where}: option type ${type} is not modelled by the stand-in`);
  }
}
