/**
 * The simulated bank's HTTP side: POST an OFX request to /ofx (any path outside /admin/ works too), get an OFX
 * answer in the format the bank was started with (1.0.3 SGML, CHARSET 1252, or 2.1.1 XML), whichever format the
 * request used. Bad requests get HTTP 400 with a short text body, as real servers do, rather than an OFX 2000:
 * a request that does not validate has no TRNUIDs one could safely echo.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { decodeOfx } from '../../core/ofx/decode.ts';
import { parseOfx } from '../../core/ofx/parse.ts';
import { encodeOfx, serializeOfx } from '../../core/ofx/serialize.ts';
import { aggregate } from '../../core/ofx/tree.ts';
import type { OfxNode } from '../../core/ofx/tree.ts';
import { validateOfxRequest } from '../../core/ofx/validate.ts';
import { SIM_ACCOUNTS, accountSummary } from './accounts.ts';
import { handleAdmin } from './admin.ts';
import { Authenticator, DEFAULT_KEY_LIFETIME_MS } from './auth.ts';
import { FaultQueue, sendFault } from './faults.ts';
import { answerRequest } from './handler.ts';
import type { BankContext } from './handler.ts';
import { Ledger } from './ledger.ts';
import { RequestLog } from './log.ts';
import type { RequestLogEntry } from './log.ts';
import { readRequest } from './request.ts';
import type { SimRequest } from './request.ts';
import { SIM_FID, SIM_ORG, sonrs } from './responses.ts';
import { defaultUsers } from './scenarios.ts';
import type { FaultKind, SimUser } from './scenarios.ts';

export type SimBankVersion = '103' | '211';

export interface SimBankOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1: the bank is for this machine only. */
  host?: string;
  /** The format of every answer: '103' (SGML, default) or '211' (XML). Requests may come in either. */
  version?: SimBankVersion;
  /** The bank's clock (DTSERVER, key expiry, MFA101 checks, the statement window's end). */
  now?: () => Date;
  /** Access key lifetime for scenarios that do not set their own (default 30 days). */
  keyLifetimeMs?: number;
  /** Replaces the default users; the first one is the one `info()` describes. */
  users?: readonly SimUser[];
  /** Bank-wide MFACHALLENGEFIRST for scenarios that do not set it (default false). */
  mfaChallengeFirst?: boolean;
  /** Bank-wide CLIENTUIDREQ for scenarios that do not set it (default false). */
  clientUidRequired?: boolean;
  /** Largest request body accepted (default 1 MiB; more gets HTTP 413). */
  maxBodyBytes?: number;
  /** Called once per request handled, with a log entry that carries no secrets. */
  onRequest?: (entry: RequestLogEntry) => void;
}

/** DESIGN 4.1 `sim bank --json`: how to reach the bank as its default user. */
export interface SimBankInfo {
  url: string;
  org: string;
  fid: string;
  user: string;
  password: string;
  accounts: Array<{ type: string; accountId: string; bankId: string | null }>;
  /** The default user's answers to the questions a person answers (client-side phrases are not listed). */
  answers: Record<string, string>;
}

