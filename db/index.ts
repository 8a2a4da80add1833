/** The database layer's public surface: open, encrypt, and the repositories. */
export { openDatabase } from './connection.ts';
export type { Database, Executor, Orm } from './connection.ts';
export * from './errors.ts';
export { SecretBox, keyEnvVar, keyFilePath } from './secrets.ts';
export type {
  AccessKeyRow,
  AccountRow,
  AnswerAggregate,
  AskedQuestion,
  ChallengeRecordOutcome,
  ChallengeRow,
  ConnectionQuirks,
  ConnectionRow,
  GuildSettingsRow,
  HoldReason,
  Member,
  ScheduleEvery,
  ScheduleRow,
  SyncOutcome,
  SyncRunRow,
  SyncState,
  SyncTrigger,
  TransactionRow,
} from './schema.ts';
export * from './repositories/members.ts';
export * from './repositories/connections.ts';
export * from './repositories/access-keys.ts';
export * from './repositories/accounts.ts';
export * from './repositories/statements.ts';
export * from './repositories/transactions.ts';
export * from './repositories/sync-runs.ts';
export * from './repositories/challenges.ts';
export * from './repositories/holds.ts';
export * from './repositories/connection-sync.ts';
