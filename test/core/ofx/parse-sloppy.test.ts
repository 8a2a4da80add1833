import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OfxParseError } from '../../../core/errors.ts';
import { parseOfx } from '../../../core/ofx/parse.ts';
import { pathNode, pathText } from '../../../core/ofx/tree.ts';
import { tokenizeOfx } from '../../../core/ofx/tokenizer.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/ofx');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

const SIGNON_BODY =
  '<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260105120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1></OFX>';

describe('headers as real servers write them', () => {
  it('reads header lines with extra spaces around keys, colons and values', () => {
    const parsed = parseOfx(fixture('header-extra-spaces.ofx'));
    expect(parsed.header).toMatchObject({ version: '102', format: 'sgml' });
    expect(parsed.header.fields).toMatchObject({ OFXHEADER: '100', DATA: 'OFXSGML', CHARSET: '1252', NEWFILEUID: 'NONE' });
    expect(parsed.signon?.status.code).toBe(0);
  });

  it('reads missing and reordered header lines, LF only, with no blank line before <OFX>', () => {
    const parsed = parseOfx(fixture('header-missing-reordered-lines.ofx'));
    expect(parsed.header).toMatchObject({ version: '103', format: 'sgml' });
    expect(parsed.header.fields).toEqual({ OFXHEADER: '100', VERSION: '103', DATA: 'OFXSGML' });
    expect(parsed.signon?.language).toBe('ENG');
  });

  it('reads a header whose last line runs straight into <OFX>', () => {
    const parsed = parseOfx(fixture('header-same-line-as-ofx.ofx'));
    expect(parsed.header.fields.NEWFILEUID).toBe('NONE');
    expect(parsed.signon?.serverTime).toBe('2026-01-05T12:00:00.000Z');
  });

  it('guesses the format of files with no header at all', () => {
    expect(parseOfx(fixture('no-header-sgml.ofx')).header).toEqual({ version: '102', format: 'sgml', fields: {} });
    expect(parseOfx(fixture('no-header-xml.ofx')).header).toEqual({ version: '200', format: 'xml', fields: {} });
  });

  it('reads the OFX processing instruction with attributes in any order and either quote', () => {
    const parsed = parseOfx(fixture('xml-multiple-statements.ofx'));
    expect(parsed.header).toMatchObject({ version: '211', format: 'xml' });
    expect(parsed.header.fields).toMatchObject({ SECURITY: 'NONE', OFXHEADER: '200' });
  });

  it('drops a UTF-8 byte order mark, as bytes or as text', () => {
    const text = `OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n${SIGNON_BODY}`;
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(parseOfx(bytes).header.version).toBe('102');
    expect(parseOfx(`\ufeff${text}`).header.fields.OFXHEADER).toBe('100');
  });
});

describe('charsets', () => {
  const sgml = (charsetLines: string, name: Buffer): Buffer =>
    Buffer.concat([
      Buffer.from(`OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n${charsetLines}\r\n\r\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO<MESSAGE>`),
      name,
      Buffer.from('</STATUS><DTSERVER>20260105<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1></OFX>'),
    ]);
  const message = (bytes: Buffer): string | null | undefined => parseOfx(bytes).signon?.status.message;

  it('decodes CHARSET:1252 bytes (é = 0xE9, € = 0x80)', () => {
    expect(message(sgml('ENCODING:USASCII\r\nCHARSET:1252', Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80])))).toBe('Café €');
  });

  it('reads 1252 bytes in a file that claims USASCII without a CHARSET', () => {
    expect(message(sgml('ENCODING:USASCII', Buffer.from([0x4e, 0x6f, 0xeb, 0x6c])))).toBe('Noël');
  });

  it('decodes ENCODING:UTF-8, and falls back to 1252 when the bytes are not UTF-8', () => {
    expect(message(sgml('ENCODING:UTF-8\r\nCHARSET:NONE', Buffer.from('Café ✓')))).toBe('Café ✓');
    expect(message(sgml('ENCODING:UTF-8\r\nCHARSET:NONE', Buffer.from([0x43, 0x61, 0x66, 0xe9])))).toBe('Café');
  });

  it('decodes CHARSET:ISO-8859-1 as latin1', () => {
    expect(message(sgml('ENCODING:USASCII\r\nCHARSET:ISO-8859-1', Buffer.from([0xc5, 0x6c, 0x61, 0x6e, 0x64])))).toBe('Åland');
  });

  it('follows the XML declaration encoding', () => {
    const xml = (encoding: string, name: Buffer): Buffer =>
      Buffer.concat([
        Buffer.from(`<?xml version="1.0" encoding="${encoding}"?><?OFX OFXHEADER="200" VERSION="211"?><OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY><MESSAGE>`),
        name,
        Buffer.from('</MESSAGE></STATUS><DTSERVER>20260105</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1></OFX>'),
      ]);
    expect(message(xml('UTF-8', Buffer.from('Zürich')))).toBe('Zürich');
    expect(message(xml('windows-1252', Buffer.from([0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68])))).toBe('Zürich');
  });
});

