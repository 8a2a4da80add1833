/**
 * The bank's profile (PROFRS, OFX 2.2 §7.2): the message sets it offers and how sign-on works. The sign-on
 * flags depend on the scenario of the user asking (clients fetch the profile with the user's own ID), so one
 * running bank can show every combination; an unknown or anonymous user gets the bank-wide defaults.
 */
import { aggregate, leaf, optionalLeaf } from '../../core/ofx/tree.ts';
import type { OfxNode } from '../../core/ofx/tree.ts';
import { formatOfxDateTime } from '../../core/ofx/dates.ts';

/** When the profile last changed: a client whose DTPROFUP is at or after it gets status 1 (up to date). */
export const PROFILE_UPDATED_AT = new Date('2025-01-01T00:00:00.000Z');
export const SIGNON_REALM = 'SIMBANK';
export const FI_NAME = 'SimBank';

export interface ProfileSettings {
  /** The OFX URL (MSGSETCORE URL). */
  url: string;
  mfaChallengeFirst: boolean;
  clientUidRequired: boolean;
  userCred1Label: string | null;
}

const yn = (b: boolean): string => (b ? 'Y' : 'N');

/** MSGSETCORE (§7.2.1). Plain HTTP on 127.0.0.1, so no transport security is claimed. */
function msgSetCore(url: string): OfxNode[] {
  return [
    leaf('VER', '1'),
    leaf('URL', url),
    leaf('OFXSEC', 'NONE'),
    leaf('TRANSPSEC', 'N'),
    leaf('SIGNONREALM', SIGNON_REALM),
    leaf('LANGUAGE', 'ENG'),
    leaf('SYNCMODE', 'LITE'),
    leaf('RESPFILEER', 'N'),
  ];
}

function messageSet(name: string, url: string, extra: OfxNode[] = []): OfxNode {
  return aggregate(`${name}MSGSET`, [aggregate(`${name}MSGSETV1`, [aggregate('MSGSETCORE', msgSetCore(url)), ...extra])]);
}

/** MSGSETLIST (§7.2) in the spec's order. */
function msgSetList(url: string): OfxNode {
  return aggregate('MSGSETLIST', [
    messageSet('SIGNON', url),
    messageSet('SIGNUP', url, [
      aggregate('WEBENROLL', [leaf('URL', url.replace(/\/ofx$/, '/enroll'))]),
      leaf('CHGUSERINFO', 'N'),
      leaf('AVAILACCTS', 'Y'),
      leaf('CLIENTACTREQ', 'N'),
    ]),
    messageSet('BANK', url, [
      leaf('CLOSINGAVAIL', 'N'),
      aggregate('EMAILPROF', [leaf('CANEMAIL', 'N'), leaf('CANNOTIFY', 'N')]),
    ]),
    messageSet('CREDITCARD', url, [leaf('CLOSINGAVAIL', 'N')]),
    messageSet('INVSTMT', url, [
      leaf('TRANDNLD', 'Y'),
      leaf('OODNLD', 'N'),
      leaf('POSDNLD', 'Y'),
      leaf('BALDNLD', 'Y'),
      leaf('CANEMAIL', 'N'),
    ]),
    messageSet('SECLIST', url, [leaf('SECLISTRQDNLD', 'N')]),
    messageSet('PROF', url),
  ]);
}

/**
 * SIGNONINFO (§7.2.2) in the schema's order: SIGNONREALM, MIN, MAX, CHARTYPE, CASESEN, SPECIAL, SPACES, PINCH,
 * CHGPINFIRST, USERCRED1LABEL, USERCRED2LABEL, CLIENTUIDREQ, AUTHTOKEN..., MFACHALLENGESUPT, MFACHALLENGEFIRST.
 */
function signonInfo(s: ProfileSettings): OfxNode {
  return aggregate('SIGNONINFO', [
    leaf('SIGNONREALM', SIGNON_REALM),
    leaf('MIN', '6'),
    leaf('MAX', '32'),
    leaf('CHARTYPE', 'ALPHAORNUMERIC'),
    leaf('CASESEN', 'Y'),
    leaf('SPECIAL', 'Y'),
    leaf('SPACES', 'N'),
    leaf('PINCH', 'N'),
    leaf('CHGPINFIRST', 'N'),
    optionalLeaf('USERCRED1LABEL', s.userCred1Label),
    leaf('CLIENTUIDREQ', yn(s.clientUidRequired)),
    leaf('MFACHALLENGESUPT', 'Y'),
    leaf('MFACHALLENGEFIRST', yn(s.mfaChallengeFirst)),
  ]);
}

/** PROFRS (§7.2): MSGSETLIST, SIGNONINFOLIST, DTPROFUP, FI name and address. */
export function profileRs(s: ProfileSettings): OfxNode {
  return aggregate('PROFRS', [
    msgSetList(s.url),
    aggregate('SIGNONINFOLIST', [signonInfo(s)]),
    leaf('DTPROFUP', formatOfxDateTime(PROFILE_UPDATED_AT)),
    leaf('FINAME', FI_NAME),
    leaf('ADDR1', '1 Simulation Way'),
    leaf('CITY', 'Springfield'),
    leaf('STATE', 'IL'),
    leaf('POSTALCODE', '62701'),
    leaf('COUNTRY', 'USA'),
    leaf('CSPHONE', '555-0100'),
    leaf('URL', s.url.replace(/\/ofx$/, '/')),
  ]);
}
