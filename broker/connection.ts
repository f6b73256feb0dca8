/**
 * One client connection and its state machine:
 *   awaiting_logon --LOG_ON read--> verifying --signature ok--> logged_on
 *   any            --close decided or socket gone--> closed
 * Everything the broker writes to a client goes through `sendFrame`, which enforces the buffered-bytes ceiling.
 */
import { WebSocket } from 'ws';
import { challenge as challengePacket, errorPacket, type ClientId, type ErrorPacket, type Packet } from '../protocol/index.ts';
import type { BrokerContext } from './context.ts';
import { CLOSES, FAULTS, type CloseKind, type Fault, type FaultResponse } from './errors.ts';
import { FloodGuard, InboundBudget, type UnfinishedMessage } from './limits.ts';
import { underlyingStream } from './ws-internals.ts';

export type ConnectionState = 'awaiting_logon' | 'verifying' | 'logged_on' | 'closed';

/** What this connection's LOG_ON must sign (docs/protocol.md, "Logging on"). */
export interface LogonChallenge {
  readonly nonce: string;
  /** The lowercased Host header of the upgrade request. */
  readonly host: string;
}

/** The slice of a `ws` WebSocket the connection uses; small so that unit tests can stand in for it. */
export type Socket = Pick<WebSocket, 'readyState' | 'bufferedAmount' | 'send' | 'close' | 'terminate' | 'ping'>;

const TEXT_FRAME = { binary: false } as const;
const NO_THEMES: ReadonlySet<string> = new Set();

export class Connection {
  state: ConnectionState = 'awaiting_logon';
  id: ClientId | null = null;
  /** Set when CHALLENGE is sent, dropped once logged on: an idle connection keeps no nonce. */
  challenge: LogonChallenge | null = null;
  /** Created on the first subscription: most devices never subscribe, and an empty Set still costs its table. */
  private subscribedThemes: Set<string> | null = null;
  /** Pings sent since the last pong; the heartbeat terminates at two. */
  unansweredPings = 0;
  private guard: FloodGuard | null = null;
  private inboundBudget: InboundBudget | null = null;
  /** Messages received in full: with `unfinished`, tells one message kept unfinished from a stream of finished ones. */
  messagesReceived = 0;
  /** Made by the sweep that first sees a message under way, dropped once none is. */
  unfinished: UnfinishedMessage | null = null;
  private logonTimer: NodeJS.Timeout | null;

  constructor(
    readonly socket: Socket,
    private readonly context: BrokerContext,
    /** The key the per-address caps count this connection under (limits.ts, clientAddress). */
    readonly address: string,
  ) {
    this.logonTimer = setTimeout(() => this.closeWith('logonTimeout'), context.config.logonTimeoutMs);
  }

  /**
   * This connection's sending rate (limits.ts); made at its first frame and forgotten once idle again
   * (forgetIdleState), so that an idle connection holds none.
   */
  get floodGuard(): FloodGuard {
    return (this.guard ??= new FloodGuard(this.context.config, this.context.now()));
  }

  /**
   * Called by the heartbeat: forgets the rate state of a connection that has been quiet long enough for it to be
   * what a new one starts as (full buckets, no drops in a window, no notice pending), so nothing is lost.
   */
  forgetIdleState(now: number): void {
    if (this.guard?.isIdle(now)) this.guard = null;
    if (this.inboundBudget?.isFull(now)) this.inboundBudget = null;
  }

  /** Whether rate state is held: for the tests and the memory measurement (bench/connection-memory.ts). */
  get holdsRateState(): boolean {
    return this.guard !== null || this.inboundBudget !== null;
  }

  /** What this connection takes in from strangers (senders its ID has not addressed, partners.ts); made on its first delivery. */
  get inbound(): InboundBudget {
    return (this.inboundBudget ??= new InboundBudget(this.context.config));
  }

  get themes(): ReadonlySet<string> {
    return this.subscribedThemes ?? NO_THEMES;
  }

  addTheme(theme: string): void {
    (this.subscribedThemes ??= new Set()).add(theme);
  }

  /** Returns false when the theme was not held. */
  removeTheme(theme: string): boolean {
    return this.subscribedThemes?.delete(theme) ?? false;
  }

  /** Forgets every theme and returns those that were held, for unsubscribing them from the registry. */
  takeThemes(): ReadonlySet<string> {
    const themes = this.themes;
    this.subscribedThemes = null;
    return themes;
  }

  /** Sends the CHALLENGE that LOG_ON must answer; the broker's first packet on every connection. */
  sendChallenge(challenge: LogonChallenge): void {
    this.challenge = challenge;
    this.sendPacket(challengePacket(challenge.nonce));
  }

  /** LOG_ON read and its signature being checked: anything else the client sends meanwhile is refused. */
  markVerifying(): void {
    this.state = 'verifying';
  }

  markLoggedOn(id: ClientId): void {
    this.clearLogonTimer();
    this.id = id;
    this.challenge = null;
    this.state = 'logged_on';
  }

  /** A bug a client's packet triggered closes that client, never the process: the one error path per connection. */
  failInternally(error: unknown): void {
    this.context.log.error('handler_failed', { id: this.id, message: error instanceof Error ? error.message : String(error) });
    this.closeWith('internalError');
  }

  /** Writes one text frame unless the receiver is over its buffered-bytes ceiling; then the frame is dropped and counted. */
  sendFrame(frame: Buffer | string): boolean {
    if (this.state === 'closed' || this.socket.readyState !== WebSocket.OPEN) return false;
    if (this.socket.bufferedAmount + frame.length > this.context.config.maxBufferedBytes) {
      this.context.stats.droppedToSlowReceivers += 1;
      if (this.context.config.slowReceiver === 'terminate') {
        this.context.log.warn('slow_receiver_terminated', { id: this.id });
        this.terminate();
      }
      return false;
    }
    // Held until the end of this turn of the event loop, with whatever else this turn writes to it (write-batch.ts).
    this.context.writes.hold(underlyingStream(this.socket));
    this.socket.send(frame, TEXT_FRAME);
    return true;
  }

  sendPacket(packet: Packet): boolean {
    return this.sendFrame(JSON.stringify(packet));
  }

  /** Answers a bad packet the way errors.ts says: an ERROR, then a close when the fault calls for one. */
  fail(fault: Fault, message: string, details: Pick<ErrorPacket, 'ref' | 'receiver'> = {}): void {
    const response: FaultResponse = FAULTS[fault];
    this.context.stats.errorsSent += 1;
    this.sendPacket(errorPacket(response.code, message, details));
    if (this.context.log.enabled('debug')) this.context.log.debug('error_sent', { id: this.id, code: response.code, ref: details.ref });
    if (response.close !== undefined) {
      this.context.log.info('connection_refused', { id: this.id, fault, close: response.close });
      this.close(response.close, fault);
    }
  }

  closeWith(kind: CloseKind): void {
    const { code, reason } = CLOSES[kind];
    this.close(code, reason);
  }

  private close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearLogonTimer();
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.state = 'closed';
    this.clearLogonTimer();
    this.socket.terminate();
  }

  /** Called once the socket is gone, whoever closed it. */
  dispose(): void {
    this.state = 'closed';
    this.clearLogonTimer();
  }

  private clearLogonTimer(): void {
    if (this.logonTimer === null) return;
    clearTimeout(this.logonTimer);
    this.logonTimer = null;
  }
}
