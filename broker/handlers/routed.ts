import { BROADCAST, MULTICAST, type ClientId } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';
import type { BrokerContext } from '../context.ts';
import type { RoutingHeader } from '../routing-header.ts';

/**
 * MSG and START: the original frame goes out byte for byte; the broker never reads `data`.
 * docs/protocol.md, "Limits": the sender pays one token per receiver, and each receiver takes from senders it
 * has not addressed itself only what its inbound budget allows.
 */
export function handleRouted(context: BrokerContext, connection: Connection, packet: RoutingHeader, frame: Buffer): void {
  const ref = packet.packet_type;
  const sender = connection.id;
  if (sender === null || packet.transmitter !== sender) {
    return connection.fail('spoofed_transmitter', 'transmitter is not the ID this connection logged on with', { ref });
  }
  // With other nodes (cluster/), each delivers to its own clients what this node publishes once.
  if (packet.receiver === BROADCAST) {
    sendToMany(context, context.registry.loggedOn(), connection, sender, frame);
    return context.cluster?.broadcast(sender, frame);
  }
  if (packet.receiver === MULTICAST) {
    if (packet.theme === undefined) return connection.fail('bad_packet', 'theme must be a theme with MULTICAST', { ref });
    sendToMany(context, context.registry.subscribers(packet.theme), connection, sender, frame);
    return context.cluster?.multicast(packet.theme, sender, frame);
  }
  const now = context.now();
  if (context.partners.addressed(sender, packet.receiver, now)) context.cluster?.addressed(sender, packet.receiver, now);
  const receiver = context.registry.lookup(packet.receiver);
  if (receiver === undefined) {
    if (context.cluster !== undefined) return context.cluster.unicast(connection, sender, packet.receiver, ref, frame);
    return connection.fail('receiver_offline', 'receiver is not logged on', { ref, receiver: packet.receiver });
  }
  if (!admits(context, receiver, sender, frame.length, now)) {
    context.stats.droppedOverInboundBudget += 1;
    if (!connection.floodGuard.noticeDue(now)) return;
    return connection.fail('receiver_busy', 'the receiver takes no more from you for now; packet dropped', { ref, receiver: packet.receiver });
  }
  if (receiver.sendFrame(frame)) context.stats.forwarded += 1;
}

/** Every peer but the sender, each within its inbound budget; the sender is charged one token per peer addressed. */
function sendToMany(context: BrokerContext, peers: Iterable<Connection>, connection: Connection, sender: ClientId, frame: Buffer): void {
  const now = context.now();
  let addressed = 0;
  for (const peer of peers) {
    if (peer === connection) continue;
    addressed += 1;
    if (!admits(context, peer, sender, frame.length, now)) context.stats.droppedOverInboundBudget += 1;
    else if (peer.sendFrame(frame)) context.stats.forwarded += 1;
  }
  // The frame's own token was taken on arrival (router.ts).
  if (addressed > 1) connection.floodGuard.charge(addressed - 1);
}

/**
 * A BROADCAST or MULTICAST from a sender on another node, to this node's `peers`: each within its inbound budget,
 * as above. Returns how many it addressed, for the sender's node to charge the sender (cluster/cluster.ts).
 */
export function deliverToMany(context: BrokerContext, peers: Iterable<Connection>, sender: ClientId, frame: Buffer): number {
  const now = context.now();
  let addressed = 0;
  for (const peer of peers) {
    if (peer.id === sender) continue;
    addressed += 1;
    if (!admits(context, peer, sender, frame.length, now)) context.stats.droppedOverInboundBudget += 1;
    else if (peer.sendFrame(frame)) context.stats.forwarded += 1;
  }
  return addressed;
}

/** A partner of the receiver (an ID it has addressed) gets through; anyone else takes from its budget for strangers. */
export function admits(context: BrokerContext, receiver: Connection, sender: ClientId, bytes: number, now: number): boolean {
  if (receiver.id !== null && context.partners.isPartner(receiver.id, sender, now)) return true;
  return receiver.inbound.admit(bytes, now);
}
