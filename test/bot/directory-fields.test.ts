/** A directory entry turned into a connection's server fields: the version spoken, explicit options over it. */
import { describe, expect, it } from 'vitest';
import { findBank, type DirectoryEntry } from '../../core/directory/index.ts';
import { parseQuirkSetting } from '../../core/ofx/quirks.ts';
import { requestVersionFor, resolveBank, serverFields, UnknownBankError } from '../../bot/directory-fields.ts';

describe('requestVersionFor', () => {
  it('speaks the newest version of ours of the same family, not newer than the server', () => {
    expect(['102', '103', '151', '160', '200', '201', '202', '203', '210', '211', '220'].map(requestVersionFor)).toEqual([
      '102', '103', '103', '103', '200', '200', '200', '203', '203', '211', '220',
    ]);
    expect(requestVersionFor(null)).toBe('203'); // unrecorded in fi.cfg: ofxget's default
  });
});

describe('serverFields', () => {
  const usaa = findBank('usaa') as DirectoryEntry;

  it('takes everything from the directory', () => {
    expect(serverFields(usaa)).toEqual({
      url: usaa.url,
      org: 'USAA Federal Savings Bank',
      fid: '67811',
      version: '103',
      appId: 'QWIN',
      appVer: '2700',
      brokerId: null,
      directoryNick: 'usaa',
      quirks: { pretty: 'true', unclosedelements: 'true' },
    });
    expect(serverFields(findBank('citi'))).toMatchObject({ appId: 'QWIN', appVer: '2500' });
    expect(serverFields(findBank('vanguard'))).toMatchObject({ brokerId: 'vanguard.com', version: '220' });
  });

  it('lets every explicit field win, and quirk changes apply on top', () => {
    const f = serverFields(usaa, {
      url: 'https://other.example/ofx',
      org: 'O',
      fid: 'F',
      version: '211',
      appId: 'X',
      appVer: '1',
      brokerId: 'b.example',
      quirks: [parseQuirkSetting('-pretty'), parseQuirkSetting('nonewfileuid')],
    });
    expect(f).toEqual({
      url: 'https://other.example/ofx',
      org: 'O',
      fid: 'F',
      version: '211',
      appId: 'X',
      appVer: '1',
      brokerId: 'b.example',
      directoryNick: 'usaa',
      quirks: { nonewfileuid: 'true', unclosedelements: 'true' },
    });
    expect(() => serverFields(null, {})).toThrow(/no OFX URL/);
  });
});

describe('resolveBank', () => {
  it('takes a nickname, an exact name, or a name only one server has', () => {
    expect(resolveBank('USAA').nick).toBe('usaa');
    expect(resolveBank('Wells Fargo').nick).toBe('wells');
    expect(resolveBank('t rowe price').nick).toBe('troweprice');
    expect(() => resolveBank('fargo')).toThrow(UnknownBankError);
    const none = (() => {
      try {
        resolveBank('zzzz qqqq');
      } catch (e) {
        return e as UnknownBankError;
      }
    })();
    expect(none?.suggestions).toEqual([]);
    expect(none?.message).toMatch(/no bank "zzzz qqqq" in the directory/);
  });
});
