/**
 * The gateway (v10, JSON, no compression): HELLO, heartbeats answered, IDENTIFY answered with READY and the
 * guild's GUILD_CREATE, and RESUME answered by replaying every event after the client's sequence number and then
 * RESUMED, as Discord does after a dropped connection. Events dispatched while no connection is open are kept
 * for that replay.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Changes } from './waiters.ts';
import type { Json, World } from './world.ts';

export const INTENTS = {
  guilds: 1 << 0,
  guildMembers: 1 << 1,
  guildPresences: 1 << 8,
  guildMessages: 1 << 9,
  directMessages: 1 << 12,
  messageContent: 1 << 15,
} as const;

/** Intents a bot must switch on in the developer portal; ofx-mfa asks for none. */
const PRIVILEGED = INTENTS.guildMembers | INTENTS.guildPresences | INTENTS.messageContent;

const MAX_KEPT_EVENTS = 10_000;

interface Session {
  id: string;
  seq: number;
  intents: number;
  events: Array<{ s: number; t: string; d: unknown }>;
  socket: WebSocket | null;
}

export interface GatewayStats {
  /** Connections opened (first login and every reconnect). */
  connections: number;
  identifies: number;
  resumes: number;
  /** Events replayed on resumes, in total. */
  replayed: number;
  connected: boolean;
  /** The intents of the last IDENTIFY. */
  intents: number | null;
}

export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private session: Session | null = null;
  private readonly sockets = new Set<WebSocket>();
  readonly stats: GatewayStats = { connections: 0, identifies: 0, resumes: 0, replayed: 0, connected: false, intents: null };
  resumeUrl = '';

  constructor(
    private readonly world: World,
    private readonly token: string,
    private readonly heartbeatIntervalMs: number,
    private readonly allowedPrivilegedIntents: number,
    private readonly changes: Changes,
    /** Every event dispatched to the bot, as sent (or kept for the replay). */
    private readonly onDispatch?: (t: string, d: unknown) => void,
  ) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  /** Whether an identified session exists (the bot logged in at least once and was not logged out). */
  hasSession(): boolean {
    return this.session !== null;
  }

  intents(): number {
    return this.session?.intents ?? 0;
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    this.sockets.add(ws);
    this.stats.connections += 1;
    const query = new URL(req.url ?? '/', 'ws://localhost').searchParams;
    ws.on('close', () => {
      this.sockets.delete(ws);
      if (this.session?.socket === ws) {
        this.session.socket = null;
        this.stats.connected = false;
        this.changes.notify();
      }
    });
    ws.on('error', () => ws.terminate());
    if (query.get('v') !== '10') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    if ((query.get('encoding') ?? 'json') !== 'json') {
      ws.close(4002, 'Only JSON encoding is simulated');
      return;
    }
    let authenticated = false;
    ws.on('message', (raw) => {
      let payload: { op?: number; d?: Json };
      try {
        payload = JSON.parse(raw.toString()) as { op?: number; d?: Json };
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      switch (payload.op) {
        case 1:
          this.send(ws, { op: 11 });
          return;
        case 2:
          if (authenticated) return ws.close(4005, 'Already authenticated.');
          authenticated = this.identify(ws, payload.d ?? {});
          return;
        case 6:
          if (authenticated) return ws.close(4005, 'Already authenticated.');
          authenticated = this.resume(ws, payload.d ?? {});
          return;
        case 3: // presence update
        case 4: // voice state
        case 8: // request guild members
          if (!authenticated) ws.close(4003, 'Not authenticated.');
          return;
        default:
          ws.close(4001, 'Unknown opcode.');
      }
    });
    this.send(ws, { op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs } });
  }

  private send(ws: WebSocket, payload: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  private identify(ws: WebSocket, d: Json): boolean {
    if (d.token !== this.token && d.token !== `Bot ${this.token}`) {
      ws.close(4004, 'Authentication failed.');
      return false;
    }
    const intents = Number(d.intents ?? 0);
    if (intents & PRIVILEGED & ~this.allowedPrivilegedIntents) {
      ws.close(4014, 'Disallowed intent(s).');
      return false;
    }
    const shard = Array.isArray(d.shard) ? d.shard : [0, 1];
    if (shard[0] !== 0 || shard[1] !== 1) {
      ws.close(4010, 'Invalid shard.');
      return false;
    }
    // A new IDENTIFY starts a new session: the old one's events are gone, as on Discord.
    this.session?.socket?.close(4009, 'Session timed out.');
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, intents, events: [], socket: ws };
    this.session = session;
    this.stats.identifies += 1;
    this.stats.connected = true;
    this.stats.intents = intents;
    const guilds = intents & INTENTS.guilds ? [{ id: this.world.guildId, unavailable: true }] : [];
    this.dispatch('READY', {
      v: 10,
      user: { ...this.world.userJson(this.world.bot), bot: true, verified: true, mfa_enabled: false, email: null },
      user_settings: {},
      guilds,
      session_id: session.id,
      resume_gateway_url: this.resumeUrl,
      shard: [0, 1],
      application: { id: this.world.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    });
    if (intents & INTENTS.guilds) this.dispatch('GUILD_CREATE', this.world.guildCreateJson());
    return true;
  }

  private resume(ws: WebSocket, d: Json): boolean {
    const session = this.session;
    if (!session || d.session_id !== session.id || (d.token !== this.token && d.token !== `Bot ${this.token}`)) {
      // Not resumable: the client must IDENTIFY again.
      this.send(ws, { op: 9, d: false });
      return false;
    }
    const from = Number(d.seq ?? 0);
    if (session.socket && session.socket !== ws) session.socket.terminate();
    session.socket = ws;
    this.stats.resumes += 1;
    this.stats.connected = true;
    const missed = session.events.filter((e) => e.s > from);
    for (const e of missed) this.send(ws, { op: 0, s: e.s, t: e.t, d: e.d });
    this.stats.replayed += missed.length;
    this.dispatch('RESUMED', {});
    return true;
  }

  /** Sends an event to the bot now, or keeps it for the replay if the connection is down. */
  dispatch(t: string, d: unknown): void {
    const session = this.session;
    if (!session) return;
    session.seq += 1;
    const event = { s: session.seq, t, d };
    session.events.push(event);
    if (session.events.length > MAX_KEPT_EVENTS) session.events.splice(0, session.events.length - MAX_KEPT_EVENTS);
    if (session.socket) this.send(session.socket, { op: 0, ...event });
    this.onDispatch?.(t, d);
    this.changes.notify();
  }

  /**
   * Drops the bot's connection. 'close' sends close code 4000 (Discord's "unknown error; reconnect"); 'reset'
   * kills the TCP connection with no close frame, as a network failure does. Either way the session stays
   * resumable and events meanwhile are kept for the replay.
   */
  async drop(how: 'close' | 'reset' = 'close'): Promise<void> {
    const ws = this.session?.socket;
    if (!ws) throw new Error('dropGateway: the bot has no open gateway connection');
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    if (how === 'reset') ws.terminate();
    else ws.close(4000, 'Simulated disconnect');
    await closed;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
