/**
 * The bytes a bank receives: a real HTTP server on 127.0.0.1 keeps each request body exactly as it arrived,
 * and the tests look at those bytes (never at a re-parse, which would forgive a wrong charset both ways).
 * OFX 1.x requests declare CHARSET:1252, so ’ must arrive as 0x92 and € as 0x80; 2.x declares UTF-8.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRequest, type OfxVersion, type SignonFields } from '../../../core/ofx/build.ts';
import { OfxCharsetError } from '../../../core/ofx/charset.ts';
import { encodeOfx } from '../../../core/ofx/serialize.ts';
import { postOfx } from '../../../core/http/transport.ts';

const RESPONSE = 'OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:103\r\n\r\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>\r\n';
const servers: Server[] = [];

/** A server that answers every POST with a small OFX body and keeps the raw request bodies. */
async function capture(): Promise<{ url: string; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/x-ofx' });
      res.end(RESPONSE);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ofx`, bodies };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const signon = (over: Partial<SignonFields> = {}): SignonFields => ({
  userId: 'alice',
  password: 'p€ss',
  appId: 'QWIN',
  appVer: '2700',
  org: 'Café',
  fid: '1',
  answers: [{ id: 'MFA16', answer: 'O’Brien' }],
  ...over,
});

function build(version: OfxVersion, over: Partial<SignonFields> = {}): string {
  return buildRequest({ version, signon: signon(over), items: [{ kind: 'accounts' }] }, { now: new Date(Date.UTC(2026, 0, 5)) })
    .body;
}

/** Where `needle` (bytes) occurs in `haystack`, -1 when absent. */
const at = (haystack: Buffer, needle: number[] | string): number =>
  haystack.indexOf(typeof needle === 'string' ? Buffer.from(needle, 'ascii') : Buffer.from(needle));

describe('the bytes of a 1.x request (CHARSET:1252)', () => {
  it('sends ’ as 0x92, € as 0x80 and é as 0xE9, one byte per character', async () => {
    const { url, bodies } = await capture();
    const body = build('103');
    await postOfx(url, body);
    const [wire] = bodies;
    if (!wire) throw new Error('nothing arrived');
    expect(at(wire, 'CHARSET:1252\r\n')).toBeGreaterThan(0);
    expect(at(wire, [...Buffer.from('<USERPASS>p'), 0x80, ...Buffer.from('ss\r\n')])).toBeGreaterThan(0);
    expect(at(wire, [...Buffer.from('<MFAPHRASEA>O'), 0x92, ...Buffer.from('Brien\r\n')])).toBeGreaterThan(0);
    expect(at(wire, [...Buffer.from('<ORG>Caf'), 0xe9, 0x0d, 0x0a])).toBeGreaterThan(0);
    // Nothing went out as UTF-8: no E2 80 99 (’), E2 82 AC (€) or C3 A9 (é) anywhere.
    expect(at(wire, [0xe2, 0x80, 0x99])).toBe(-1);
    expect(at(wire, [0xe2, 0x82, 0xac])).toBe(-1);
    expect(at(wire, [0xc3, 0xa9])).toBe(-1);
    expect(wire.length).toBe(body.length);
  });

  it('carries every character 1252 has above 0x7F as its own byte', () => {
    // The 27 characters 1252 puts in 0x80..0x9F, then the Latin-1 range it shares.
    const high = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
    const bytes = [0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8e, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9e, 0x9f];
    const wire = Buffer.from(encodeOfx(build('103', { answers: [{ id: 'MFA1', answer: `${high} ÿ¡` }] })));
    expect(at(wire, [...Buffer.from('<MFAPHRASEA>'), ...bytes, 0x20, 0xff, 0xa1, 0x0d, 0x0a])).toBeGreaterThan(0);
  });
});

describe('the bytes of a plain-ASCII 1.x request', () => {
  it('are the character codes, byte for byte, exactly as iconv-lite writes them in 1252', async () => {
    // Plain ASCII skips iconv-lite (start-up, issue 7); the bytes must not differ for it.
    const ascii = Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(i)).join('');
    const text = `OFXHEADER:100\r\n${ascii}`;
    const iconv = (await import('iconv-lite')).default;
    expect([...encodeOfx(text)]).toEqual([...iconv.encode(text, 'windows-1252')]);
    expect([...encodeOfx(text)]).toEqual([...text].map((c) => c.charCodeAt(0)));
  });
});

describe('the bytes of a 2.x request (UTF-8)', () => {
  it('sends the same characters as UTF-8', async () => {
    const { url, bodies } = await capture();
    await postOfx(url, build('211'));
    const [wire] = bodies;
    if (!wire) throw new Error('nothing arrived');
    expect(at(wire, [...Buffer.from('<USERPASS>p'), 0xe2, 0x82, 0xac, ...Buffer.from('ss</USERPASS>')])).toBeGreaterThan(0);
    expect(at(wire, [...Buffer.from('<MFAPHRASEA>O'), 0xe2, 0x80, 0x99, ...Buffer.from('Brien</MFAPHRASEA>')])).toBeGreaterThan(0);
    expect(at(wire, [0x92])).toBe(-1);
  });

  it('carries characters 1252 lacks, such as ✓ and emoji', async () => {
    const { url, bodies } = await capture();
    await postOfx(url, build('211', { answers: [{ id: 'MFA16', answer: '✓😀' }] }));
    expect(at(bodies[0] as Buffer, [...Buffer.from('<MFAPHRASEA>'), 0xe2, 0x9c, 0x93, 0xf0, 0x9f, 0x98, 0x80])).toBeGreaterThan(0);
  });
});

describe('a character 1252 cannot carry, in a 1.x request', () => {
  const refusal = (over: Partial<SignonFields>): OfxCharsetError => {
    try {
      build('103', over);
    } catch (error) {
      if (error instanceof OfxCharsetError) return error;
      throw error;
    }
    throw new Error('expected OfxCharsetError');
  };

  it('is refused while building, naming the question and the character', () => {
    expect(refusal({ answers: [{ id: 'MFA16', answer: 'yes ✓' }] }).message).toBe(
      'the answer to MFA16 contains “✓” (U+2713), which OFX 1.x (CHARSET 1252) cannot carry',
    );
    expect(refusal({ answers: [{ id: 'SIMQ1', answer: 'Rex 🐕' }] }).message).toBe(
      'the answer to SIMQ1 contains “🐕” (U+1F415), which OFX 1.x (CHARSET 1252) cannot carry',
    );
    expect(refusal({ org: 'Bank Ω' }).message).toBe('ORG contains “Ω” (U+03A9), which OFX 1.x (CHARSET 1252) cannot carry');
    // Undefined in 1252 although Latin-1 has it (a C1 control): refused, not sent as a byte the bank reads otherwise.
    expect(refusal({ userId: 'al\u0081ice' }).message).toMatch(/^the user ID contains .*\(U\+0081\)/);
  });

  it('names a secret field without any character of its value', () => {
    const password = 'hunter✓2';
    const error = refusal({ password });
    expect(error.message).toBe(
      'the password contains a character that OFX 1.x (CHARSET 1252) cannot carry; the bank could never receive it as typed',
    );
    expect(error.character).toBeNull();
    for (const [field, name] of [
      ['userCred1', 'USERCRED1'],
      ['userCred2', 'USERCRED2'],
      ['authToken', 'the authentication token'],
      ['accessKey', 'the access key'],
    ] as const) {
      const e = refusal({ [field]: 'kéy✓' });
      expect(e.message.startsWith(`${name} contains a character`)).toBe(true);
      expect(e.message).not.toMatch(/✓|kéy/);
    }
  });

  it('never reaches the network, even for a text built by hand', async () => {
    const { url, bodies } = await capture();
    const text = build('103').replace('O’Brien', 'O✓Brien');
    expect(() => encodeOfx(text)).toThrow(OfxCharsetError);
    const error = await postOfx(url, text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OfxCharsetError);
    expect((error as Error).message).not.toContain('O✓Brien');
    expect(bodies).toHaveLength(0);
  });
});
