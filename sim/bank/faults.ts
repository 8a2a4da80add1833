/**
 * HTTP-level misbehaviour on demand, so clients can be tested against what real bank servers do on bad days:
 * a 500, a reset connection, no answer at all, a body cut short, an HTML maintenance page instead of OFX.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKind } from './scenarios.ts';

const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html><head><title>Scheduled maintenance</title></head>
<body><h1>We'll be back soon</h1><p>Online banking is down for scheduled maintenance. Please try again later.</p></body>
</html>
`;

/** A queued fault set by the admin endpoint: the next `remaining` requests (of one user, or anyone's). */
export interface QueuedFault {
  kind: FaultKind;
  remaining: number;
  user: string | null;
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  add(fault: QueuedFault): void {
    this.queue.push(fault);
  }

  clear(): void {
    this.queue = [];
  }

  list(): QueuedFault[] {
    return this.queue.map((f) => ({ ...f }));
  }

  /** Takes one use of the first fault that applies to `user` (null: faults for anyone only). */
  take(user: string | null): FaultKind | null {
    const found = this.queue.find((f) => f.user === null || (user !== null && f.user === user));
    if (!found) return null;
    found.remaining -= 1;
    if (found.remaining <= 0) this.queue = this.queue.filter((f) => f !== found);
    return found.kind;
  }
}

/**
 * Misbehaves as `kind` says. `partialBody` is what the truncated answer starts with (a real OFX answer's start).
 * 'hang' leaves the request open: closing the server (closeAllConnections) ends it.
 */
export function sendFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse, partialBody: Buffer): void {
  switch (kind) {
    case 'http-500':
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('Internal Server Error\n');
      return;
    case 'reset':
      // An RST, not a polite FIN: what a crashing load balancer looks like to the client.
      req.socket.resetAndDestroy();
      return;
    case 'hang':
      return;
    case 'truncated': {
      const half = partialBody.subarray(0, Math.max(1, Math.floor(partialBody.length / 2)));
      res.writeHead(200, { 'content-type': 'application/x-ofx', 'content-length': String(partialBody.length + 512), connection: 'close' });
      res.write(half, () => res.socket?.end());
      return;
    }
    case 'garbage':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
      res.end(MAINTENANCE_PAGE);
      return;
  }
}
