/**
 * The OFX engine as a library: parse responses, build requests, talk to a bank, run one MFA sync.
 * No Discord, no database: other programs (and the benchmarks) use it in-process.
 */
export { parseOfx } from './ofx/parse.ts';
export { toStatementJson } from './ofx/statement-json.ts';
export type { StatementJson } from './ofx/statement-json.ts';
export type * from './ofx/types.ts';
export { OfxError, OfxParseError, OfxStatusError } from './errors.ts';
export { describeStatus, knownStatusCodes, type StatusInfo } from './status.ts';
export { buildRequest, maskRequest, mfaCapable } from './ofx/build.ts';
export type { BuiltRequest, OfxVersion, RequestItem, RequestSpec, SignonFields, StatementAccount } from './ofx/build.ts';
export { validateOfxRequest } from './ofx/validate.ts';
export { postOfx, DEFAULT_USER_AGENT, type TransportOptions } from './http/transport.ts';
export { runSync, type SyncDeps, type SyncInput, type SyncOutcome, type SyncResult } from './sync/machine.ts';
export type * from './sync/types.ts';
