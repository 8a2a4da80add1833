/**
 * Admin endpoints under /admin/ on the bank's own port, JSON in and out, for tests and demos:
 *
 *   GET    /admin/info                      the default user's credentials (SimBankInfo)
 *   GET    /admin/users                     every user's state; /admin/users/NAME one user's
 *   POST   /admin/revoke-keys  {"user"?}    revoke access keys (one user, or all)
 *   POST   /admin/reset        {"user"?}    clear lockouts and wrong-answer counters
 *   GET    /admin/log                       the request log (never a password, key or answer); DELETE clears it
 *   GET    /admin/statement?user=&account=&start=&end=   the statement the bank would send (ISO dates, optional)
 *   POST   /admin/faults  {"fault", "count"?, "user"?}   misbehave for the next `count` requests; DELETE clears
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SIM_ACCOUNTS } from './accounts.ts';
import type { Authenticator } from './auth.ts';
import { expectedStatement } from './expected.ts';
import type { FaultQueue } from './faults.ts';
import type { Ledger } from './ledger.ts';
import type { RequestLog } from './log.ts';
import { FAULT_KINDS, isFaultKind } from './scenarios.ts';
import type { SimUser } from './scenarios.ts';

export interface AdminContext {
  users: ReadonlyMap<string, SimUser>;
  auth: Authenticator;
  ledger: Ledger;
  log: RequestLog;
  faults: FaultQueue;
  now: () => Date;
  info: () => unknown;
}

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(`${JSON.stringify(value)}\n`);
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new AdminError(400, 'the body must be a JSON object');
}

function optionalUser(ctx: AdminContext, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !ctx.users.has(value)) throw new AdminError(404, 'unknown user');
  return value;
}

function optionalDate(value: string | null, name: string): Date | null {
  if (value === null || value === '') return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new AdminError(400, `${name} must be an ISO 8601 date`);
  return date;
}

function route(ctx: AdminContext, method: string, url: URL, body: Buffer): [number, unknown] {
  const path = url.pathname.replace(/\/+$/, '');
  if (method === 'GET' && path === '/admin/info') return [200, ctx.info()];
  if (method === 'GET' && path === '/admin/users') return [200, [...ctx.users.keys()].map((u) => ctx.auth.view(u))];
  const userMatch = /^\/admin\/users\/([^/]+)$/.exec(path);
  if (method === 'GET' && userMatch) {
    const user = optionalUser(ctx, decodeURIComponent(userMatch[1] ?? ''));
    return [200, ctx.auth.view(user ?? '')];
  }
  if (method === 'POST' && path === '/admin/revoke-keys') {
    const user = optionalUser(ctx, parseBody(body).user);
    return [200, { revoked: ctx.auth.revokeKeys(user) }];
  }
  if (method === 'POST' && path === '/admin/reset') {
    const user = optionalUser(ctx, parseBody(body).user);
    ctx.auth.reset(user);
    return [200, { reset: user ?? 'all' }];
  }
  if (path === '/admin/log') {
    if (method === 'GET') return [200, ctx.log.list()];
    if (method === 'DELETE') {
      ctx.log.clear();
      return [200, { cleared: true }];
    }
  }
  if (method === 'GET' && path === '/admin/statement') {
    const user = optionalUser(ctx, url.searchParams.get('user') ?? 'demo');
    const account = SIM_ACCOUNTS.find((a) => a.accountId === url.searchParams.get('account'));
    if (!user || !account) throw new AdminError(404, 'unknown user or account');
    const window = { start: optionalDate(url.searchParams.get('start'), 'start'), end: optionalDate(url.searchParams.get('end'), 'end') };
    return [200, expectedStatement(ctx.ledger.statement(user, account, window, ctx.now()))];
  }
  if (path === '/admin/faults') {
    if (method === 'GET') return [200, ctx.faults.list()];
    if (method === 'DELETE') {
      ctx.faults.clear();
      return [200, { cleared: true }];
    }
    if (method === 'POST') {
      const input = parseBody(body);
      if (!isFaultKind(input.fault)) throw new AdminError(400, `fault must be one of ${FAULT_KINDS.join(', ')}`);
      const count = input.count ?? 1;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new AdminError(400, 'count must be a positive integer');
      const user = optionalUser(ctx, input.user) ?? null;
      ctx.faults.add({ kind: input.fault, remaining: count, user });
      return [200, ctx.faults.list()];
    }
  }
  throw new AdminError(404, 'no such admin endpoint');
}

export function handleAdmin(ctx: AdminContext, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
  try {
    const [status, value] = route(ctx, req.method ?? 'GET', url, body);
    sendJson(res, status, value);
  } catch (error) {
    if (error instanceof AdminError) sendJson(res, error.status, { error: error.message });
    else sendJson(res, 500, { error: 'internal error' });
  }
}
