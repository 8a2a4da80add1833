/**
 * The two pieces of undici the transport uses, Agent and request, loaded from the files that define them instead
 * of from undici's index: the index loads every dispatcher, the mock agent, the cache stores and fetch, which
 * cost a keyed `ofx-mfa sync` about 0.1 s and 8 MB at start-up (issue 7). undici 7 has no "exports" map, so
 * these paths resolve; test/core/http/undici-paths.test.ts checks they are still undici's own Agent and request
 * (an upgrade that moves them fails that test, not a sync). The types are undici's public ones.
 */
import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';

const require = createRequire(import.meta.url);

export const AGENT_PATH = 'undici/lib/dispatcher/agent.js';
export const REQUEST_PATH = 'undici/lib/api/api-request.js';

export const Agent = require(AGENT_PATH) as typeof UndiciAgent;

/** undici's `Dispatcher.prototype.request`, which its index attaches to every dispatcher. */
const dispatcherRequest = require(REQUEST_PATH) as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher };

/** undici's top-level `request(url, options)` for a URL already parsed, through the dispatcher given. */
export function request(url: URL, { dispatcher, ...options }: RequestOptions): Promise<Dispatcher.ResponseData> {
  return dispatcherRequest.call(dispatcher, { ...options, origin: url.origin, path: `${url.pathname}${url.search}` });
}
