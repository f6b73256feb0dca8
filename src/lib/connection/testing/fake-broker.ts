import { ackLogOn, errorPacket, parsePacket, verifyProof, type Packet, type PacketType, type RoutedPacket } from '@protocol';
import type { SocketLike } from '../connection-client';
import type { TestThermostat } from './test-thermostat';

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

  open(): void {
    this.readyState = OPEN;
    this.onopen?.(new Event('open'));
  }

  deliver(packet: Packet): void {
    void Promise.resolve().then(() => {
      if (this.readyState === OPEN) this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(packet) }));
    });
  }

  serverClose(code: number): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.onclose?.(new CloseEvent('close', { code }));
  }
}

/** Routes between one app and one TestThermostat the way the broker does, without a network. */
export class FakeBroker {
  readonly sockets: FakeSocket[] = [];
  reachable = true;
  thermostatOnline = true;

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

  fromApp(socket: FakeSocket, packet: Packet): void {
    switch (packet.packet_type) {
      case 'LOG_ON':
        if (verifyProof(packet.transmitter, packet.proof)) socket.deliver(ackLogOn(packet.transmitter));
        else socket.serverClose(4003);
        return;
      case 'START':
      case 'MSG':
        if (packet.receiver !== this.thermostat.id || !this.thermostatOnline) {
          socket.deliver(errorPacket('receiver_offline', 'receiver is not logged on', { ref: packet.packet_type, receiver: packet.receiver }));
          return;
        }
        this.thermostat.handle(packet).forEach((reply) => socket.deliver(reply));
        return;
      default:
        return;
    }
  }
}
