/**
 * The single interaction router and error path. Commands, autocomplete, buttons and modal submits all come in
 * here; handlers just throw, and this is the one place that logs (redacted: ids and names, never option values
 * or modal text) and answers the member in one ephemeral line, deferring first when nothing was sent yet.
 */
import {
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import { readArgs, type CommandModule } from './command.ts';
import { discordCode, memberLine } from './errors.ts';
import { RateLimitedError } from './rate-limits.ts';
import type { BotServices } from './services.ts';

export type ComponentInteraction = ButtonInteraction | ModalSubmitInteraction;

/** Handles every custom id that starts with `${prefix}:`; `rest` is what follows, still opaque. */
export interface ComponentHandler {
  prefix: string;
  handle(interaction: ComponentInteraction, rest: string, services: BotServices): Promise<void>;
}

const AUTOCOMPLETE_MAX = 25;

export class InteractionRouter {
  private readonly commands = new Map<string, CommandModule>();
  private readonly components = new Map<string, ComponentHandler>();
  private accepting = true;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly services: BotServices,
    commands: readonly CommandModule<any>[],
    components: readonly ComponentHandler[],
  ) {
    for (const command of commands) this.commands.set(command.definition.name, command);
    for (const component of components) this.components.set(component.prefix, component);
  }

  /** The client's `interactionCreate` listener. */
  readonly dispatch = (interaction: Interaction): void => {
    const work = this.route(interaction).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  };

  /** Shutting down: new interactions get a one-line refusal; the ones in progress may finish. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Waits (bounded) for the interactions already being handled. */
  async drain(timeoutMs: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private async route(interaction: Interaction): Promise<void> {
    const { log } = this.services;
    const started = Date.now();
    const event = describe(interaction);
    try {
      if (!this.accepting) {
        if (interaction.isAutocomplete()) await interaction.respond([]);
        else if (interaction.isRepliable()) {
          await interaction.reply({ content: 'The bot is restarting; try again in a minute.', flags: MessageFlags.Ephemeral });
        }
        return;
      }
      if (interaction.isChatInputCommand()) {
        const command = this.commands.get(interaction.commandName);
        if (!command) throw new Error(`unknown command /${interaction.commandName}`);
        await command.handle(interaction, readArgs(command.definition, interaction), this.services);
      } else if (interaction.isAutocomplete()) {
        await this.autocomplete(interaction);
      } else if (interaction.isButton() || interaction.isModalSubmit()) {
        const [prefix = '', ...rest] = interaction.customId.split(':');
        const handler = this.components.get(prefix);
        if (!handler) {
          await interaction.reply({ content: 'This button is from an older version of the bot; run the command again.', flags: MessageFlags.Ephemeral });
        } else {
          await handler.handle(interaction, rest.join(':'), this.services);
        }
      } else {
        return;
      }
      log.info({ event: 'interaction', ...event, ms: Date.now() - started });
    } catch (error) {
      await this.fail(interaction, error, event);
    }
  }

  private async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = this.commands.get(interaction.commandName);
    const focused = interaction.options.getFocused(true);
    const choices = command?.autocomplete
      ? await command.autocomplete(interaction, { name: focused.name, value: String(focused.value) }, this.services)
      : [];
    await interaction.respond(choices.slice(0, AUTOCOMPLETE_MAX));
  }

  private async fail(interaction: Interaction, error: unknown, event: Record<string, unknown>): Promise<void> {
    const { log } = this.services;
    // A member over their limit is expected, not a failure: one info line, no stack.
    if (error instanceof RateLimitedError) log.info({ event: 'interaction.rate-limited', ...event, action: error.action, retryAt: error.retryAt.toISOString() });
    else log.warn({ event: 'interaction.failed', ...event, err: error });
    try {
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]);
        return;
      }
      if (!interaction.isRepliable()) return;
      await answerOneLine(interaction, memberLine(error));
    } catch (second) {
      // 10062/40060: the deadline or the acknowledgement is gone; nothing more can reach the member here.
      log.warn({ event: 'interaction.unanswered', ...event, code: discordCode(second), err: second });
    }
  }
}

/** One ephemeral line, whatever has been sent so far: defer first if nothing was, then edit or follow up. */
export async function answerOneLine(interaction: RepliableInteraction, line: string): Promise<void> {
  if (!interaction.deferred && !interaction.replied) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply({ content: line, components: [], embeds: [] });
  } else if (interaction.deferred && !interaction.replied) {
    await interaction.editReply({ content: line, components: [], embeds: [] });
  } else {
    await interaction.followUp({ content: line, flags: MessageFlags.Ephemeral });
  }
}

/** What a log line says about an interaction: kinds and ids, never option values or field text. */
function describe(interaction: Interaction): Record<string, unknown> {
  const base = { interactionId: interaction.id, user: interaction.user.id, dm: interaction.guildId === null };
  if (interaction.isChatInputCommand()) {
    return { ...base, kind: 'command', command: interaction.commandName, sub: interaction.options.getSubcommand(false) };
  }
  if (interaction.isAutocomplete()) return { ...base, kind: 'autocomplete', command: interaction.commandName };
  if (interaction.isButton()) return { ...base, kind: 'button', prefix: interaction.customId.split(':')[0] };
  if (interaction.isModalSubmit()) return { ...base, kind: 'modal', prefix: interaction.customId.split(':')[0] };
  return { ...base, kind: 'other' };
}
