/**
 * The database schema. Migrations in migrations/ are generated from this file (`npm run db:generate`), never
 * written by hand.
 *
 * Conventions: timestamps are ISO 8601 UTC text (`2026-10-05T17:00:00.000Z`, the shape `Date#toISOString`
 * writes, so text order is time order); money is decimal TEXT exactly as the bank sent it, never REAL; columns
 * named `encrypted*` hold `SecretBox` output only, never plain text.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** SQLite's own clock in the same shape as `Date#toISOString`, so rows written by raw SQL look alike. */
const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

const createdAt = () => text('created_at').notNull().default(nowIso);

/** A decimal string as the bank sent it ("-1234.50", "0.10"); NULL passes, as CHECK does with NULL. */
const isDecimal = (column: SQLiteColumn) =>
  sql`${column} <> '' and ${column} not glob '*[^0-9.-]*'`;

export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    discordUserId: text('discord_user_id').unique(),
    /** Command-line users: the OS user name, e.g. `local:alice`. */
    localName: text('local_name').unique(),
    displayName: text('display_name').notNull(),
    /** A scheduled sync that needs answers DMs the member; off: it ends as answers-needed and says so at the next /sync. */
    scheduleDms: integer('schedule_dms', { mode: 'boolean' }).notNull().default(true),
    /** Amounts (balances, totals) appear in the household channel's summaries only when the member opted in. */
    shareAmounts: integer('share_amounts', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    check(
      'members_one_identity',
      sql`(${t.discordUserId} is null) <> (${t.localName} is null)`,
    ),
  ],
);

export const answerAggregates = ['MFACHALLENGEA', 'MFACHALLENGEANSWER'] as const;
export type AnswerAggregate = (typeof answerAggregates)[number];

/**
 * Why unattended syncs of a connection stay off the bank until a person acts: the bank rejected the answers
 * (3001), or refused the credentials (15500, 15502). Resending either can lock the account or block the address.
 */
export const holdReasons = ['answers-rejected', 'credentials-refused'] as const;
export type HoldReason = (typeof holdReasons)[number];

/**
 * Per-connection server quirks (from the bank directory, or set by the member), as ofxtools' fi.cfg names them:
 * pretty, unclosedelements, nonewfileuid ("true"), useragent (a User-Agent), clientuid ("" = send none).
 */
export type ConnectionQuirks = Record<string, string>;

export const connections = sqliteTable(
  'connections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    url: text('url').notNull(),
    org: text('org'),
    fid: text('fid'),
    /** "102", "103", "203", "211", "220". */
    version: text('version').notNull(),
    appId: text('app_id').notNull().default('QWIN'),
    appVer: text('app_ver').notNull().default('2700'),
    /** Generated once on insert and never updated: banks tie device trust (and MFA) to it. */
    clientUid: text('client_uid')
      .notNull()
      .unique()
      .$defaultFn(() => randomUUID()),
    userId: text('user_id').notNull(),
    encryptedPassword: text('encrypted_password').notNull(),
    encryptedUserCred1: text('encrypted_user_cred1'),
    encryptedUserCred2: text('encrypted_user_cred2'),
    encryptedAuthToken: text('encrypted_auth_token'),
    answerAggregate: text('answer_aggregate', { enum: answerAggregates }).notNull().default('MFACHALLENGEA'),
    /** BROKERID for investment statements, from the bank directory. */
    brokerId: text('broker_id'),
    /** The bank directory entry this connection was filled from, if any. */
    directoryNick: text('directory_nick'),
    quirks: text('quirks', { mode: 'json' }).$type<ConnectionQuirks>().notNull().default(sql`'{}'`),
    // Set when the bank rejected answers or credentials; unattended syncs do not sign on until a person acts.
    // No CHECK here: adding one would make drizzle-kit rebuild the table, and a rebuild of this parent table inside
    // the migration's transaction (where PRAGMA foreign_keys=OFF is a no-op) cascades deletes into every child.
    holdReason: text('hold_reason', { enum: holdReasons }),
    holdCode: integer('hold_code'),
    holdSince: text('hold_since'),
    // Profile SIGNONINFO flags as last read from the bank; NULL until the profile has been fetched.
    mfaChallengeSupported: integer('mfa_challenge_supported', { mode: 'boolean' }),
    mfaChallengeFirst: integer('mfa_challenge_first', { mode: 'boolean' }),
    clientUidRequired: integer('client_uid_required', { mode: 'boolean' }),
    userCred1Label: text('user_cred1_label'),
    userCred2Label: text('user_cred2_label'),
    authTokenFirst: integer('auth_token_first', { mode: 'boolean' }),
    authTokenLabel: text('auth_token_label'),
    profileFetchedAt: text('profile_fetched_at'),
    /** Last profile request, answered or not: a failing profile is asked again at most once a day. */
    profileAttemptedAt: text('profile_attempted_at'),
    lastSyncedAt: text('last_synced_at'),
    createdAt: createdAt(),
    updatedAt: text('updated_at')
      .notNull()
      .default(nowIso)
      .$onUpdateFn(() => new Date().toISOString()),
  },
  (t) => [
    uniqueIndex('connections_member_name').on(t.memberId, t.name),
    check('connections_answer_aggregate', sql`${t.answerAggregate} in ('MFACHALLENGEA', 'MFACHALLENGEANSWER')`),
  ],
);

