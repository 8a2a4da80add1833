/** The simulated OFX bank: a real server with multi-factor challenges, for demos and tests. */
export { startSimBank } from './server.ts';
export type { SimBank, SimBankInfo, SimBankOptions, SimBankVersion } from './server.ts';
export { defaultUsers, DEFAULT_QUESTIONS, MANY_QUESTIONS, FAULT_KINDS, SLOW_DELAY_MS } from './scenarios.ts';
export type { FaultKind, Scenario, SimQuestion, SimUser } from './scenarios.ts';
export type { RequestLogEntry } from './log.ts';
export { formatLogLine } from './log.ts';
export type { ExpectedStatement } from './expected.ts';
export { SIM_ACCOUNTS } from './accounts.ts';
export { DEFAULT_KEY_LIFETIME_MS, MAX_WRONG_ANSWER_SETS } from './auth.ts';
