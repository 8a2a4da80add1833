/** Profile response (PROFMSGSRSV1 / PROFTRNRS / PROFRS, OFX 2.2 §7.2): sign-on realms and message sets. */
import type { OfxNode } from '../tree.ts';
import type { ProfileResponse, SignonInfo } from '../types.ts';
import { child, flag, integer, readStatus, text } from './values.ts';

function readSignonInfo(node: OfxNode): SignonInfo {
  return {
    realm: text(node, 'SIGNONREALM'),
    minChars: integer(node, 'MIN'),
    maxChars: integer(node, 'MAX'),
    caseSensitive: flag(node, 'CASESEN'),
    mfaChallengeSupported: flag(node, 'MFACHALLENGESUPT'),
    mfaChallengeFirst: flag(node, 'MFACHALLENGEFIRST'),
    clientUidRequired: flag(node, 'CLIENTUIDREQ'),
    userCred1Label: text(node, 'USERCRED1LABEL'),
    userCred2Label: text(node, 'USERCRED2LABEL'),
    authTokenFirst: flag(node, 'AUTHTOKENFIRST'),
    authTokenLabel: text(node, 'AUTHTOKENLABEL'),
    authTokenInfoUrl: text(node, 'AUTHTOKENINFOURL'),
  };
}

export function readProfile(root: OfxNode): ProfileResponse | null {
  const trnrs = child(child(root, 'PROFMSGSRSV1'), 'PROFTRNRS');
  if (!trnrs) return null;
  const profrs = child(trnrs, 'PROFRS');
  const signonInfos = (child(profrs, 'SIGNONINFOLIST')?.children ?? [])
    .filter((c) => c.name === 'SIGNONINFO')
    .map(readSignonInfo);
  const messageSets = (child(profrs, 'MSGSETLIST')?.children ?? [])
    .filter((c) => c.name.endsWith('MSGSET'))
    .map((c) => c.name);
  return {
    trnuid: text(trnrs, 'TRNUID'),
    status: readStatus(trnrs, 'PROFTRNRS'),
    signonInfos,
    messageSets,
    fiName: text(profrs, 'FINAME'),
  };
}
