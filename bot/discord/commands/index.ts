/** Every slash command of DESIGN 4.4, in the order /help lists them. */
import type { CommandModule } from '../command.ts';
import bank from './bank.ts';
import sync from './sync.ts';
import accounts from './accounts.ts';
import transactions from './transactions.ts';
import schedule from './schedule.ts';
import household from './household.ts';
import help from './help.ts';

export const COMMANDS: readonly CommandModule<any>[] = [bank, sync, accounts, transactions, schedule, household, help];

export { bankComponents } from './bank.ts';
