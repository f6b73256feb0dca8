import type { ClientId, Packet, PacketType, RoutedPacket } from '@protocol';
import { ThermostatSession, type ThermostatSessionEvents, type ThermostatSessionOptions } from '../thermostat-session';
import { OwntracksLedger } from '../owntracks-ledger';
import type { TestThermostat } from './test-thermostat';

type RequiredEvents = 'status' | 'state' | 'pendingSettings' | 'commandFailed';

/**
 * What stands between a ThermostatSession and a TestThermostat in its tests: no socket and no broker, only the
 * session's `send` and what a broker would answer (the thermostat's replies, `receiver_offline`, `rate_limited`), each
 * arriving asynchronously as on a real link.
 */
export class SessionWire {
  /** Whether the broker link is logged on: `send` fails while it is not. */
  up = true;
  /** Whether the thermostat is connected to the broker; while not, each packet is answered `receiver_offline`. */
  thermostatOnline = true;
  /** Packets of each type that the broker drops with `rate_limited`, as when the thermostat takes no more from the app. */
  readonly busyFor = new Map<PacketType, number>();
  readonly sent: Packet[] = [];
  session: ThermostatSession | null = null;

  constructor(readonly thermostat: TestThermostat) {}

  send(packet: Packet): boolean {
    if (!this.up) return false;
    this.sent.push(packet);
    if (packet.packet_type !== 'START' && packet.packet_type !== 'MSG') return true;
    const deliver = (replies: RoutedPacket[]) => replies.forEach((reply) => this.push(reply));
    void Promise.resolve().then(() => {
      if (!this.thermostatOnline) {
        this.brokerError('receiver_offline', packet.packet_type);
        return;
      }
      const busy = this.busyFor.get(packet.packet_type) ?? 0;
      if (busy > 0) {
        this.busyFor.set(packet.packet_type, busy - 1);
        this.brokerError('rate_limited', packet.packet_type);
        return;
      }
      deliver(this.thermostat.handle(packet, deliver));
    });
    return true;
  }

  /** Everything the session sent, of one packet type. */
  sentByApp(packetType: PacketType): Packet[] {
    return this.sent.filter((packet) => packet.packet_type === packetType);
  }

  /** A thermostat-originated packet (a push, a reply, or a replay) reaches the session. */
  push(packet: RoutedPacket): void {
    void Promise.resolve().then(() => {
      if (!this.up || (packet.packet_type !== 'START' && packet.packet_type !== 'MSG')) return;
      this.session?.handleRouted({ packetType: packet.packet_type, transmitter: packet.transmitter, receiver: packet.receiver, data: packet.data });
    });
  }

  private brokerError(code: string, ref: string): void {
    if (this.up) this.session?.handleBrokerError(code, ref);
  }

  /** The broker link drops: the session is told, and nothing more reaches it until `linkUp`. */
  linkDown(): void {
    this.up = false;
    this.session?.linkDown();
  }

  linkUp(): void {
    this.up = true;
    this.session?.linkUp();
  }
}

export type TestSessionOptions = Partial<Pick<ThermostatSessionOptions, 'thermostat' | 'presence' | 'now'>> & {
  me?: ClientId;
  memberName?: string | (() => string);
  owntracks?: OwntracksLedger;
  events?: Partial<Pick<ThermostatSessionEvents, RequiredEvents>> & Omit<ThermostatSessionEvents, RequiredEvents>;
};

/**
 * A ThermostatSession with `thermostat` over a SessionWire, as Ana’s phone unless said, holding the thermostat's old
 * shared key as its member key unless said, with backoff draws fixed (random 0.5) so retries come at known times. The
 * link is down until the test calls `wire.linkUp()`.
 */
export function testSession(thermostat: TestThermostat, { me = 'AnasPhoneAnasPhoneAnas', memberName = 'Ana’s phone', events = {}, owntracks, ...options }: TestSessionOptions = {}) {
  const wire = new SessionWire(thermostat);
  wire.up = false;
  const session = new ThermostatSession({
    me,
    thermostat: options.thermostat ?? { id: thermostat.id, key: thermostat.key, joined: true, verified: false },
    send: (packet) => wire.send(packet),
    memberName: typeof memberName === 'string' ? () => memberName : memberName,
    owntracks: owntracks ?? new OwntracksLedger(me, () => undefined),
    random: () => 0.5,
    ...(options.presence === undefined ? {} : { presence: options.presence }),
    ...(options.now === undefined ? {} : { now: options.now }),
    events: {
      status: () => undefined,
      state: () => undefined,
      pendingSettings: () => undefined,
      commandFailed: () => undefined,
      ...events,
    },
  });
  wire.session = session;
  return { session, wire, me };
}
