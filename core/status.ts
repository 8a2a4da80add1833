/**
 * OFX status codes (OFX 2.2 §3.1.4.2, §2.5.1.8 and the MFA/CLIENTUID additions of 1.0.3/2.0.3), with what they mean
 * and what the person running the sync should do next. Every user-facing error goes through `describeStatus`.
 * The advice is written for people, whatever front end shows it (terminal, Discord): no command names or flags;
 * a front end adds its own "how" (the command line names its commands, the bot its buttons).
 */
export type Severity = 'INFO' | 'WARN' | 'ERROR';

export interface StatusInfo {
  code: number;
  severity: Severity;
  meaning: string;
  advice: string;
}

const TABLE: readonly StatusInfo[] = [
  { code: 0, severity: 'INFO', meaning: 'success', advice: 'Nothing to do.' },
  { code: 1, severity: 'INFO', meaning: 'the client is up to date', advice: 'Nothing to do: there is nothing new.' },
  { code: 2000, severity: 'ERROR', meaning: 'general error at the bank', advice: 'Try again later; if it persists, contact the bank.' },
  { code: 2001, severity: 'ERROR', meaning: 'invalid account', advice: 'Check the account number and type stored for this connection.' },
  { code: 2002, severity: 'ERROR', meaning: 'general account error', advice: 'Check the account with the bank.' },
  { code: 2003, severity: 'ERROR', meaning: 'account not found', advice: 'Check the account number with the bank.' },
  { code: 2004, severity: 'ERROR', meaning: 'account closed', advice: 'Remove the account from this connection.' },
  { code: 2005, severity: 'ERROR', meaning: 'account not authorized for this service', advice: 'Ask the bank to enable downloads (OFX/Direct Connect) for this account.' },
  { code: 2019, severity: 'ERROR', meaning: 'duplicate request', advice: 'Wait a moment and sync again.' },
  { code: 2020, severity: 'ERROR', meaning: 'invalid date', advice: 'Sync again with a different start date.' },
  { code: 2027, severity: 'ERROR', meaning: 'invalid date range', advice: 'Sync again with a more recent start date; many banks keep only 90 days online.' },
  { code: 2028, severity: 'ERROR', meaning: 'requested element unknown', advice: 'The bank does not support this request; check the OFX version of the connection.' },
  { code: 3000, severity: 'ERROR', meaning: 'the bank requires a multi-factor challenge', advice: 'Answer the challenge questions to continue.' },
  { code: 3001, severity: 'ERROR', meaning: 'the challenge answers were rejected', advice: 'Check your answers and start a new sync yourself; answers are never resent automatically, as repeated failures lock the account.' },
  { code: 6500, severity: 'ERROR', meaning: 'unsupported request', advice: 'The bank does not offer this service over OFX.' },
  { code: 13504, severity: 'ERROR', meaning: 'FI (ORG/FID) missing or invalid in the sign-on', advice: 'Check the ORG and FID stored for this connection.' },
  { code: 15000, severity: 'WARN', meaning: 'the bank requires a password change', advice: 'Change the password on the bank website soon, then store the new one with this connection; the sync still went ahead.' },
  { code: 15500, severity: 'ERROR', meaning: 'user ID or password invalid', advice: 'Check the user ID and password stored with this connection and change them if needed; several failures may lock the account, so unattended syncs wait until you act.' },
  { code: 15501, severity: 'ERROR', meaning: 'customer account already in use', advice: 'Close other sessions with the bank and try again later.' },
  { code: 15502, severity: 'ERROR', meaning: 'the user is locked out', advice: 'Call the bank to unlock the account before syncing again; unattended syncs wait until you act.' },
  { code: 15503, severity: 'ERROR', meaning: 'the password could not be changed', advice: 'Try again later or change the password on the bank website.' },
  { code: 15505, severity: 'ERROR', meaning: 'country system not available', advice: 'Try again later.' },
  { code: 15506, severity: 'ERROR', meaning: 'empty sign-on not supported', advice: 'Store a user ID and password for this connection.' },
  { code: 15510, severity: 'ERROR', meaning: 'CLIENTUID error', advice: 'The bank wants this client authorized: approve the CLIENTUID on the bank website (or by email), then sync again.' },
  { code: 15511, severity: 'ERROR', meaning: 'multi-factor error: contact the bank', advice: 'Contact the bank; the challenge cannot be completed over OFX.' },
  { code: 15512, severity: 'ERROR', meaning: 'AUTHTOKEN required', advice: 'Get an authentication token from the bank and store it with this connection.' },
  { code: 15513, severity: 'ERROR', meaning: 'AUTHTOKEN invalid', advice: 'Get a new authentication token from the bank.' },
  { code: 16500, severity: 'ERROR', meaning: 'HTML not allowed', advice: 'Report this to the ofx-mfa developers.' },
];

const BY_CODE = new Map(TABLE.map((s) => [s.code, s]));

export function describeStatus(code: number): StatusInfo {
  return (
    BY_CODE.get(code) ?? {
      code,
      severity: 'ERROR',
      meaning: 'an unrecognised status',
      advice: 'Try again later; if it persists, contact the bank and quote the code.',
    }
  );
}

export function knownStatusCodes(): number[] {
  return TABLE.map((s) => s.code);
}

/** Codes the spec treats as success, possibly with a note (0 success, 1 up to date, 15000 change password soon). */
export function isSuccess(code: number): boolean {
  return code === 0 || code === 1 || describeStatus(code).severity !== 'ERROR';
}
