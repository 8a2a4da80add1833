/**
 * Which URLs a request carrying a bank password may go to: https anywhere, plain http only to this machine
 * (the simulated bank and tests), checked before any connection is opened.
 */
import { OfxError } from '../errors.ts';
import { OfxInsecureUrlError } from './errors.ts';

/** localhost, 127.0.0.0/8 and ::1 (URL has already normalised forms such as 127.1 and [0:0::1]). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses and vets an OFX server URL; the raw text is never echoed, as it may carry credentials. */
export function checkOfxUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OfxError('the OFX URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OfxError(`the OFX URL must start with https:// (it uses ${url.protocol})`);
  }
  // The sign-on carries the credentials; in the URL they would be sent to every hop and land in logs.
  if (url.username !== '' || url.password !== '') {
    throw new OfxError('the OFX URL carries a user name or password (user:password@); remove it: the sign-on carries the credentials');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) throw new OfxInsecureUrlError(url.host);
  return url;
}
