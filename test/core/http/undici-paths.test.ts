/**
 * core/http/undici.ts loads undici's Agent and request by their file paths inside the package (issue 7: the
 * index costs start-up time). This pins those paths to the installed undici: they must still be its own Agent
 * and its own Dispatcher.prototype.request, so an upgrade that moves or changes them fails here, not in a sync.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as undici from 'undici';
import { Agent, AGENT_PATH, REQUEST_PATH } from '../../../core/http/undici.ts';

const require = createRequire(import.meta.url);

describe("undici's deep paths", () => {
  it('are the Agent and the request method that undici itself exports', () => {
    expect(Agent).toBe(undici.Agent);
    expect(require(AGENT_PATH)).toBe(undici.Agent);
    expect(require(REQUEST_PATH)).toBe(undici.Dispatcher.prototype.request);
  });
});