export const accessKeys = sqliteTable(
  'access_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    connectionId: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    encryptedKey: text('encrypted_key').notNull(),
    receivedAt: text('received_at').notNull().default(nowIso),
    lastUsedAt: text('last_used_at'),
    droppedAt: text('dropped_at'),
    droppedReason: text('dropped_reason'),
  },
  (t) => [
    // At most one live key per connection, enforced by the database rather than by care.
    uniqueIndex('access_keys_one_live').on(t.connectionId).where(sql`${t.droppedAt} is null`),
  ],
);

export const accountKinds = ['bank', 'creditcard', 'investment'] as const;

export const accounts = sqliteTable(
  'accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    connectionId: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: accountKinds }).notNull(),
    /** ACCTID as the bank knows it. */
    accountId: text('account_id').notNull(),
    accountType: text('account_type'),
    bankId: text('bank_id'),
    brokerId: text('broker_id'),
    description: text('description'),
    serviceStatus: text('service_status'),
    currency: text('currency'),
    // Balances as of the last sync that reported them.
    ledgerBalance: text('ledger_balance'),
    ledgerBalanceAsOf: text('ledger_balance_as_of'),
    availableBalance: text('available_balance'),
    availableBalanceAsOf: text('available_balance_as_of'),
    /** End of the last statement window this account received; its next window starts here (minus the overlap). */
    lastGoodAt: text('last_good_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('accounts_connection_kind_account').on(t.connectionId, t.kind, t.accountId),
    check('accounts_kind', sql`${t.kind} in ('bank', 'creditcard', 'investment')`),
    check('accounts_ledger_balance_decimal', isDecimal(t.ledgerBalance)),
    check('accounts_available_balance_decimal', isDecimal(t.availableBalance)),
  ],
);

export const syncTriggers = ['cli', 'slash', 'button', 'schedule', 'demo', 'test'] as const;
export type SyncTrigger = (typeof syncTriggers)[number];

export const syncOutcomes = [
  'ok',
  'challenge-cancelled',
  'challenge-expired',
  'answers-needed',
  'answers-rejected',
  'signon-refused',
  'error',
  'crashed',
  'already-running',
] as const;
/** How a finished run ended. */
export type SyncOutcome = (typeof syncOutcomes)[number];
export type SyncState = 'running' | SyncOutcome;

export const syncRuns = sqliteTable(
  'sync_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    connectionId: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    /** Free text at the database level so a new trigger needs no migration. */
    trigger: text('triggered_by').$type<SyncTrigger>().notNull(),
    state: text('state').$type<SyncState>().notNull().default('running'),
    statusCode: integer('status_code'),
    /** One line, never a secret. */
    message: text('message'),
    challenged: integer('challenged', { mode: 'boolean' }).notNull().default(false),
    newTransactions: integer('new_transactions').notNull().default(0),
    accountCount: integer('account_count').notNull().default(0),
    startedAt: text('started_at').notNull().default(nowIso),
    finishedAt: text('finished_at'),
    // Crash detection: a 'running' row whose process is gone (same host) or silent too long is stale.
    heartbeatAt: text('heartbeat_at').notNull().default(nowIso),
    ownerPid: integer('owner_pid'),
    ownerHost: text('owner_host'),
    /** Random per process: tells this process from an earlier one that had the same pid (pid 1 in containers). */
    ownerInstance: text('owner_instance'),
  },
  (t) => [
    // One running sync per connection, enforced by the database as well as by startSyncRun.
    uniqueIndex('sync_runs_one_running').on(t.connectionId).where(sql`${t.state} = 'running'`),
    index('sync_runs_connection_started').on(t.connectionId, t.startedAt),
    check(
      'sync_runs_state',
      sql`${t.state} in ('running', 'ok', 'challenge-cancelled', 'challenge-expired', 'answers-needed', 'answers-rejected', 'signon-refused', 'error', 'crashed', 'already-running')`,
    ),
  ],
);

