/**
 * Every frame from a client passes here, in this order: size, rate, frame type, parse, logon state,
 * then exactly one handler per packet type.
 */
import { parsePacket } from '../protocol/index.ts';
import type { Connection } from './connection.ts';
import type { BrokerContext } from './context.ts';
import { handleLogOn } from './handlers/log-on.ts';
import { handleRouted } from './handlers/routed.ts';
import { handleSubscribe, handleUnsubscribe } from './handlers/subscription.ts';

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

  const parsed = parsePacket(frame.toString('utf8'));
  if (!parsed.ok) return connection.fail(parsed.error, parsed.message, parsed.ref === undefined ? {} : { ref: parsed.ref });
  const packet = parsed.value;
  if (connection.state === 'verifying') {
    // A client waits for ACK_LOG_ON before sending more; one that does not is told so and keeps its logon.
    const fault = packet.packet_type === 'LOG_ON' ? 'bad_packet' : 'not_logged_on';
    return connection.fail(fault, 'the LOG_ON is still being verified; wait for ACK_LOG_ON', { ref: packet.packet_type });
  }
  if (connection.state !== 'logged_on' && packet.packet_type !== 'LOG_ON') {
    return connection.fail('not_logged_on', 'send LOG_ON first', { ref: packet.packet_type });
  }
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
