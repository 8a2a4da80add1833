/**
 * The REST side (API v10 under /api/v10): a small router over Discord's route templates, every call recorded
 * (method, route, body, status, error code) and any route made to fail on demand (a 429 with retry-after, a 500,
 * any Discord error code).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DiscordHttpError, methodNotAllowed, notFound, rateLimited, unauthorized } from './errors.ts';
import type { UploadedFile } from './messages.ts';
import type { Json } from './world.ts';

export interface RestCall {
  /** Simulated-clock time of the call, ISO 8601. */
  at: string;
  /** Wall-clock epoch milliseconds when the call arrived (for retry-after checks; `at` follows the sim clock). */
  wallMs: number;
  method: string;
  /** The route template, e.g. `/channels/:channel/messages`. */
  route: string;
  /** The concrete path after /api/v10, decoded (`@original`, not `%40original`). */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body, or for multipart the `payload_json` part. */
  body: unknown;
  /** Names of the files of a multipart body. */
  files: string[];
  status: number;
  /** The Discord error code answered, if the call was refused. */
  code: number | null;
  /** True when the refusal was injected with failNext. */
  injected: boolean;
  /** The JSON the stand-in answered with (a message, an error body), if any. */
  response: unknown;
}

export interface RouteRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
}

export interface RouteAnswer {
  status: number;
  json?: unknown;
}

export interface Route {
  method: string;
  template: string;
  /** Routes a bot calls with its token; interaction callbacks and webhooks go without one. */
  auth: boolean;
  handle(req: RouteRequest): RouteAnswer;
}

export interface FailureSpec {
  status: number;
  /** Discord error code in the JSON body (default 0). */
  code?: number;
  message?: string;
  /** Seconds, for 429 (default 1): sent as the Retry-After header and `retry_after`. */
  retryAfter?: number;
  /** A 429 of the global limit (X-RateLimit-Global). */
  global?: boolean;
  /** How many calls in a row fail (default 1). */
  times?: number;
}

interface QueuedFailure {
  spec: FailureSpec;
  remaining: number;
}

const MAX_BODY_BYTES = 26 * 1024 * 1024;

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function match(template: string, path: string): Record<string, string> | null {
  const t = segments(template);
  const p = segments(path);
  if (t.length !== p.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i += 1) {
    const ts = t[i]!;
    const ps = p[i]!;
    if (ts.startsWith(':')) params[ts.slice(1)] = ps;
    else if (ts !== ps) return null;
  }
  return params;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > MAX_BODY_BYTES) throw new DiscordHttpError(413, 40005, 'Request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

/** JSON, or multipart/form-data with `payload_json` and `files[n]` (parsed by undici's Response.formData). */
async function parseBody(req: IncomingMessage, raw: Buffer): Promise<{ body: unknown; files: UploadedFile[] }> {
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { body: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    let body: unknown;
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
      } else {
        files.push({ field, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { body, files };
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    throw new DiscordHttpError(400, 50109, 'The request body contains invalid JSON.');
  }
}

export class Rest {
  readonly calls: RestCall[] = [];
  private readonly failures = new Map<string, QueuedFailure[]>();

  constructor(
    private readonly routes: Route[],
    private readonly token: string,
    private readonly clock: () => string,
    private readonly onCall: (call: RestCall) => void,
  ) {}

  /** The templates, `METHOD /path/:param`, as failNext takes them. */
  templates(): string[] {
    return this.routes.map((r) => `${r.method} ${r.template}`);
  }

  failNext(route: string, spec: FailureSpec): void {
    const key = route.trim().replace(/\s+/, ' ');
    if (!this.templates().includes(key)) {
      throw new Error(`failNext: unknown route ${JSON.stringify(route)}; routes are: ${this.templates().join(', ')}`);
    }
    const list = this.failures.get(key) ?? [];
    list.push({ spec, remaining: spec.times ?? 1 });
    this.failures.set(key, list);
  }

  private takeFailure(key: string): FailureSpec | null {
    const list = this.failures.get(key);
    const first = list?.[0];
    if (!list || !first) return null;
    first.remaining -= 1;
    if (first.remaining <= 0) list.shift();
    return first.spec;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    let decoded = path;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // keep the raw path; no route will match it
    }
    const call: RestCall = {
      at: this.clock(),
      wallMs: Date.now(),
      method,
      route: '?',
      path: decoded,
      params: {},
      query: Object.fromEntries(query.entries()),
      body: undefined,
      files: [],
      status: 0,
      code: null,
      injected: false,
      response: undefined,
    };
    let answer: RouteAnswer;
    let error: DiscordHttpError | null = null;
    try {
      const raw = await readBody(req);
      const { body, files } = await parseBody(req, raw);
      call.body = body;
      call.files = files.map((f) => f.filename);
      const candidates = this.routes.map((r) => ({ r, params: match(r.template, decoded) })).filter((m) => m.params);
      if (candidates.length === 0) throw notFound();
      const found = candidates.find((m) => m.r.method === method);
      if (!found) throw methodNotAllowed();
      call.route = found.r.template;
      call.params = found.params!;
      if (found.r.auth && req.headers.authorization !== `Bot ${this.token}`) throw unauthorized();
      const injected = this.takeFailure(`${method} ${found.r.template}`);
      if (injected) {
        call.injected = true;
        throw injected.status === 429
          ? rateLimited(injected.retryAfter ?? 1, injected.global ?? false)
          : new DiscordHttpError(injected.status, injected.code ?? 0, injected.message ?? `Simulated failure ${injected.status}`);
      }
      answer = found.r.handle({ method, params: found.params!, query, body, files });
    } catch (thrown) {
      if (!(thrown instanceof DiscordHttpError)) throw thrown;
      error = thrown;
      answer = { status: thrown.status, json: thrown.body() };
    }
    call.status = answer.status;
    call.code = error ? error.code : null;
    call.response = answer.json;
    this.calls.push(call);
    const headers: Record<string, string> = { ...(error?.headers ?? {}) };
    if (answer.json === undefined) {
      res.writeHead(answer.status, headers);
      res.end();
    } else {
      const text = JSON.stringify(answer.json);
      res.writeHead(answer.status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    }
    this.onCall(call);
  }
}

export type { Json };
