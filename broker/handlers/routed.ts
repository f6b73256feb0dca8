import { BROADCAST, MULTICAST, type RoutedPacket } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';
import type { BrokerContext } from '../context.ts';

/** MSG and START: the original frame goes out byte for byte; the broker never reads `data`. */
export function handleRouted(context: BrokerContext, connection: Connection, packet: RoutedPacket, frame: Buffer): void {
  const ref = packet.packet_type;
  if (packet.transmitter !== connection.id) {
    return connection.fail('spoofed_transmitter', 'transmitter is not the ID this connection logged on with', { ref });
  }
  if (packet.receiver === BROADCAST) {
    context.stats.forwarded += sendToOthers(context.registry.loggedOn(), connection, frame);
    return;
  }
  if (packet.receiver === MULTICAST) {
    if (packet.theme === undefined) return connection.fail('bad_packet', 'theme must be a theme with MULTICAST', { ref });
    context.stats.forwarded += sendToOthers(context.registry.subscribers(packet.theme), connection, frame);
    return;
  }
  const receiver = context.registry.lookup(packet.receiver);
  if (receiver === undefined) {
    return connection.fail('receiver_offline', 'receiver is not logged on', { ref, receiver: packet.receiver });
  }
  if (receiver.sendFrame(frame)) context.stats.forwarded += 1;
}

function sendToOthers(peers: Iterable<Connection>, sender: Connection, frame: Buffer): number {
  let sent = 0;
  for (const peer of peers) {
    if (peer !== sender && peer.sendFrame(frame)) sent += 1;
  }
  return sent;
}
