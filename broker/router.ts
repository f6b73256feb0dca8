/**
 * Every frame from a client passes here, in this order: size, rate, frame type, parse, logon state,
 * then exactly one handler per packet type.
 */
import { parsePacket, type PacketType } from '../protocol/index.ts';
import type { Connection } from './connection.ts';
import type { BrokerContext } from './context.ts';
import { handleLogOn } from './handlers/log-on.ts';
import { handleRouted } from './handlers/routed.ts';
import { handleSubscribe, handleUnsubscribe } from './handlers/subscription.ts';
import { readRoutingHeader } from './routing-header.ts';

export function routeFrame(context: BrokerContext, connection: Connection, frame: Buffer, isBinary: boolean): void {
  connection.messagesReceived += 1;
  if (connection.state === 'closed') return;
  if (frame.length > context.config.maxFrameBytes) {
    return connection.fail('too_large', `frames are at most ${context.config.maxFrameBytes} bytes`);
  }
  switch (connection.floodGuard.admit(context.now())) {
    case 'accept':
      break;
    case 'drop':
      context.stats.rateLimited += 1;
      return;
    case 'drop_and_notify':
      context.stats.rateLimited += 1;
      return connection.fail('rate_limited', `over ${context.config.rateLimitPerSecond} deliveries per second; packet dropped`);
    case 'flooding':
      context.stats.rateLimited += 1;
      context.log.warn('flooding', { id: connection.id });
      return connection.fail('flooding', 'persistent flooding');
  }
  if (isBinary) return connection.fail('bad_json', 'binary frames are not accepted; send text');

  // MSG and START of the plain shape every client sends: routed from the header's bytes, `data` never read.
  const header = readRoutingHeader(frame);
  if (header !== null) {
    if (refusedBeforeLogon(connection, header.packet_type)) return;
    return handleRouted(context, connection, header, frame);
  }
  // ws has checked that a text frame is UTF-8.
  const parsed = parsePacket(frame.toString('utf8'));
  if (!parsed.ok) return connection.fail(parsed.error, parsed.message, parsed.ref === undefined ? {} : { ref: parsed.ref });
  const packet = parsed.value;
  if (refusedBeforeLogon(connection, packet.packet_type)) return;
  switch (packet.packet_type) {
    case 'LOG_ON':
      // Not awaited: the signature is checked off the event loop. A rejection (a throw before its first await)
      // takes the connection's one error path, as a throw from any other handler does in server.ts.
      handleLogOn(context, connection, packet).catch((error: unknown) => connection.failInternally(error));
      return;
    case 'MSG':
    case 'START':
      return handleRouted(context, connection, packet, frame);
    case 'SUBSCRIBE':
      return handleSubscribe(context, connection, packet);
    case 'UNSUBSCRIBE':
      return handleUnsubscribe(context, connection, packet);
    case 'CHALLENGE':
    case 'ACK_LOG_ON':
    case 'ERROR':
    case 'RELAY':
      return connection.fail('bad_packet', `${packet.packet_type} is sent by the broker, not to it`, { ref: packet.packet_type });
  }
}

/** Refuses (and says why) a packet the connection's logon state does not allow yet. */
function refusedBeforeLogon(connection: Connection, packetType: PacketType): boolean {
  if (connection.state === 'verifying') {
    // A client waits for ACK_LOG_ON before sending more; one that does not is told so and keeps its logon.
    const fault = packetType === 'LOG_ON' ? 'bad_packet' : 'not_logged_on';
    connection.fail(fault, 'the LOG_ON is still being verified; wait for ACK_LOG_ON', { ref: packetType });
    return true;
  }
  if (connection.state !== 'logged_on' && packetType !== 'LOG_ON') {
    connection.fail('not_logged_on', 'send LOG_ON first', { ref: packetType });
    return true;
  }
  return false;
}
