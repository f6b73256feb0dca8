import type { Connection } from '../connection.ts';
import type { BrokerContext } from '../context.ts';

/** Whoever closed the socket: forget the connection. Unbinding is conditional, so a replaced connection leaves the new binding alone. */
export function handleDisconnect(context: BrokerContext, connection: Connection, code: number): void {
  connection.dispose();
  // Once per connection, so the per-address counts cannot drift.
  if (!context.connections.delete(connection)) return;
  context.addressLimits.closed(connection.address);
  for (const theme of connection.takeThemes()) context.registry.unsubscribe(theme, connection);
  if (connection.id !== null) context.registry.unbind(connection.id, connection);
  if (context.log.enabled('debug')) context.log.debug('connection_closed', { id: connection.id, code });
}
