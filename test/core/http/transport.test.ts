import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OfxError } from '../../../core/errors.ts';
import {
  OfxHttpStatusError,
  OfxInsecureUrlError,
  OfxNetworkError,
  OfxNotOfxError,
  OfxRedirectError,
  OfxResponseTooLargeError,
  OfxTimeoutError,
  OfxTlsError,
} from '../../../core/http/errors.ts';
import { DEFAULT_USER_AGENT, postOfx } from '../../../core/http/transport.ts';
import { isLoopbackHost } from '../../../core/http/url.ts';

const PASSWORD = 'Hunter2-S3cret&Pa55';
const ANSWER = 'Fluffy-the-first-pet';
const REQUEST = [
  'OFXHEADER:100',
  'DATA:OFXSGML',
  'VERSION:103',
  '',
  '<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>20261005170000.000[+0:UTC]<USERID>alice',
  `<USERPASS>${PASSWORD.replace('&', '&amp;')}`,
  '<LANGUAGE>ENG<APPID>QWIN<APPVER>2700',
  `<MFACHALLENGEA><MFAPHRASEID>MFA6<MFAPHRASEA>${ANSWER}</MFACHALLENGEA>`,
  '</SONRQ></SIGNONMSGSRQV1></OFX>',
].join('\r\n');
const RESPONSE = 'OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:103\r\n\r\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>\r\n';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A real HTTP server on 127.0.0.1, port 0, recording every request it gets. */
async function serve(handler: Handler): Promise<{ base: string; host: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  const host = await listen(server);
  return { base: `http://${host}`, host, received };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

function expectNoSecrets(err: Error): void {
  for (const text of [err.message, String(err), err.stack ?? '', JSON.stringify(err)]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(PASSWORD.replace('&', '&amp;'));
    expect(text).not.toContain(ANSWER);
  }
}

describe('postOfx', () => {
  it('POSTs the body with the OFX headers and returns the answer bytes', async () => {
    const { base, received } = await serve((_req, res) => {
      res.setHeader('content-type', 'application/x-ofx');
      res.end(RESPONSE);
    });
    const bytes = await postOfx(`${base}/ofx`, REQUEST);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).toString('utf8')).toBe(RESPONSE);
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got?.method).toBe('POST');
    expect(got?.url).toBe('/ofx');
    expect(got?.body).toBe(REQUEST);
    expect(got?.headers['content-type']).toBe('application/x-ofx');
    expect(got?.headers.accept).toBe('application/x-ofx, application/xml;q=0.9, */*;q=0.1');
    expect(got?.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(/^ofx-mfa\/\S+ \(\+node v\d+/);
  });

  it('sends a custom User-Agent', async () => {
    const { base, received } = await serve((_req, res) => res.end(RESPONSE));
    await postOfx(base, REQUEST, { userAgent: 'Quicken/2700' });
    expect(received[0]?.headers['user-agent']).toBe('Quicken/2700');
  });

  it('turns an HTTP error into OfxHttpStatusError with a short, one-line excerpt', async () => {
    const { base } = await serve((_req, res) => {
      res.statusCode = 500;
      res.setHeader('content-type', 'text/html');
      res.end(`<html><body>\n<h1>Internal error</h1>\r\n<p>${'please try later '.repeat(40)}</p></body></html>`);
    });
    const err = await failure(postOfx(base, REQUEST));
    expect(err).toBeInstanceOf(OfxHttpStatusError);
    expect(err).toBeInstanceOf(OfxError);
    const status = err as OfxHttpStatusError;
    expect(status.kind).toBe('http-status');
    expect(status.status).toBe(500);
    expect(status.excerpt.startsWith('Internal error please try later')).toBe(true);
    expect(status.excerpt.length).toBeLessThanOrEqual(200);
    expect(status.excerpt).not.toMatch(/[\r\n<>]/);
    expect(status.message).toContain('HTTP 500');
    expect(status.message).not.toContain('\n');
  });

  it('redacts the request secrets when a server echoes the request in an error page', async () => {
    const { base } = await serve((_req, res, body) => {
      res.statusCode = 400;
      res.end(`bad request: ${body}`);
    });
    const err = await failure(postOfx(base, REQUEST));
    expect(err).toBeInstanceOf(OfxHttpStatusError);
    expect((err as OfxHttpStatusError).excerpt).toContain('***');
    expectNoSecrets(err);
  });

  it('gives up on a server that never answers with OfxTimeoutError', async () => {
    const { base } = await serve(() => {
      /* never answers */
    });
    const err = await failure(postOfx(base, REQUEST, { timeoutMs: 300 }));
    expect(err).toBeInstanceOf(OfxTimeoutError);
    expect((err as OfxTimeoutError).kind).toBe('timeout');
    expect(['headers', 'overall']).toContain((err as OfxTimeoutError).phase);
    expectNoSecrets(err);
  });

  it('gives up on a body that stalls half way with OfxTimeoutError', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ofx' });
      res.write('OFXHEADER:100\r\n');
    });
    const err = await failure(postOfx(base, REQUEST, { timeoutMs: 300 }));
    expect(err).toBeInstanceOf(OfxTimeoutError);
  });

  it('reports a connection reset as OfxNetworkError', async () => {
    const { base } = await serve((req) => req.socket.destroy());
    const err = await failure(postOfx(base, REQUEST));
    expect(err).toBeInstanceOf(OfxNetworkError);
    expect((err as OfxNetworkError).kind).toBe('network');
    expect((err as OfxNetworkError).code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET|EPIPE)$/);
    expectNoSecrets(err);
  });

  it('reports a refused connection as OfxNetworkError with ECONNREFUSED', async () => {
    const server = createServer();
    const host = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    const err = await failure(postOfx(`http://${host}/`, REQUEST));
    expect(err).toBeInstanceOf(OfxNetworkError);
    expect((err as OfxNetworkError).code).toBe('ECONNREFUSED');
    expectNoSecrets(err);
  });

  it('refuses an answer whose Content-Length is over the cap without reading it', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.end(Buffer.alloc(5000, 'x'));
    });
    const err = await failure(postOfx(base, REQUEST, { maxResponseBytes: 1000 }));
    expect(err).toBeInstanceOf(OfxResponseTooLargeError);
    expect((err as OfxResponseTooLargeError).limitBytes).toBe(1000);
  });

  it('stops reading a streamed answer once it passes the cap', async () => {
    let finished = false;
    let closedEarly: Promise<void> = Promise.resolve();
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ofx' });
      closedEarly = new Promise((resolve) => res.on('close', () => resolve()));
      res.on('finish', () => {
        finished = true;
      });
      // An OFX start (so the not-OFX cut-off does not end it first), then up to 64 MiB written as fast as the
      // client reads; the client must hang up long before that.
      res.write('OFXHEADER:100\r\n\r\n<OFX>');
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (res.destroyed) return;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const err = await failure(postOfx(base, REQUEST, { maxResponseBytes: 256 * 1024 }));
    expect(err).toBeInstanceOf(OfxResponseTooLargeError);
    await closedEarly;
    expect(finished).toBe(false);
  });

  it('accepts an answer of exactly the cap', async () => {
    const body = RESPONSE.padEnd(1000, ' ');
    const { base } = await serve((_req, res) => res.end(body));
    const bytes = await postOfx(base, REQUEST, { maxResponseBytes: 1000 });
    expect(bytes.byteLength).toBe(1000);
  });

  it('rejects a 200 answer that is not OFX', async () => {
    const { base } = await serve((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<html><body>Please log in</body></html>');
    });
    const err = await failure(postOfx(base, REQUEST));
    expect(err).toBeInstanceOf(OfxNotOfxError);
    expect((err as OfxNotOfxError).kind).toBe('not-ofx');
    expect((err as OfxNotOfxError).contentType).toBe('text/html');
    expect(err.message).toContain('Please log in');
  });

  it('finds <ofx case-insensitively after the header', async () => {
    const { base } = await serve((_req, res) => res.end('OFXHEADER:100\n\n<ofx>\n</ofx>'));
    await expect(postOfx(base, REQUEST)).resolves.toBeInstanceOf(Uint8Array);
  });

  it('refuses plain http to a non-loopback host before connecting', async () => {
    // .invalid never resolves: a network attempt would surface as OfxNetworkError, not this.
    const err = await failure(postOfx('http://bank.example.invalid/ofx', REQUEST));
    expect(err).toBeInstanceOf(OfxInsecureUrlError);
    expect((err as OfxInsecureUrlError).kind).toBe('insecure-url');
    expect(err.message).toContain('bank.example.invalid');
    expectNoSecrets(err);
  });

  it('rejects garbage and non-http URLs with OfxError without echoing them', async () => {
    const garbage = await failure(postOfx('not a url user:pw', REQUEST));
    expect(garbage).toBeInstanceOf(OfxError);
    expect(garbage.message).not.toContain('user:pw');
    await expect(postOfx('ftp://bank.example.invalid/ofx', REQUEST)).rejects.toBeInstanceOf(OfxError);
  });

  it('refuses a redirect to another host', async () => {
    const { base, received } = await serve((_req, res) => {
      const port = (_req.socket.localPort ?? 0).toString();
      res.writeHead(302, { location: `http://localhost:${port}/elsewhere` });
      res.end();
    });
    const err = await failure(postOfx(base, REQUEST));
    expect(err).toBeInstanceOf(OfxRedirectError);
    expect((err as OfxRedirectError).kind).toBe('redirect');
    expect(err.message).toContain('another host');
    expect(received).toHaveLength(1);
    expectNoSecrets(err);
  });

  it('follows a same-host redirect, POSTing the body again (307 and 301)', async () => {
    const { base, received } = await serve((req, res) => {
      if (req.url === '/old') res.writeHead(307, { location: '/moved' }).end();
      else if (req.url === '/moved') res.writeHead(301, { location: `${base}/ofx` }).end();
      else res.end(RESPONSE);
    });
    const bytes = await postOfx(`${base}/old`, REQUEST);
    expect(Buffer.from(bytes).toString('utf8')).toBe(RESPONSE);
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /old', 'POST /moved', 'POST /ofx']);
    expect(received.every((r) => r.body === REQUEST)).toBe(true);
  });

  it('stops after three redirects', async () => {
    const { base, received } = await serve((req, res) => {
      const n = Number(req.url?.slice(1) ?? '0');
      res.writeHead(308, { location: `/${n + 1}` }).end();
    });
    const err = await failure(postOfx(`${base}/0`, REQUEST));
    expect(err).toBeInstanceOf(OfxRedirectError);
    expect(received).toHaveLength(4);
  });

  it("rethrows the caller's abort reason", async () => {
    const { base } = await serve(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const pending = postOfx(base, REQUEST, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it('maps an untrusted certificate to OfxTlsError', async () => {
    const server = createTlsServer({ key: TEST_KEY, cert: TEST_CERT }, (_req, res) => res.end(RESPONSE));
    const host = await listen(server);
    const err = await failure(postOfx(`https://${host}/ofx`, REQUEST));
    expect(err).toBeInstanceOf(OfxTlsError);
    expect((err as OfxTlsError).kind).toBe('tls');
    // Self-signed (or, on a machine whose clock is behind, not yet valid): either way a certificate problem.
    expect((err as OfxTlsError).code).toMatch(/^(DEPTH_ZERO_SELF_SIGNED_CERT|CERT_NOT_YET_VALID)$/);
    expectNoSecrets(err);
  });
});

describe('isLoopbackHost', () => {
  it('knows localhost, 127.0.0.0/8 and ::1', () => {
    for (const url of ['http://localhost/', 'http://127.0.0.1/', 'http://127.8.9.10:8080/', 'http://[::1]:99/', 'http://127.1/']) {
      expect(isLoopbackHost(new URL(url).hostname)).toBe(true);
    }
    for (const url of ['http://128.0.0.1/', 'http://localhost.example.com/', 'http://[::2]/', 'http://10.0.0.1/']) {
      expect(isLoopbackHost(new URL(url).hostname)).toBe(false);
    }
  });
});

// A self-signed test certificate for 127.0.0.1/localhost (valid until 2126), used only to provoke a TLS error.
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRJLDtgrrm6PTQzmj
jz+kiw+TCVZHW5cCx5DfCDzt0eWhRANCAAT117gm9Z79vuQG5Zu4AeMthQuB1LxZ
ESAm5JWtgMkkvopS7DRjau8elQdURYo8Mt++QRxPqeNxA7oy5bAUhYAt
-----END PRIVATE KEY-----
`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUbdDL4awRbVN1hdzxrMtKS8GaLdQwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjEzMDg0OFoYDzIxMjYxMDI5
MTMwODQ4WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT117gm9Z79vuQG5Zu4AeMthQuB1LxZESAm5JWtgMkkvopS7DRjau8e
lQdURYo8Mt++QRxPqeNxA7oy5bAUhYAto28wbTAdBgNVHQ4EFgQUfT7YJhZiTNS5
pqIxVNQMoP/W/rYwHwYDVR0jBBgwFoAUfT7YJhZiTNS5pqIxVNQMoP/W/rYwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSQAwRgIhAMVRWmI8Dt+yFK6iAQxYkVAehwckMCbdN83zSg/o6WMVAiEA
5A8B0/OTB/XuSKWY0HGTke9zEA7QohIALPh96CjOAvk=
-----END CERTIFICATE-----
`;
