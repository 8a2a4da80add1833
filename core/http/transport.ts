/**
 * POSTs an OFX request to a bank and returns the answer's bytes: https only (loopback excepted), bounded in time
 * (connect, headers, body, and one overall deadline) and in size, redirects followed only within the same host,
 * and every failure turned into one of the typed errors of errors.ts.
 */
import type { Dispatcher } from 'undici';
import { OfxError } from '../errors.ts';
import {
  OfxHttpStatusError,
  OfxNetworkError,
  OfxNotOfxError,
  OfxRedirectError,
  OfxResponseTooLargeError,
  OfxTimeoutError,
  OfxTlsError,
} from './errors.ts';
import { excerptOf, secretValuesOf } from './excerpt.ts';
import { redirectTarget } from './redirect.ts';
import { Agent, request } from './undici.ts';
import { checkOfxUrl } from './url.ts';
import { encodeOfx } from '../ofx/serialize.ts';

export interface TransportOptions {
  /** The whole exchange, redirects included (default 60 s). */
  timeoutMs?: number;
  /** Opening the TCP/TLS connection (default 15 s). */
  connectTimeoutMs?: number;
  /** Largest answer read (default 32 MiB). */
  maxResponseBytes?: number;
  userAgent?: string;
  /** Aborting it stops the exchange; its reason is rethrown as is. */
  signal?: AbortSignal;
}

export const DEFAULT_USER_AGENT = `ofx-mfa/0.1 (+node ${process.version})`;

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** An error page is read only this far: enough for an excerpt. */
const ERROR_BODY_BYTES = 16 * 1024;
/** `<OFX` must appear this early: after the header, never megabytes in. A body without it is cut off there. */
const OFX_SCAN_BYTES = 64 * 1024;
/** Media types no OFX server sends: refused from the headers. */
const NEVER_OFX = /^\s*(image|audio|video|font|model)\//i;

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

const TIMEOUT_CODES: Readonly<Record<string, 'connect' | 'headers' | 'body'>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

