/** Autocomplete suggestions that only ever list the asking member's own connections. */
import type { User } from 'discord.js';
import { listConnections } from '../../db/index.ts';
import { memberOf, type BotServices } from './services.ts';

export function ownConnectionChoices(services: BotServices, user: User, typed: string): Array<{ name: string; value: string }> {
  const member = memberOf(services, user);
  const needle = typed.trim().toLowerCase();
  return listConnections(services.app.db, member.id)
    .filter((c) => c.name.toLowerCase().includes(needle))
    .slice(0, 25)
    .map((c) => ({ name: c.name, value: c.name }));
}
