import {
  ackLogOn,
  challenge,
  errorPacket,
  logonHost,
  makeNonce,
  parsePacket,
  verifyLogon,
  type LogOnPacket,
  type Packet,
  type PacketType,
  type RoutedPacket,
} from '@protocol';
import type { SocketLike } from '../broker-link';
import type { TestThermostat } from './test-thermostat';

/** The real clock's timer, taken before a test installs fake timers: a bound on real work must not wait for fake time. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
/** Signing and checking a logon takes milliseconds; a socket whose logon is still open after this never sent LOG_ON. */
const LOGON_SETTLE_LIMIT_MS = 5_000;

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/** The app's end of an in-memory connection; frames arrive asynchronously, as on a real socket. */
export class FakeSocket implements SocketLike {
  readyState = CONNECTING;
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  readonly sent: Packet[] = [];
  readonly nonce = makeNonce();
  /** A logon is open from the CHALLENGE until the broker has answered the LOG_ON or the socket closed. */
  logonDecided = false;

  constructor(
    private readonly broker: FakeBroker,
    readonly url: string,
  ) {}

  send(data: string): void {
    if (this.readyState !== OPEN) throw new Error('send on a socket that is not open');
    const parsed = parsePacket(data);
    if (!parsed.ok) throw new Error(`app sent a bad packet: ${parsed.message}`);
    this.sent.push(parsed.value);
    this.broker.fromApp(this, parsed.value);
  }

  close(code = 1000): void {
    this.serverClose(code);
  }

  /** Opens and, as the broker does first on every connection, sends a CHALLENGE with a fresh nonce. */
  open(): void {
    this.readyState = OPEN;
    this.onopen?.(new Event('open'));
    this.deliver(challenge(this.nonce));
  }

  deliver(packet: Packet): void {
    void Promise.resolve().then(() => {
      if (this.readyState === OPEN) this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(packet) }));
    });
  }

  serverClose(code: number): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.broker.logonDecided(this);
    this.onclose?.(new CloseEvent('close', { code }));
  }
}

/** Routes between one app and one TestThermostat the way the broker does, without a network. */
export class FakeBroker {
  readonly sockets: FakeSocket[] = [];
  reachable = true;
  thermostatOnline = true;
  /** Frames of each type to the thermostat that the broker drops with `rate_limited`, as when it takes no more from the app. */
  readonly busyFor = new Map<PacketType, number>();
  /** START packets to each of the `others` (by ID) that the broker drops with `rate_limited`. */
  readonly startsBusyFor = new Map<string, number>();
  private readonly logonWaiters: (() => void)[] = [];
  /** More thermostats of the household, each online unless its `online` flag here says otherwise. */
  readonly others = new Map<string, { thermostat: TestThermostat; online: boolean }>();

  constructor(readonly thermostat: TestThermostat) {}

  readonly factory = (url: string): SocketLike => {
    const socket = new FakeSocket(this, url);
    this.sockets.push(socket);
    void Promise.resolve().then(() => (this.reachable ? socket.open() : socket.serverClose(1006)));
    return socket;
  };

  get latest(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error('the app opened no socket');
    return socket;
  }

  /** Everything the app sent over all its connections, of one packet type. */
  sentByApp(packetType: PacketType): Packet[] {
    return this.sockets.flatMap((socket) => socket.sent).filter((packet) => packet.packet_type === packetType);
  }

  /** Sends a thermostat-originated packet (a push, or a replay) to the app. */
  push(packet: RoutedPacket): void {
    this.latest.deliver(packet);
  }

  /**
   * Waits until every open socket's logon is decided, in real time: the app signs and this broker verifies
   * with WebCrypto, whose work fake timers neither run nor wait for. Resolves true if there was one to wait for;
   * rejects, naming the socket, if `limitMs` of real time pass with no logon decided (the app never sent LOG_ON).
   * Fake timers fake Date as well, so the limit is kept by the real clock's timer.
   */
  async logonsSettled(limitMs = LOGON_SETTLE_LIMIT_MS): Promise<boolean> {
    let waited = false;
    for (;;) {
      const open = this.sockets.findIndex((socket) => socket.readyState === OPEN && !socket.logonDecided);
      if (open < 0) return waited;
      waited = true;
      const decided = await new Promise<boolean>((resolve) => {
        const timer = realSetTimeout(() => resolve(false), limitMs);
        this.logonWaiters.push(() => {
          realClearTimeout(timer);
          resolve(true);
        });
      });
      if (!decided) {
        throw new Error(`socket ${open} (${this.sockets[open]?.url}) has had no LOG_ON answered within ${limitMs} ms: did the app send one?`);
      }
    }
  }

  logonDecided(socket: FakeSocket): void {
    socket.logonDecided = true;
    this.logonWaiters.splice(0).forEach((wake) => wake());
  }

  /** As the real broker checks it (docs/protocol.md, "Logging on"), with the URL's host standing for Host. */
  private async logOn(socket: FakeSocket, packet: LogOnPacket): Promise<void> {
    const check = await verifyLogon(packet, socket.nonce, logonHost(socket.url));
    if (socket.readyState !== OPEN) return;
    if (check.ok) socket.deliver(ackLogOn(packet.transmitter));
    else {
      socket.deliver(errorPacket('bad_proof', check.message, { ref: 'LOG_ON' }));
      void Promise.resolve().then(() => socket.serverClose(4003));
    }
    this.logonDecided(socket);
  }

  fromApp(socket: FakeSocket, packet: Packet): void {
    switch (packet.packet_type) {
      case 'LOG_ON':
        void this.logOn(socket, packet);
        return;
      case 'START':
      case 'MSG': {
        const deliver = (replies: RoutedPacket[]) => replies.forEach((reply) => socket.deliver(reply));
        const other = this.others.get(packet.receiver);
        if (other !== undefined) {
          const busyStarts = packet.packet_type === 'START' ? (this.startsBusyFor.get(packet.receiver) ?? 0) : 0;
          if (other.online && busyStarts > 0) {
            this.startsBusyFor.set(packet.receiver, busyStarts - 1);
            socket.deliver(errorPacket('rate_limited', 'the receiver takes no more from you for now; packet dropped', { ref: 'START', receiver: packet.receiver }));
          } else if (other.online) other.thermostat.handle(packet, deliver).forEach((reply) => socket.deliver(reply));
          else socket.deliver(errorPacket('receiver_offline', 'receiver is not logged on', { ref: packet.packet_type, receiver: packet.receiver }));
          return;
        }
        if (packet.receiver !== this.thermostat.id || !this.thermostatOnline) {
          socket.deliver(errorPacket('receiver_offline', 'receiver is not logged on', { ref: packet.packet_type, receiver: packet.receiver }));
          return;
        }
        const busy = this.busyFor.get(packet.packet_type) ?? 0;
        if (busy > 0) {
          this.busyFor.set(packet.packet_type, busy - 1);
          socket.deliver(errorPacket('rate_limited', 'the receiver takes no more from you for now; packet dropped', { ref: packet.packet_type, receiver: packet.receiver }));
          return;
        }
        this.thermostat.handle(packet, deliver).forEach((reply) => socket.deliver(reply));
        return;
      }
      default:
        return;
    }
  }
}