export async function postOfx(url: string, body: string, options: TransportOptions = {}): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let target = checkOfxUrl(url);

  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const headers = {
    'content-type': 'application/x-ofx',
    accept: 'application/x-ofx, application/xml;q=0.9, */*;q=0.1',
    'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
  };
  // One agent per exchange: OFX sessions are a request or two, and nothing lingers after we return.
  const agent = new Agent({ connect: { timeout: connectTimeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const secrets = secretValuesOf(body);
  const wire = encodeOfx(body);

  try {
    for (let redirects = 0; ; redirects++) {
      // Redirects are never followed by undici itself; every hop is re-vetted below. The body is POSTed again
      // on every hop, 301/302/303 included: OFX servers only answer POST, and the host is the same one.
      const response = await request(target, { method: 'POST', body: wire, headers, dispatcher: agent, signal });
      if (REDIRECT_STATUSES.has(response.statusCode)) {
        await response.body.dump();
        if (redirects >= MAX_REDIRECTS) throw new OfxRedirectError(target.host, `more than ${MAX_REDIRECTS} redirects`);
        target = redirectTarget(target, response.headers.location);
        continue;
      }
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (!ok) {
        const start = await readBody(response, ERROR_BODY_BYTES, target.host, 'truncate');
        throw new OfxHttpStatusError(response.statusCode, target.host, excerptOf(start, secrets));
      }
      const contentType = headerText(response.headers['content-type']);
      // Labels lie both ways (real OFX comes as text/plain, octet-stream, even text/html), so the bytes decide;
      // only a type that can never be OFX is refused from the headers, before a byte of it is read.
      if (contentType !== null && NEVER_OFX.test(contentType)) {
        abandon(response.body);
        throw new OfxNotOfxError(target.host, contentType, '');
      }
      const notOfx = (start: Uint8Array): OfxNotOfxError | null =>
        looksLikeOfx(start) ? null : new OfxNotOfxError(target.host, contentType, excerptOf(start, secrets, 80));
      const bytes = await readBody(response, maxBytes, target.host, 'refuse', notOfx);
      const refusal = notOfx(bytes);
      if (refusal) throw refusal;
      return bytes;
    }
  } catch (err) {
    throw translateError(err, { host: target.host, deadline, callerSignal: options.signal, timeoutMs, connectTimeoutMs });
  } finally {
    agent.destroy().catch(() => undefined);
  }
}

function headerText(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/**
 * Reads the body up to `limit` bytes. 'refuse': more than that is an error, found from Content-Length before
 * reading when the server sends one, else as soon as the stream passes it. 'truncate': keep the first bytes.
 * `sniff` looks once at the first OFX_SCAN_BYTES as soon as they are in: an error it returns stops the reading
 * there (a maintenance page that goes on for megabytes, or forever, is not read to the cap or the deadline).
 * The overall deadline reaches the body through the request's signal, so a body that trickles ends with it.
 */
async function readBody(
  response: Dispatcher.ResponseData,
  limit: number,
  host: string,
  overflow: 'refuse' | 'truncate',
  sniff?: (start: Uint8Array) => Error | null,
): Promise<Uint8Array> {
  const declared = Number(headerText(response.headers['content-length']) ?? NaN);
  if (overflow === 'refuse' && Number.isFinite(declared) && declared > limit) {
    abandon(response.body);
    throw new OfxResponseTooLargeError(host, limit);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    const buf = chunk as Buffer;
    if (total + buf.length > limit) {
      abandon(response.body);
      if (overflow === 'refuse') throw new OfxResponseTooLargeError(host, limit);
      chunks.push(buf.subarray(0, limit - total));
      total = limit;
      break;
    }
    chunks.push(buf);
    total += buf.length;
    if (sniff !== undefined && total >= OFX_SCAN_BYTES) {
      const refusal = sniff(Buffer.concat(chunks, total).subarray(0, OFX_SCAN_BYTES));
      if (refusal) {
        abandon(response.body);
        throw refusal;
      }
      sniff = undefined;
    }
  }
  const joined = Buffer.concat(chunks, total);
  return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
}

/** Stops reading and closes the connection; the stream's own abort error is expected and swallowed. */
function abandon(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function looksLikeOfx(bytes: Uint8Array): boolean {
  // latin1 keeps one character per byte, so no multi-byte sequence can hide or fake the tag.
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, OFX_SCAN_BYTES))
    .toString('latin1')
    .toUpperCase()
    .includes('<OFX');
}

interface ErrorContext {
  host: string;
  deadline: AbortSignal;
  callerSignal: AbortSignal | undefined;
  timeoutMs: number;
  connectTimeoutMs: number;
}

/** The codes of an error and its causes (undici and Node nest the socket's error in `cause`). */
function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

function translateError(err: unknown, ctx: ErrorContext): unknown {
  if (err instanceof OfxError) return err;
  // The caller's own abort wins: it is their decision, not a failure of the bank.
  if (ctx.callerSignal?.aborted) return ctx.callerSignal.reason;
  if (ctx.deadline.aborted) return new OfxTimeoutError('overall', ctx.host, ctx.timeoutMs);
  const codes = errorCodes(err);
  for (const code of codes) {
    const phase = TIMEOUT_CODES[code];
    if (phase) return new OfxTimeoutError(phase, ctx.host, phase === 'connect' ? ctx.connectTimeoutMs : ctx.timeoutMs);
  }
  const tls = codes.find((c) => TLS_CODES.has(c) || c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_'));
  if (tls) return new OfxTlsError(tls, ctx.host);
  const network = codes.find((c) => /^E[A-Z0-9]+$/.test(c) || c.startsWith('UND_ERR_'));
  if (network) return new OfxNetworkError(network, ctx.host);
  return err;
}
