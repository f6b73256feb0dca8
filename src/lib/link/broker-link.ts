import { logonHost, parsePacket, signedLogOn, CLOSE_CODES, type ClientId, type LogOnPacket, type LogonKeys, type Packet } from '@protocol';
import { backoffDelay } from './backoff';
import type { BrokerStatus } from './link-status';

/** The part of the browser's WebSocket the link uses, so tests can hand it a fake or another implementation. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

/** A START or MSG the broker routed to this app; its data is still sealed. */
export interface RoutedFrame {
  packetType: 'START' | 'MSG';
  transmitter: ClientId;
  receiver: ClientId;
  data: unknown;
}

/** An ERROR from the broker about a packet of ours (docs/protocol.md "Errors"). */
export interface BrokerError {
  code: string;
  /** The packet_type of ours it answers, when the broker says. */
  ref: string | undefined;
  /** The receiver it could not reach, or that takes no more from us ("Limits"). */
  receiver: ClientId | undefined;
}

export interface BrokerLinkEvents {
  status(status: BrokerStatus): void;
  /** ACK_LOG_ON: packets may go out from now on. */
  loggedOn(): void;
  /** The logged-on socket is gone (closed, replaced, or the URL changed): nothing sent in it will be answered. */
  closed(): void;
  routed(frame: RoutedFrame): void;
  error(error: BrokerError): void;
}

export interface BrokerLinkOptions {
  url: string;
  /** The key pair LOG_ON signs the broker's CHALLENGE with (docs/protocol.md, "Logging on"). */
  identity: LogonKeys;
  events: BrokerLinkEvents;
  socketFactory?: SocketFactory;
  random?: () => number;
  /** Runs the handling of each frame from the broker, and with it every event the frame causes (default: as it is). */
  handlingFrame?: FrameScope;
}

/** Wraps the handling of one frame from the broker: the app renders what a frame changed in a task of its own (src/stores/deferred-renders.ts). */
export type FrameScope = (handle: () => void) => void;

type Timer = ReturnType<typeof setTimeout>;

const OPEN = 1;

/**
 * The one WebSocket to the broker: logon v2, reconnecting with backoff ("Staying connected"), close codes. It knows
 * nothing of thermostats: it sends packets it is given and hands on what is routed to this app and the broker's ERRORs.
 * The broker's pings are answered by the browser itself, which does not show them to the page, so the link has no
 * keep-alive of its own; each thermostat session keeps itself heard (thermostat-session.ts).
 */
export class BrokerLink {
  private url: string;
  private readonly identity: LogonKeys;
  private readonly events: BrokerLinkEvents;
  private readonly socketFactory: SocketFactory;
  private readonly random: () => number;
  private readonly handlingFrame: FrameScope;

  private socket: SocketLike | null = null;
  /** The current socket's CHALLENGE has been answered: a broker sends one, and a second would not be honoured. */
  private challengeAnswered = false;
  private loggedOn = false;
  private stopped = true;
  private reconnectAttempt = 0;
  private reconnectTimer: Timer | undefined;
  private currentStatus: BrokerStatus | null = null;

  constructor(options: BrokerLinkOptions) {
    this.url = options.url;
    this.identity = options.identity;
    this.events = options.events;
    this.socketFactory = options.socketFactory ?? ((url) => new WebSocket(url));
    this.random = options.random ?? Math.random;
    this.handlingFrame = options.handlingFrame ?? ((handle) => handle());
  }

  get status(): BrokerStatus | null {
    return this.currentStatus;
  }

  get isLoggedOn(): boolean {
    return this.loggedOn;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.setStatus('connecting');
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.detach();
    socket?.close(1000, 'app closed');
  }

  /**
   * Network back or window visible again: try now instead of waiting out the backoff. Not once another window of this
   * app took over the ID: that one keeps it until the person asks here (reconnectNow).
   */
  resume(): void {
    if (this.currentStatus === 'replaced') return;
    this.reconnectNow();
  }

