/**
 * The XML declaration's encoding against the bytes (issue 10): a BOM, or its absence, decides. A file that
 * says encoding="utf-16" but whose bytes are plain UTF-8 (seen in real downloads) reads as the bytes are; real
 * UTF-16 files, with a BOM (LE and BE) or recognisably without one (`<?` as 3C 00 3F 00), read as UTF-16.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCharset } from '../../../core/ofx/decode.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';

const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, '../../fixtures/ofx', name));
const MESSAGE = 'Café Crème – ’ok’';

describe('encoding="utf-16" in the XML declaration', () => {
  it('reads UTF-8 bytes without a BOM as UTF-8, whatever the declaration says', () => {
    const bytes = fixture('utf16-declared-utf8-bytes.ofx');
    expect(detectCharset(bytes)).toEqual({ charset: 'utf-8', bomLength: 0 });
    const parsed = parseOfx(bytes);
    expect(parsed.header).toMatchObject({ version: '211', format: 'xml' });
    expect(parsed.signon?.status).toEqual({ code: 0, severity: 'INFO', message: MESSAGE });
    expect(parsed.signon?.language).toBe('FRA');
  });

  it('reads real UTF-16 with a BOM, little- and big-endian', () => {
    for (const [name, charset] of [
      ['utf16le-bom.ofx', 'utf-16le'],
      ['utf16be-bom.ofx', 'utf-16be'],
    ] as const) {
      const bytes = fixture(name);
      expect(detectCharset(bytes)).toEqual({ charset, bomLength: 2 });
      expect(parseOfx(bytes).signon?.status.message).toBe(MESSAGE);
    }
  });

  it('reads UTF-16 without a BOM when its first bytes can only be UTF-16 (<? as 3C 00 3F 00)', () => {
    const bytes = fixture('utf16le-no-bom.ofx');
    expect(detectCharset(bytes)).toEqual({ charset: 'utf-16le', bomLength: 0 });
    expect(parseOfx(bytes).signon?.status.message).toBe(MESSAGE);
    const be = Buffer.from(bytes).swap16();
    expect(detectCharset(be)).toEqual({ charset: 'utf-16be', bomLength: 0 });
    expect(parseOfx(be).signon?.status.message).toBe(MESSAGE);
  });

  it('still falls back to 1252 for single-byte text that is not UTF-8', () => {
    const text = fixture('utf16-declared-utf8-bytes.ofx').toString('utf8').replace(MESSAGE, 'Zürich');
    const bytes = Buffer.from(text, 'latin1');
    expect(parseOfx(bytes).signon?.status.message).toBe('Zürich');
  });
});
