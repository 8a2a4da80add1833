/**
 * What postOfx refuses to follow or read (issues 7 and 10): redirects that leave the host, port or scheme, URLs
 * that carry credentials, answers of a type that is never OFX, non-OFX bodies however they are labelled, and
 * bodies that trickle or never end. Real servers on 127.0.0.1, port 0.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OfxError } from '../../../core/errors.ts';
import { OfxNotOfxError, OfxRedirectError, OfxTimeoutError } from '../../../core/http/errors.ts';
import { redirectTarget } from '../../../core/http/redirect.ts';
import { postOfx } from '../../../core/http/transport.ts';
import { checkOfxUrl } from '../../../core/http/url.ts';

const REQUEST = 'OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:103\r\n\r\n<OFX><SIGNONMSGSRQV1><SONRQ><USERPASS>s3cret</SONRQ></SIGNONMSGSRQV1></OFX>';
const RESPONSE = 'OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:103\r\n\r\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>\r\n';

const servers: Server[] = [];
const timers: NodeJS.Timeout[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ base: string; port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    req.resume();
    req.on('end', () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, port, hits: () => hits };
}

afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
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

describe('redirects', () => {
  it('refuses one to another port of the same host, and never contacts it', async () => {
    const other = await serve((_req, res) => res.end(RESPONSE));
    const { base } = await serve((_req, res) => res.writeHead(307, { location: `http://127.0.0.1:${other.port}/ofx` }).end());
    const err = await failure(postOfx(`${base}/ofx`, REQUEST));
    expect(err).toBeInstanceOf(OfxRedirectError);
    expect(err.message).toBe(`not following the redirect from ${new URL(base).host}: it points to another port (127.0.0.1:${other.port})`);
    expect(other.hits()).toBe(0);
  });

  it('decides by scheme, host and port: no downgrade, no other host or port, no credentials', () => {
    const from = new URL('https://ofx.bank.example/ofx');
    expect(redirectTarget(from, '/v2/ofx').href).toBe('https://ofx.bank.example/v2/ofx');
    expect(redirectTarget(from, 'https://OFX.bank.example:443/x').href).toBe('https://ofx.bank.example/x');
    expect(() => redirectTarget(from, 'http://ofx.bank.example/ofx')).toThrow(/it leaves https/);
    expect(() => redirectTarget(from, 'https://ofx.bank.example:8443/ofx')).toThrow(/another port \(ofx\.bank\.example:8443\)/);
    expect(() => redirectTarget(from, 'https://evil.example/ofx')).toThrow(/another host \(evil\.example\)/);
    expect(() => redirectTarget(from, 'https://u:p@ofx.bank.example/ofx')).toThrow(OfxError);
    expect(() => redirectTarget(from, 'https://u:p@ofx.bank.example/ofx')).not.toThrow(/u:p/);
    expect(() => redirectTarget(from, undefined)).toThrow(/no Location/);
    // Loopback http may move to https on the same port (an upgrade), never the other way.
    expect(redirectTarget(new URL('http://127.0.0.1:8642/ofx'), 'https://127.0.0.1:8642/ofx').protocol).toBe('https:');
  });
});

describe('URLs with credentials in them', () => {
  it('are refused in one line that does not echo them', () => {
    for (const url of ['https://alice:hunter2@ofx.bank.example/ofx', 'https://alice@ofx.bank.example/ofx', 'http://:hunter2@127.0.0.1:1/ofx']) {
      let message = '';
      try {
        checkOfxUrl(url);
      } catch (error) {
        expect(error).toBeInstanceOf(OfxError);
        message = (error as Error).message;
      }
      expect(message).toBe('the OFX URL carries a user name or password (user:password@); remove it: the sign-on carries the credentials');
      expect(message).not.toMatch(/alice|hunter2/);
    }
  });

  it('never reach the network', async () => {
    const { port, hits } = await serve((_req, res) => res.end(RESPONSE));
    await expect(postOfx(`http://u:p@127.0.0.1:${port}/ofx`, REQUEST)).rejects.toBeInstanceOf(OfxError);
    expect(hits()).toBe(0);
  });
});

describe('what an answer is', () => {
  it('refuses a type that is never OFX (image/*, audio/*, video/*) from its headers, without reading the body', async () => {
    for (const type of ['image/png', 'video/mp4', 'audio/mpeg']) {
      const { base } = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': type });
        res.write(RESPONSE); // even an OFX-looking start: the type says it is something else
        timers.push(setInterval(() => res.write('x'), 20)); // and a body that would never end
      });
      const err = await failure(postOfx(base, REQUEST, { timeoutMs: 5_000 }));
      expect(err).toBeInstanceOf(OfxNotOfxError);
      expect(err.message).toBe(`the answer from ${new URL(base).host} is not OFX (content type ${type}); check the OFX URL`);
    }
  });

  it('reads real OFX sent as text/plain, application/octet-stream, text/html or with no type at all', async () => {
    for (const type of ['text/plain', 'application/octet-stream', 'text/html; charset=utf-8', null]) {
      const { base } = await serve((_req, res) => {
        if (type) res.setHeader('content-type', type);
        res.end(RESPONSE);
      });
      expect(Buffer.from(await postOfx(base, REQUEST)).toString('latin1')).toBe(RESPONSE);
    }
  });

  it('cuts off a non-OFX body once its first 64 KiB show no <OFX, whatever its type says', async () => {
    let written = 0;
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ofx' });
      const page = Buffer.from('<html><body>maintenance</body></html>'.padEnd(16 * 1024, ' '));
      // An endless HTML page: the client must stop at the start, not at the 32 MiB cap or the deadline.
      timers.push(
        setInterval(() => {
          if (!res.destroyed) {
            res.write(page);
            written += page.length;
          }
        }, 5),
      );
    });
    const err = await failure(postOfx(base, REQUEST, { timeoutMs: 20_000 }));
    expect(err).toBeInstanceOf(OfxNotOfxError);
    expect(err.message).toMatch(/is not OFX \(content type application\/x-ofx\); check the OFX URL: maintenance/);
    expect(written).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('bodies that never end', () => {
  it('stops a body that trickles a byte at a time at the overall deadline', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ofx' });
      res.write('OFXHEADER:100\r\n\r\n<OFX>');
      timers.push(setInterval(() => res.write(' '), 20)); // never idle long enough for a body timeout
    });
    const started = Date.now();
    const err = await failure(postOfx(base, REQUEST, { timeoutMs: 600 }));
    expect(err).toBeInstanceOf(OfxTimeoutError);
    expect((err as OfxTimeoutError).phase).toBe('overall');
    expect(err.message).toMatch(/^timed out talking to 127\.0\.0\.1:\d+ \(limit 600 ms\)/);
    expect(Date.now() - started).toBeLessThan(10_000); // a loose bound: the point is that it ends at all
  });

  it('stops a redirect whose body trickles forever at the overall deadline', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(302, { location: '/next' });
      timers.push(setInterval(() => res.write(' '), 20));
    });
    const err = await failure(postOfx(base, REQUEST, { timeoutMs: 600 }));
    expect(err).toBeInstanceOf(OfxTimeoutError);
  });
});