  /** The person asked: connect now, even if another window took over the ID. */
  reconnectNow(): void {
    if (this.stopped || this.socket !== null) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectAttempt = 0;
    this.connect();
  }

  setUrl(url: string): void {
    if (url === this.url) return;
    this.url = url;
    if (this.stopped) return;
    const socket = this.socket;
    this.detach();
    socket?.close(1000, 'broker changed');
    clearTimeout(this.reconnectTimer);
    this.reconnectAttempt = 0;
    this.setStatus('connecting');
    this.connect();
  }

  /** Sends one packet; false when the socket is not open and logged on. */
  send(packet: Packet): boolean {
    if (this.socket === null || this.socket.readyState !== OPEN || !this.loggedOn) return false;
    this.socket.send(JSON.stringify(packet));
    return true;
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.socketFactory(this.url);
    } catch {
      // A malformed broker URL throws synchronously; treat it like an unreachable broker.
      this.setStatus('offline');
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    // The LOG_ON signs the host of the URL this socket was opened with: the broker checks it against the Host it was reached at.
    const url = this.url;
    this.challengeAnswered = false;
    socket.onmessage = (event) => {
      const text = event.data;
      if (typeof text === 'string') this.handlingFrame(() => this.handleFrame(text, socket, url));
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.handleClose(event.code);
    };
    socket.onerror = () => {
      // A close event always follows; it carries the decision.
    };
  }

  private detach(): void {
    if (this.socket !== null) {
      this.socket.onopen = null;
      this.socket.onmessage = null;
      this.socket.onclose = null;
      this.socket.onerror = null;
    }
    this.socket = null;
    this.challengeAnswered = false;
    const wasLoggedOn = this.loggedOn;
    this.loggedOn = false;
    if (wasLoggedOn) this.events.closed();
  }

  private handleClose(code: number): void {
    this.detach();
    if (this.stopped) return;
    if (code === CLOSE_CODES.replaced) {
      // Another window of this app logged on with our ID. Fighting back would make both churn.
      this.setStatus('replaced');
      return;
    }
    this.setStatus('offline');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const delay = backoffDelay(this.reconnectAttempt, this.random);
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      if (!this.stopped && this.socket === null) this.connect();
    }, delay);
  }

  /** Answers the broker's CHALLENGE once per socket, if the socket is still ours and open when the signature is ready. */
  private async answerChallenge(socket: SocketLike, url: string, nonce: string): Promise<void> {
    if (this.challengeAnswered) return;
    this.challengeAnswered = true;
    let packet: LogOnPacket;
    try {
      packet = await signedLogOn(this.identity, nonce, logonHost(url));
    } catch (error) {
      // The key pair cannot sign (a storage or browser fault): without a logon this socket is useless.
      console.error('Could not sign the logon', error);
      if (this.socket === socket) socket.close(1000, 'cannot sign logon');
      return;
    }
    if (this.socket === socket && socket.readyState === OPEN) socket.send(JSON.stringify(packet));
  }

  private handleFrame(text: string, socket: SocketLike, url: string): void {
    const parsed = parsePacket(text);
    if (!parsed.ok) return;
    const packet = parsed.value;
    switch (packet.packet_type) {
      case 'CHALLENGE':
        void this.answerChallenge(socket, url, packet.nonce);
        return;
      case 'ACK_LOG_ON':
        if (packet.receiver !== this.identity.id || this.loggedOn) return;
        this.loggedOn = true;
        this.reconnectAttempt = 0;
        this.setStatus('connected');
        this.events.loggedOn();
        return;
      case 'ERROR':
        this.events.error({ code: packet.code, ref: packet.ref, receiver: packet.receiver });
        return;
      case 'MSG':
      case 'START':
        if (!this.loggedOn) return;
        this.events.routed({ packetType: packet.packet_type, transmitter: packet.transmitter, receiver: packet.receiver, data: packet.data });
        return;
      default:
        return;
    }
  }

  private setStatus(status: BrokerStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.events.status(status);
  }
}
