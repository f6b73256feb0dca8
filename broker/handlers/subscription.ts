import type { SubscriptionPacket } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';
import type { BrokerContext } from '../context.ts';

/** SUBSCRIBE is idempotent and capped per connection; UNSUBSCRIBE of a theme not held is a no-op. */
export function handleSubscribe(context: BrokerContext, connection: Connection, packet: SubscriptionPacket): void {
  if (connection.themes.has(packet.theme)) return;
  if (connection.themes.size >= context.config.maxSubscriptions) {
    return connection.fail('bad_packet', `at most ${context.config.maxSubscriptions} themes`, { ref: packet.packet_type });
  }
  connection.addTheme(packet.theme);
  context.registry.subscribe(packet.theme, connection);
}

export function handleUnsubscribe(context: BrokerContext, connection: Connection, packet: SubscriptionPacket): void {
  if (!connection.removeTheme(packet.theme)) return;
  context.registry.unsubscribe(packet.theme, connection);
}
