/**
 * What can go wrong talking to a bank's OFX server, one class per thing a caller handles differently.
 * Messages are one line, name the host (never the full URL, which may carry credentials) and never include
 * the request body, which holds the password.
 */
import { OfxError } from '../errors.ts';

export type HttpErrorKind =
  | 'timeout'
  | 'tls'
  | 'http-status'
  | 'too-large'
  | 'not-ofx'
  | 'network'
  | 'insecure-url'
  | 'redirect';

/** Which wait ran out: opening the connection, the response headers, the response body, or the whole exchange. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'overall';

export class OfxTimeoutError extends OfxError {
  override name = 'OfxTimeoutError';
  readonly kind = 'timeout' as const;
  constructor(
    readonly phase: TimeoutPhase,
    readonly host: string,
    readonly timeoutMs: number,
  ) {
    const what = {
      connect: 'connecting to',
      headers: 'waiting for an answer from',
      body: 'reading the answer from',
      overall: 'talking to',
    }[phase];
    super(`timed out ${what} ${host} (limit ${timeoutMs} ms); the bank may be down or slow, try again later`);
  }
}

export class OfxTlsError extends OfxError {
  override name = 'OfxTlsError';
  readonly kind = 'tls' as const;
  constructor(
    readonly code: string,
    readonly host: string,
  ) {
    super(`secure connection to ${host} failed (${code}): its certificate is not trusted; check the OFX URL`);
  }
}

export class OfxHttpStatusError extends OfxError {
  override name = 'OfxHttpStatusError';
  readonly kind = 'http-status' as const;
  constructor(
    readonly status: number,
    readonly host: string,
    /** Start of the response body, control characters removed, secrets of the request redacted, ≤ 200 chars. */
    readonly excerpt: string,
  ) {
    super(`${host} answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`);
  }
}

export class OfxResponseTooLargeError extends OfxError {
  override name = 'OfxResponseTooLargeError';
  readonly kind = 'too-large' as const;
  constructor(
    readonly host: string,
    readonly limitBytes: number,
  ) {
    super(`the answer from ${host} is larger than ${limitBytes} bytes; refusing to read it`);
  }
}

export class OfxNotOfxError extends OfxError {
  override name = 'OfxNotOfxError';
  readonly kind = 'not-ofx' as const;
  constructor(
    readonly host: string,
    readonly contentType: string | null,
    readonly excerpt: string,
  ) {
    super(
      `the answer from ${host} is not OFX (content type ${contentType ?? 'none'}); check the OFX URL` +
        (excerpt ? `: ${excerpt}` : ''),
    );
  }
}

export class OfxNetworkError extends OfxError {
  override name = 'OfxNetworkError';
  readonly kind = 'network' as const;
  constructor(
    readonly code: string,
    readonly host: string,
  ) {
    super(`could not talk to ${host}: ${describeNetworkCode(code)} (${code})`);
  }
}

export class OfxInsecureUrlError extends OfxError {
  override name = 'OfxInsecureUrlError';
  readonly kind = 'insecure-url' as const;
  constructor(readonly host: string) {
    super(`refusing plain http to ${host}: the request carries your password, use an https:// OFX URL`);
  }
}

export class OfxRedirectError extends OfxError {
  override name = 'OfxRedirectError';
  readonly kind = 'redirect' as const;
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`not following the redirect from ${host}: ${reason}`);
  }
}

export type OfxHttpError =
  | OfxTimeoutError
  | OfxTlsError
  | OfxHttpStatusError
  | OfxResponseTooLargeError
  | OfxNotOfxError
  | OfxNetworkError
  | OfxInsecureUrlError
  | OfxRedirectError;

function describeNetworkCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return 'the connection was closed by the other side';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      // The server announced a length and closed the connection before sending it all: a cut-off answer.
      return 'the answer was cut off before its end; try again later';
    default:
      return 'network error';
  }
}
