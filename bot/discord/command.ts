/**
 * How a slash command is described and handled. A definition is plain typed data (what Discord registers); the
 * handler's arguments are derived from it by type (`ArgsOf`) and read at run time by the same description
 * (`readArgs`), so the two cannot drift. Handlers throw; the router is the one error path.
 */
import {
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  InteractionContextType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
} from 'discord.js';
import type { BotServices } from './services.ts';

type Choice<V extends string | number> = { readonly name: string; readonly value: V };

export interface StringOption {
  readonly type: ApplicationCommandOptionType.String;
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly autocomplete?: boolean;
  readonly choices?: readonly Choice<string>[];
  readonly max_length?: number;
}
export interface IntegerOption {
  readonly type: ApplicationCommandOptionType.Integer;
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly min_value?: number;
  readonly max_value?: number;
}
export interface ChannelOption {
  readonly type: ApplicationCommandOptionType.Channel;
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly channel_types?: readonly number[];
}
export type ValueOption = StringOption | IntegerOption | ChannelOption;

export interface SubcommandOption {
  readonly type: ApplicationCommandOptionType.Subcommand;
  readonly name: string;
  readonly description: string;
  readonly options?: readonly ValueOption[];
}

export interface CommandDefinition {
  readonly name: string;
  readonly description: string;
  readonly options?: readonly ValueOption[] | readonly SubcommandOption[];
  /** Discord's permission bit field as a decimal string, e.g. Manage Server. */
  readonly default_member_permissions?: string;
  /** Where it can be used: 0 guild, 1 bot DM, 2 private channel. */
  readonly contexts?: readonly InteractionContextType[];
  readonly integration_types?: readonly ApplicationIntegrationType[];
}

/** A channel as an option value: its id (and what Discord resolved), never more than the handler needs. */
export interface ChannelArg {
  id: string;
  type: number;
}

type ValueOf<O extends ValueOption> = O extends StringOption
  ? O['choices'] extends readonly Choice<infer V>[]
    ? V
    : string
  : O extends IntegerOption
    ? number
    : ChannelArg;

type ArgsOfOptions<Opts extends readonly ValueOption[]> = {
  [O in Opts[number] as O['name']]: O['required'] extends true ? ValueOf<O> : ValueOf<O> | undefined;
};

type SubcommandArgs<S extends SubcommandOption> = S extends SubcommandOption
  ? { subcommand: S['name'] } & ArgsOfOptions<S['options'] extends readonly ValueOption[] ? S['options'] : []>
  : never;

/** The handler's argument object, derived from the definition: with subcommands, a union tagged by `subcommand`. */
export type ArgsOf<D extends CommandDefinition> = D['options'] extends readonly SubcommandOption[]
  ? SubcommandArgs<D['options'][number]>
  : D['options'] extends readonly ValueOption[]
    ? ArgsOfOptions<D['options']>
    : Record<string, never>;

export interface CommandModule<D extends CommandDefinition = CommandDefinition> {
  definition: D;
  handle(interaction: ChatInputCommandInteraction, args: ArgsOf<D>, services: BotServices): Promise<void>;
  /** Suggestions for the focused option; the router answers within the deadline with whatever this returns. */
  autocomplete?(
    interaction: AutocompleteInteraction,
    focused: { name: string; value: string },
    services: BotServices,
  ): Promise<Array<{ name: string; value: string }>>;
}

/** Keeps the literal types of a definition while checking its shape. */
export function defineCommand<const D extends CommandDefinition>(module: CommandModule<D>): CommandModule<D> {
  return module;
}

/** Usable in servers and in the bot's DMs, installed to the server (DESIGN 4.4; global registration needed). */
export const EVERYWHERE = {
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  integration_types: [ApplicationIntegrationType.GuildInstall],
} as const;

export const GUILD_ONLY = {
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
} as const;

function readValue(option: ValueOption, data: CommandInteractionOption | undefined): unknown {
  if (!data) return undefined;
  if (option.type === ApplicationCommandOptionType.Channel) {
    const channel = data.channel;
    return channel ? { id: channel.id, type: channel.type } : { id: String(data.value), type: -1 };
  }
  return data.value;
}

function readOptions(options: readonly ValueOption[], data: readonly CommandInteractionOption[]) {
  const args: Record<string, unknown> = {};
  for (const option of options) args[option.name] = readValue(option, data.find((d) => d.name === option.name));
  return args;
}

/** Reads the interaction's options by the definition that registered them. */
export function readArgs<D extends CommandDefinition>(definition: D, interaction: ChatInputCommandInteraction): ArgsOf<D> {
  const options = definition.options ?? [];
  const data = interaction.options.data;
  const first = options[0];
  if (first && first.type === ApplicationCommandOptionType.Subcommand) {
    const given = data[0];
    const sub = (options as readonly SubcommandOption[]).find((s) => s.name === given?.name);
    if (!sub || !given) throw new Error(`unknown subcommand of /${definition.name}`);
    return { subcommand: sub.name, ...readOptions(sub.options ?? [], given.options ?? []) } as ArgsOf<D>;
  }
  return readOptions(options as readonly ValueOption[], data) as ArgsOf<D>;
}