export const transactions = sqliteTable(
  'transactions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    fitid: text('fitid').notNull(),
    posted: text('posted').notNull(),
    amount: text('amount').notNull(),
    type: text('type').notNull(),
    name: text('name'),
    memo: text('memo'),
    checkNumber: text('check_number'),
    firstSeenRunId: integer('first_seen_run_id').references(() => syncRuns.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('transactions_account_fitid').on(t.accountId, t.fitid),
    index('transactions_account_posted').on(t.accountId, t.posted),
    check('transactions_amount_decimal', isDecimal(t.amount)),
  ],
);

/** `expired`: the process stopped (restart, crash) while the challenge waited. */
export const challengeOutcomes = ['answered', 'cancelled', 'timeout', 'unavailable', 'rejected', 'accepted', 'expired'] as const;
export type ChallengeRecordOutcome = (typeof challengeOutcomes)[number];

/** A question the bank asked; the bank's words, not secret. The answers are never stored anywhere. */
export interface AskedQuestion {
  id: string;
  label: string | null;
}

export const challenges = sqliteTable(
  'challenges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    syncRunId: integer('sync_run_id')
      .notNull()
      .references(() => syncRuns.id, { onDelete: 'cascade' }),
    questions: text('questions', { mode: 'json' }).$type<AskedQuestion[]>().notNull(),
    /** NULL while waiting for the person. */
    outcome: text('outcome', { enum: challengeOutcomes }),
    askedAt: text('asked_at').notNull().default(nowIso),
    resolvedAt: text('resolved_at'),
    /**
     * The opaque id a front end puts in its custom ids (DESIGN 5): any process can tell a click on a foreign,
     * expired or finished challenge from the row alone. Random, never derived from data.
     */
    relayId: text('relay_id').unique(),
    /** The only member who may answer. */
    memberId: integer('member_id').references(() => members.id, { onDelete: 'cascade' }),
    expiresAt: text('expires_at'),
    /** Where the question message went (a DM, or the /sync reply when DMs are closed), to edit it later. */
    messageChannelId: text('message_channel_id'),
    messageId: text('message_id'),
  },
  (t) => [
    index('challenges_sync_run').on(t.syncRunId),
    index('challenges_waiting').on(t.outcome),
    check(
      'challenges_outcome',
      sql`${t.outcome} in ('answered', 'cancelled', 'timeout', 'unavailable', 'rejected', 'accepted', 'expired')`,
    ),
  ],
);

export const scheduleEvery = ['6h', '12h', 'daily'] as const;
export type ScheduleEvery = (typeof scheduleEvery)[number];

/** Scheduled syncs, one per connection; a row, not a timer, so a restart (or another process) picks it up. */
export const schedules = sqliteTable(
  'schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    connectionId: integer('connection_id')
      .notNull()
      .unique()
      .references(() => connections.id, { onDelete: 'cascade' }),
    every: text('every', { enum: scheduleEvery }).notNull(),
    nextRunAt: text('next_run_at').notNull(),
    lastRunAt: text('last_run_at'),
    lastOutcome: text('last_outcome'),
    /** Failures in a row; the next run backs off with it. */
    failures: integer('failures').notNull().default(0),
    /** When the member was last told about a failing schedule: told once, not every run. */
    notifiedAt: text('notified_at'),
    /** The first failing run of the current streak (null after a success): the "since" the member is told. */
    failingSince: text('failing_since'),
    /** What the current streak fails of ('error', 'hold:15500', ...): a different kind is told anew. */
    failureKind: text('failure_kind'),
    createdAt: createdAt(),
  },
  (t) => [
    index('schedules_next_run').on(t.nextRunAt),
    check('schedules_every', sql`${t.every} in ('6h', '12h', 'daily')`),
  ],
);

/** Per Discord server: where short summaries of finished syncs go (`/household channel`). */
export const guildSettings = sqliteTable('guild_settings', {
  guildId: text('guild_id').primaryKey(),
  householdChannelId: text('household_channel_id'),
  updatedAt: text('updated_at').notNull().default(nowIso),
});

export type Member = typeof members.$inferSelect;
export type ConnectionRow = typeof connections.$inferSelect;
export type AccessKeyRow = typeof accessKeys.$inferSelect;
export type AccountRow = typeof accounts.$inferSelect;
export type TransactionRow = typeof transactions.$inferSelect;
export type SyncRunRow = typeof syncRuns.$inferSelect;
export type ChallengeRow = typeof challenges.$inferSelect;
export type ScheduleRow = typeof schedules.$inferSelect;
export type GuildSettingsRow = typeof guildSettings.$inferSelect;
