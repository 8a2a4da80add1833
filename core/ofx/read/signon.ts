/** Sign-on response (SONRS, OFX 2.2 §2.5.1.3) and the MFA challenge response (MFACHALLENGETRNRS, §2.5.4.2). */
import { OfxParseError } from '../../errors.ts';
import { isClientSidePhrase, standardPhraseLabel } from '../phrases.ts';
import type { OfxNode } from '../tree.ts';
import type { ChallengeResponse, MfaChallenge, SignonResponse } from '../types.ts';
import { child, dateAt, readStatus, text } from './values.ts';

export function readSignon(root: OfxNode): SignonResponse | null {
  const sonrs = child(child(root, 'SIGNONMSGSRSV1'), 'SONRS');
  if (!sonrs) return null;
  const fi = child(sonrs, 'FI');
  const dtserver = text(sonrs, 'DTSERVER');
  let serverTime: string | null = null;
  if (dtserver !== null) {
    // The server's clock is informational: a strange DTSERVER must not make a good response unreadable.
    try {
      serverTime = dateAt(dtserver, 'SONRS DTSERVER');
    } catch (error) {
      if (!(error instanceof OfxParseError)) throw error;
    }
  }
  return {
    status: readStatus(sonrs, 'SONRS'),
    serverTime,
    language: text(sonrs, 'LANGUAGE'),
    fi: fi ? { org: text(fi, 'ORG'), fid: text(fi, 'FID') } : null,
    accessKey: text(sonrs, 'ACCESSKEY'),
    sessionCookie: text(sonrs, 'SESSCOOKIE'),
  };
}

function readChallengeItem(node: OfxNode): MfaChallenge {
  const id = text(node, 'MFAPHRASEID');
  if (id === null) throw new OfxParseError('MFACHALLENGE has no MFAPHRASEID');
  return {
    id,
    label: text(node, 'MFAPHRASELABEL'),
    builtInLabel: standardPhraseLabel(id),
    clientSide: isClientSidePhrase(id),
  };
}

export function readChallenge(root: OfxNode): ChallengeResponse | null {
  const trnrs = child(child(root, 'SIGNONMSGSRSV1'), 'MFACHALLENGETRNRS');
  if (!trnrs) return null;
  const challenges = (child(trnrs, 'MFACHALLENGERS')?.children ?? [])
    .filter((c) => c.name === 'MFACHALLENGE')
    .map(readChallengeItem);
  return { trnuid: text(trnrs, 'TRNUID'), status: readStatus(trnrs, 'MFACHALLENGETRNRS'), challenges };
}
