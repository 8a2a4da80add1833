/** Account references (BANKACCTFROM, CCACCTFROM, INVACCTFROM) and the account list (ACCTINFORS, OFX 2.2 §8.5.3). */
import { OfxParseError } from '../../errors.ts';
import type { OfxNode } from '../tree.ts';
import type { AccountInfo, AccountKind, AccountListResponse, AccountRef } from '../types.ts';
import { child, readStatus, text } from './values.ts';

/** The *ACCTFROM aggregate of each account kind. */
export const ACCOUNT_FROM: Readonly<Record<AccountKind, string>> = {
  bank: 'BANKACCTFROM',
  creditcard: 'CCACCTFROM',
  investment: 'INVACCTFROM',
};

/** Reads an account reference from `owner`'s *ACCTFROM child; `where` names the owner in errors. */
export function readAccountRef(owner: OfxNode, kind: AccountKind, where: string): AccountRef {
  const from = child(owner, ACCOUNT_FROM[kind]);
  const accountId = text(from, 'ACCTID');
  if (accountId === null) throw new OfxParseError(`${where} has no ${ACCOUNT_FROM[kind]}/ACCTID`);
  return {
    kind,
    accountId,
    accountType: kind === 'bank' ? text(from, 'ACCTTYPE') : null,
    bankId: kind === 'bank' ? text(from, 'BANKID') : null,
    brokerId: kind === 'investment' ? text(from, 'BROKERID') : null,
  };
}

const INFO_KINDS: ReadonlyArray<[string, AccountKind]> = [
  ['BANKACCTINFO', 'bank'],
  ['CCACCTINFO', 'creditcard'],
  ['INVACCTINFO', 'investment'],
];

function readAccountInfos(acctinfo: OfxNode): AccountInfo[] {
  const description = text(acctinfo, 'DESC');
  const out: AccountInfo[] = [];
  for (const c of acctinfo.children ?? []) {
    const kind = INFO_KINDS.find(([name]) => name === c.name)?.[1];
    if (!kind) continue; // BPACCTINFO and other services carry no account of their own here
    out.push({ ...readAccountRef(c, kind, c.name), description, serviceStatus: text(c, 'SVCSTATUS') });
  }
  return out;
}

export function readAccountList(root: OfxNode): AccountListResponse | null {
  const trnrs = child(child(root, 'SIGNUPMSGSRSV1'), 'ACCTINFOTRNRS');
  if (!trnrs) return null;
  const accounts = (child(trnrs, 'ACCTINFORS')?.children ?? [])
    .filter((c) => c.name === 'ACCTINFO')
    .flatMap(readAccountInfos);
  return { trnuid: text(trnrs, 'TRNUID'), status: readStatus(trnrs, 'ACCTINFOTRNRS'), accounts };
}