export interface SimBank {
  /** The OFX endpoint, http://HOST:PORT/ofx. */
  url: string;
  port: number;
  close(): Promise<void>;
  info(): SimBankInfo;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

class RequestTooLarge extends Error {}

/**
 * The request body, up to `limit` bytes. Past that the stream is paused, not destroyed, so the 413 answer can
 * still be written (with Connection: close) before the socket goes.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new RequestTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        req.off('data', onData);
        req.pause();
        reject(new RequestTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, total)));
    req.once('error', reject);
  });
}

function requestKinds(request: SimRequest): string[] {
  return request.items.map((i) => (i.kind === 'statement' ? `statement:${i.account.kind}` : i.kind === 'unsupported' ? i.wrapper : i.kind));
}

export async function startSimBank(options: SimBankOptions = {}): Promise<SimBank> {
  const version: SimBankVersion = options.version ?? '103';
  const now = options.now ?? (() => new Date());
  const userList = options.users ?? defaultUsers();
  const defaultUser = userList[0];
  if (!defaultUser) throw new Error('the simulated bank needs at least one user');
  const users = new Map(userList.map((u) => [u.userId, u]));
  const auth = new Authenticator(
    users,
    {
      keyLifetimeMs: options.keyLifetimeMs ?? DEFAULT_KEY_LIFETIME_MS,
      mfaChallengeFirst: options.mfaChallengeFirst ?? false,
      clientUidRequired: options.clientUidRequired ?? false,
    },
    now,
  );
  const ledger = new Ledger();
  const log = new RequestLog();
  const faults = new FaultQueue();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const pendingDelays = new Set<NodeJS.Timeout>();
  let url = '';

  const info = (): SimBankInfo => ({
    url,
    org: SIM_ORG,
    fid: SIM_FID,
    user: defaultUser.userId,
    password: defaultUser.password,
    accounts: SIM_ACCOUNTS.map(accountSummary),
    answers: Object.fromEntries(defaultUser.scenario.questions.flatMap((q) => (q.answer === null ? [] : [[q.id, q.answer]]))),
  });

  const encode = (root: OfxNode): Buffer => {
    // 1.0.3 declares CHARSET:1252 and goes out as 1252 bytes, 2.1.1 as UTF-8: the one encoder the client uses too.
    const bytes = encodeOfx(serializeOfx(root, { version, newFileUid: randomUUID() }));
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };

  const record = (entry: Partial<RequestLogEntry> & { httpStatus: number }): void => {
    const full: RequestLogEntry = {
      time: now().toISOString(),
      user: null,
      requests: [],
      signonCode: null,
      statuses: [],
      answersSent: 0,
      accessKeySent: false,
      accessKeyIssued: false,
      fault: null,
      error: null,
      ...entry,
    };
    log.add(full);
    options.onRequest?.(full);
  };

  const fault = (kind: FaultKind, req: IncomingMessage, res: ServerResponse, user: string | null, requests: string[]): void => {
    const partial = encode(aggregate('OFX', [aggregate('SIGNONMSGSRSV1', [sonrs(0, now(), null)])]));
    record({ user, requests, httpStatus: kind === 'http-500' ? 500 : 200, fault: kind });
    sendFault(kind, req, res, partial);
  };

  const badRequest = (res: ServerResponse, status: number, message: string, user: string | null = null): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${message}\n`);
    record({ user, httpStatus: status, error: message });
  };

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingDelays.delete(timer);
        resolve();
      }, ms);
      pendingDelays.add(timer);
    });

  const handleOfx = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const anyoneFault = faults.take(null);
    if (anyoneFault) return fault(anyoneFault, req, res, null, []);

    const validation = validateOfxRequest(decodeOfx(body));
    if (!validation.ok) return badRequest(res, 400, `Bad Request: not a valid OFX request (${validation.errors[0] ?? 'unknown problem'})`);
    let request: SimRequest;
    try {
      request = readRequest(parseOfx(body).root);
    } catch {
      return badRequest(res, 400, 'Bad Request: the OFX request could not be read');
    }
    const userId = request.signon.userId;
    const user = userId === null ? undefined : users.get(userId);
    const kinds = requestKinds(request);
    const userFault = (userId !== null ? faults.take(userId) : null) ?? user?.scenario.fault;
    if (userFault) return fault(userFault, req, res, userId, kinds);
    if (user?.scenario.delayMs) await delay(user.scenario.delayMs);
    if (res.destroyed) return;

    const ctx: BankContext = {
      users,
      auth,
      ledger,
      now,
      url,
      mfaChallengeFirst: options.mfaChallengeFirst ?? false,
      clientUidRequired: options.clientUidRequired ?? false,
    };
    const answered = answerRequest(ctx, request);
    const bytes = encode(answered.root);
    res.writeHead(200, { 'content-type': 'application/x-ofx', 'content-length': String(bytes.length) });
    res.end(bytes);
    record({
      user: userId,
      requests: kinds,
      httpStatus: 200,
      signonCode: answered.signonCode,
      statuses: answered.statuses,
      answersSent: request.signon.answers.length,
      accessKeySent: request.signon.accessKey !== null,
      accessKeyIssued: answered.accessKeyIssued,
    });
  };

  const server: Server = createServer((req, res) => {
    const handle = async (): Promise<void> => {
      const target = new URL(req.url ?? '/', 'http://localhost');
      let body: Buffer;
      try {
        body = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof RequestTooLarge) {
          res.setHeader('connection', 'close');
          return badRequest(res, 413, 'Payload Too Large: OFX requests are limited to ' + maxBodyBytes + ' bytes');
        }
        throw error;
      }
      if (target.pathname.startsWith('/admin/') || target.pathname === '/admin') {
        return handleAdmin({ users, auth, ledger, log, faults, now, info }, req, res, target, body);
      }
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return badRequest(res, 405, 'Method Not Allowed: POST an OFX request');
      }
      await handleOfx(req, res, body);
    };
    handle().catch(() => {
      // Nothing about the request is echoed: it may hold a password.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal Server Error\n');
      } else {
        res.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${hostForUrl}:${address.port}/ofx`;

  return {
    url,
    port: address.port,
    info,
    close: async () => {
      for (const timer of pendingDelays) clearTimeout(timer);
      pendingDelays.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging requests and idle keep-alive connections would hold close() open forever.
      server.closeAllConnections();
      await closed;
    },
  };
}
