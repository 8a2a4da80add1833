/** Lookup and ranked search over the shipped directory (core/directory/banks.json), with real institutions' names. */
import { describe, expect, it } from 'vitest';
import { BankDirectory, bankDirectory, bankLabel, findBank, hostOf, SEARCH_LIMIT, searchBanks, searchWords } from '../../../core/directory/index.ts';
import type { DirectoryEntry } from '../../../core/directory/types.ts';

const first = (query: string) => searchBanks(query)[0]?.nick;
const nicks = (query: string, n = 25) => searchBanks(query, n).map((e) => e.nick);

describe('findBank', () => {
  it('finds an entry by nickname, whatever the case', () => {
    expect(findBank('vanguard')).toMatchObject({ name: 'Vanguard Group, The', url: 'https://vesnc.vanguard.com/us/OfxProfileServlet' });
    expect(findBank('  USAA-Invest ')?.nick).toBe('usaa-invest');
    expect(findBank('Community Bank')).toBeNull(); // no URL in fi.cfg, so not shipped
    expect(findBank('no-such-bank')).toBeNull();
  });
});

describe('searchBanks: the servers people ask for come first', () => {
  it.each([
    ['Vanguard', 'vanguard'],
    ['fidelity', 'fidelity'],
    ['chase', 'chase'],
    ['usaa', 'usaa'],
    ['schwab', 'schwab'],
    ['VANGUARD', 'vanguard'],
    ['vang', 'vanguard'],
    ['bank of america', 'bofa'],
    ['wells fargo', 'wells'],
    ['american express', 'amex'],
    ['t rowe', 'troweprice'],
    ['T. Rowe Price', 'troweprice'],
    ['E*TRADE', 'etrade'],
    ['td ameritrade', 'ameritrade-alt'],
    ['merrill lynch', 'merrill'],
    ['schwab bank', 'schwabbank'],
    ['citi', 'citi'],
  ])('%s → %s', (query, nick) => {
    expect(first(query)).toBe(nick);
  });

  it('reads & and "and" alike', () => {
    expect(first('dodge and cox')).toBe('dodgeandcox'); // "Dodge&Cox Funds"
    expect(first('dodge & cox')).toBe('dodgeandcox');
    expect(first('california bank & trust')).toBe('cbandt'); // "California Bank and Trust"
    expect(first('bb&t')).toBe('bbt');
  });

  it('reads credit union, cu and fcu alike', () => {
    expect(first('north carolina state employees credit union')).toBe('ncsecu'); // "... State Employees' CU"
    expect(first('state employees cu')).toBe('ncsecu');
    expect(first('affinity fcu')).toBe('affinityfcu'); // "Affinity Federal Credit Union"
    expect(first('affinity federal cu')).toBe('affinityfcu');
    expect(first('affinity fed cu')).toBe('affinityfcu'); // two query words on the one "fcu"
    expect(first('america first cu')).toBe('americafirst'); // "America First Credit Union"
    // A federal credit union is a credit union.
    expect(nicks('affinity credit union')).toContain('affinityfcu');
  });

  it('ignores accents and case', () => {
    const plain = nicks('credit union');
    expect(nicks('Crédit UNION')).toEqual(plain);
    expect(plain.length).toBeGreaterThan(0);
    for (const nick of plain) expect(findBank(nick)?.name).toMatch(/\b(CU|FCU|Credit Union)\b/i);
  });

  it('matches words by their start, every word of the query', () => {
    expect(nicks('wells fa')).toEqual(expect.arrayContaining(['wells', 'wells-alt', 'wellsadvisor']));
    expect(nicks('wells fargo advis')[0]).toBe('wellsadvisor');
    expect(nicks('fidelity zzz')).toEqual([]);
    expect(nicks('')).toEqual([]);
    expect(nicks('  &  ')).toEqual(searchBanks('and').map((e) => e.nick));
  });

  it('returns at most 25 (Discord autocomplete), or fewer when asked', () => {
    expect(SEARCH_LIMIT).toBe(25);
    expect(searchBanks('bank')).toHaveLength(25);
    expect(searchBanks('bank', 3)).toHaveLength(3);
  });
});

describe('the search on a directory of our own', () => {
  const entry = (nick: string, name: string): DirectoryEntry => ({
    nick,
    name,
    ofxHomeId: '1',
    url: `https://${nick}.example/ofx`,
    version: '220',
    org: null,
    fid: null,
    brokerId: null,
    appId: null,
    appVer: null,
    quirks: {},
  });
  const dir = new BankDirectory([entry('caisse', 'Caisse Populaire Côte-Saint-Luc'), entry('mutual', 'Mutual Federal CU'), entry('coop', 'Société Coopérative')]);

  it('folds accents in names too', () => {
    expect(dir.search('cote saint').map((e) => e.nick)).toEqual(['caisse']);
    expect(dir.search('societe coop').map((e) => e.nick)).toEqual(['coop']);
    expect(dir.search('mutual federal credit union').map((e) => e.nick)).toEqual(['mutual']);
  });

  it('folds words the same way on both sides', () => {
    expect(searchWords("Queen's Federal Credit Union & Co.")).toEqual(['queens', 'fcu', 'and', 'co']);
    expect(searchWords('AT&T')).toEqual(['at', 'and', 't']);
  });
});

describe('labels', () => {
  it('names the host and fits a choice label in 100 characters', () => {
    const vanguard = findBank('vanguard') as DirectoryEntry;
    expect(hostOf(vanguard)).toBe('vesnc.vanguard.com');
    expect(bankLabel(vanguard)).toBe('Vanguard Group, The (vanguard, OFX 220)');
    for (const e of bankDirectory().entries) expect(bankLabel(e).length).toBeLessThanOrEqual(100);
    expect(bankLabel({ ...vanguard, name: 'x'.repeat(200) }, 40)).toHaveLength(40);
  });
});
