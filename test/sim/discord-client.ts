/**
 * The real discord.js client, logged in to the Discord stand-in, for the sim/discord suites. Each test gives
 * its own interaction handler: a few lines of bot, so each suite says exactly what the bot did.
 */
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { Interaction, Message } from 'discord.js';
import { startDiscordSim } from '../../sim/discord/index.ts';
import type { DiscordSim, DiscordSimOptions } from '../../sim/discord/index.ts';

export interface TestBot {
  discord: DiscordSim;
  client: Client<true>;
  /** Replaces the interaction handler; errors it throws are kept in `errors`. */
  onInteraction(handler: (interaction: Interaction) => Promise<void>): void;
  onMessage(handler: (message: Message) => void): void;
  /** Errors the handler threw (DiscordAPIError and such), oldest first. */
  errors: unknown[];
  /** Resolves with the next error the handler throws. */
  nextError(): Promise<unknown>;
  close(): Promise<void>;
}

export async function startTestBot(options: DiscordSimOptions = {}, clientOptions: { rest?: Record<string, unknown> } = {}): Promise<TestBot> {
  const discord = await startDiscordSim(options);
  const client = new Client({
    rest: { api: discord.apiBase, ...clientOptions.rest },
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
  });
  let handler: (interaction: Interaction) => Promise<void> = async () => {};
  let messageHandler: (message: Message) => void = () => {};
  const errors: unknown[] = [];
  const waiting: Array<(e: unknown) => void> = [];
  client.on(Events.InteractionCreate, (interaction) => {
    handler(interaction).catch((error: unknown) => {
      errors.push(error);
      waiting.shift()?.(error);
    });
  });
  client.on(Events.MessageCreate, (message) => messageHandler(message));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(discord.token);
  await ready;
  return {
    discord,
    client: client as Client<true>,
    onInteraction: (h) => {
      handler = h;
    },
    onMessage: (h) => {
      messageHandler = h;
    },
    errors,
    nextError: () => new Promise((resolve) => waiting.push(resolve)),
    close: async () => {
      await client.destroy();
      await discord.close();
    },
  };
}