describe('SGML bodies', () => {
  const parsed = parseOfx(fixture('sgml-sloppy-statement.ofx'));
  const statement = parsed.statements[0];

  it('keeps unescaped & literal and decodes only real entity references', () => {
    expect(parsed.signon?.fi?.org).toBe('AT&T Credit Union');
    expect(parsed.signon?.status.message).toBe("Tom & Jerry's bank");
    expect(statement?.transactions[0]?.name).toBe('AT&T');
    expect(statement?.transactions[0]?.memo).toBe('Procter & Gamble <ref> AB &nbsp;');
  });

  it('reads empty elements as empty leaves, and unclosed empty ones as leaves followed by their siblings', () => {
    expect(pathNode(parsed.root, 'SIGNONMSGSRSV1', 'SONRS', 'LANGUAGE')).toEqual({ name: 'LANGUAGE', value: '' });
    expect(parsed.signon?.language).toBeNull();
    // <MEMO><NAME>Landlord</STMTTRN>: MEMO is empty and NAME still belongs to the transaction.
    expect(statement?.transactions[2]).toMatchObject({ memo: null, name: 'Landlord', checkNumber: '1001' });
    // <MEMO></STMTTRN> right before the end tag of its parent.
    expect(statement?.transactions[1]).toMatchObject({ memo: null, name: 'Employer Inc' });
  });

  it('keeps dotted extension tags as ordinary elements', () => {
    expect(pathText(parsed.root, 'SIGNONMSGSRSV1', 'SONRS', 'INTU.BID')).toBe('01234');
    expect(pathText(parsed.root, 'SIGNONMSGSRSV1', 'SONRS', 'START.TIME')).toBe('20260105170000');
  });

  it('treats text followed by elements as a leaf whose followers are siblings', () => {
    const [ofx] = tokenizeOfx('<OFX><A>text<B>1</B></A><C>2</C></OFX>');
    expect(ofx).toEqual({ name: 'OFX', children: [{ name: 'A', value: 'text' }, { name: 'B', value: '1' }, { name: 'C', value: '2' }] });
  });

  it('closes leaves and aggregates implicitly when an outer element closes', () => {
    const [ofx] = tokenizeOfx('<OFX><STMTRS><CURDEF>CAD<BANKACCTFROM><ACCTID>1</BANKACCTFROM></STMTRS></OFX>');
    expect(ofx).toEqual({
      name: 'OFX',
      children: [{ name: 'STMTRS', children: [{ name: 'CURDEF', value: 'CAD' }, { name: 'BANKACCTFROM', children: [{ name: 'ACCTID', value: '1' }] }] }],
    });
  });

  it('keeps an aggregate the bank forgot to close (Nubank leaves BANKTRANLIST open)', () => {
    const [ofx] = tokenizeOfx(
      '<OFX><CCSTMTRS><BANKTRANLIST><DTSTART>20260101<STMTTRN><FITID>1</STMTTRN><STMTTRN><FITID>2</STMTTRN><LEDGERBAL><BALAMT>1</LEDGERBAL></CCSTMTRS></OFX>',
    );
    const list = pathNode(ofx, 'CCSTMTRS', 'BANKTRANLIST');
    expect(list?.children?.map((c) => c.name)).toEqual(['DTSTART', 'STMTTRN', 'STMTTRN', 'LEDGERBAL']);
  });

  it('upper-cases lower-case tag names and accepts self-closing empty elements', () => {
    const [ofx] = tokenizeOfx('<ofx><Code>0</Code><MEMO/></ofx>');
    expect(ofx).toEqual({ name: 'OFX', children: [{ name: 'CODE', value: '0' }, { name: 'MEMO', value: '' }] });
  });
});

describe('XML bodies', () => {
  it('reads closed leaves, CDATA and comments', () => {
    const parsed = parseOfx(fixture('xml-multiple-statements.ofx'));
    expect(parsed.statements[0]?.transactions[0]?.name).toBe('Café & <Co>');
    expect(parsed.signon).toMatchObject({ accessKey: 'key-123', sessionCookie: 'cookie-1' });
  });

  it('refuses document type and entity declarations without expanding anything', () => {
    const doctype = '<?xml version="1.0"?><!DOCTYPE OFX [<!ENTITY x "boom">]><OFX><A>&x;</A></OFX>';
    expect(() => parseOfx(doctype)).toThrow(OfxParseError);
    expect(() => parseOfx(doctype)).toThrow(/DOCTYPE/);
    expect(() => parseOfx('<OFX><!ENTITY x "y"><A>1</A></OFX>')).toThrow(/ENTITY/);
  });
});

describe('documents that are not OFX', () => {
  it('rejects HTML, empty input and plain text with a one-line OfxParseError', () => {
    for (const input of [fixture('not-ofx.html'), '', 'hello world', new Uint8Array([0xff, 0x00, 0x41])]) {
      let error: unknown;
      try {
        parseOfx(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OfxParseError);
      expect((error as Error).name).toBe('OfxParseError');
      expect((error as Error).message).toMatch(/^not an OFX document: /);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('never quotes more than about 40 characters of the offending value', () => {
    const long = `<html>${'x'.repeat(500)}</html>`;
    expect(() => parseOfx(long)).toThrow(OfxParseError);
    try {
      parseOfx(long);
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(120);
    }
  });

  it('reads <OFX></OFX> as an empty document', () => {
    const parsed = parseOfx(`OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX></OFX>`);
    expect(parsed.root).toEqual({ name: 'OFX', children: [] });
    expect(parsed.signon).toBeNull();
    expect(parsed.statements).toEqual([]);
  });
});
