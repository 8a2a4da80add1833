/**
 * Where a redirect may take a request that carries a bank password: the same host on the same port, over the
 * same scheme (or up from loopback http to https), and only to a URL checkOfxUrl accepts. A redirect to
 * another port of the same host is another server as far as trust goes (a different program may listen
 * there), and leaving https would send the password in the clear.
 */
import { OfxRedirectError } from './errors.ts';
import { checkOfxUrl } from './url.ts';

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

function effectivePort(url: URL): string {
  return url.port || (DEFAULT_PORTS[url.protocol] ?? '');
}

/** The URL a redirect from `from` to `location` leads to, or OfxRedirectError saying why it is not followed. */
export function redirectTarget(from: URL, location: string | string[] | undefined): URL {
  const raw = Array.isArray(location) ? location[0] : location;
  if (!raw) throw new OfxRedirectError(from.host, 'the redirect has no Location');
  let to: URL;
  try {
    to = new URL(raw, from);
  } catch {
    throw new OfxRedirectError(from.host, 'the redirect Location is not a valid URL');
  }
  if (to.hostname.toLowerCase() !== from.hostname.toLowerCase()) {
    throw new OfxRedirectError(from.host, `it points to another host (${to.hostname})`);
  }
  if (from.protocol === 'https:' && to.protocol !== 'https:') {
    throw new OfxRedirectError(from.host, 'it leaves https');
  }
  if (effectivePort(to) !== effectivePort(from)) {
    throw new OfxRedirectError(from.host, `it points to another port (${to.hostname}:${effectivePort(to)})`);
  }
  // Scheme, credentials in the Location, plain http off loopback: the same rules as the configured URL.
  return checkOfxUrl(to.href);
}
