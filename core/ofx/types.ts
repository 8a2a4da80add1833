/** Typed views of a parsed OFX document. Times are ISO 8601 UTC instants; amounts are decimal strings. */
import type { OfxNode } from './tree.ts';

export type OfxFormat = 'sgml' | 'xml';

export interface OfxHeader {
  /** "102", "103", "211", ... as the file says (SGML VERSION or the XML processing instruction's VERSION). */
  version: string;
  format: OfxFormat;
  /** Header fields as read, upper-cased keys (SECURITY, CHARSET, ENCODING, OLDFILEUID, NEWFILEUID, ...). */
  fields: Record<string, string>;
}

export interface OfxStatus {
  code: number;
  severity: string;
  message: string | null;
}

export interface SignonResponse {
  status: OfxStatus;
  serverTime: string | null;
  language: string | null;
  fi: { org: string | null; fid: string | null } | null;
  accessKey: string | null;
  sessionCookie: string | null;
}

export interface MfaChallenge {
  /** MFAPHRASEID as sent: MFA1..MFA23 standard, MFA101..MFA107 client-side, anything else bank-specific. */
  id: string;
  /** MFAPHRASELABEL when the bank sent one. */
  label: string | null;
  /** The standard label for MFA1..MFA23 and MFA101..MFA107, else null. */
  builtInLabel: string | null;
  /** MFA101..MFA107: answered by the client itself, never shown to a person. */
  clientSide: boolean;
}

export interface ChallengeResponse {
  trnuid: string | null;
  status: OfxStatus;
  challenges: MfaChallenge[];
}

/** One SIGNONINFO of a profile response (OFX 2.2 §7.2.2). */
export interface SignonInfo {
  realm: string | null;
  minChars: number | null;
  maxChars: number | null;
  caseSensitive: boolean;
  mfaChallengeSupported: boolean;
  mfaChallengeFirst: boolean;
  clientUidRequired: boolean;
  userCred1Label: string | null;
  userCred2Label: string | null;
  authTokenFirst: boolean;
  authTokenLabel: string | null;
  authTokenInfoUrl: string | null;
}

export interface ProfileResponse {
  trnuid: string | null;
  status: OfxStatus;
  signonInfos: SignonInfo[];
  /** Message sets the profile advertises, e.g. ["SIGNONMSGSET", "BANKMSGSET", "CREDITCARDMSGSET"]. */
  messageSets: string[];
  fiName: string | null;
}

export type AccountKind = 'bank' | 'creditcard' | 'investment';

export interface AccountRef {
  kind: AccountKind;
  accountId: string;
  /** CHECKING, SAVINGS, MONEYMRKT, CREDITLINE (bank) or null. */
  accountType: string | null;
  /** Routing number (bank) or null. */
  bankId: string | null;
  /** Broker ID (investment) or null. */
  brokerId: string | null;
}

export interface AccountInfo extends AccountRef {
  description: string | null;
  /** SVCSTATUS: AVAIL, PEND, ACTIVE, or null. */
  serviceStatus: string | null;
}

export interface AccountListResponse {
  trnuid: string | null;
  status: OfxStatus;
  accounts: AccountInfo[];
}

export interface Transaction {
  fitid: string;
  /** TRNTYPE (bank, card) or the investment aggregate name (BUYSTOCK, INCOME, INVBANKTRAN, ...). */
  type: string;
  posted: string;
  amount: string;
  name: string | null;
  memo: string | null;
  checkNumber: string | null;
}

export interface Balance {
  amount: string;
  asOf: string | null;
}

export interface Position {
  /** POSSTOCK, POSMF, POSDEBT, POSOPT, POSOTHER. */
  type: string;
  securityId: { uniqueId: string; uniqueIdType: string } | null;
  heldInAccount: string | null;
  positionType: string | null;
  units: string;
  unitPrice: string | null;
  marketValue: string | null;
  priceAsOf: string | null;
}

export interface Statement {
  kind: AccountKind;
  trnuid: string | null;
  status: OfxStatus;
  currency: string | null;
  account: AccountRef;
  start: string | null;
  end: string | null;
  ledgerBalance: Balance | null;
  availableBalance: Balance | null;
  transactions: Transaction[];
  positions: Position[];
}

/** Every <xxxTRNRS> of the response with its STATUS, in document order (statements, profile, challenge, ...). */
export interface TransactionStatus {
  /** The wrapper's element name, e.g. STMTTRNRS, CCSTMTTRNRS, MFACHALLENGETRNRS. */
  wrapper: string;
  trnuid: string | null;
  status: OfxStatus;
}

export interface ParsedOfx {
  header: OfxHeader;
  /** The whole document as read, for readers the typed views do not cover (e.g. the simulated bank reading requests). */
  root: OfxNode;
  signon: SignonResponse | null;
  challenge: ChallengeResponse | null;
  profile: ProfileResponse | null;
  accountList: AccountListResponse | null;
  statements: Statement[];
  transactionStatuses: TransactionStatus[];
}
