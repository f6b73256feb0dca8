import { ackLogOn, verifyProof, type LogOnPacket } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';
import type { BrokerContext } from '../context.ts';

/**
 * Checks run cheapest and least disturbing first; nothing touches an existing binding of the ID
 * until the proof has verified and the ID is within its logon rate.
 */
export function handleLogOn(context: BrokerContext, connection: Connection, packet: LogOnPacket): void {
  const ref = packet.packet_type;
  if (connection.state === 'logged_on') return connection.fail('bad_packet', 'already logged on', { ref });
  const themes = new Set(packet.themes ?? []);
  if (themes.size > context.config.maxSubscriptions) {
    return connection.fail('bad_packet', `at most ${context.config.maxSubscriptions} themes`, { ref });
  }
  if (!verifyProof(packet.transmitter, packet.proof)) return connection.fail('bad_proof', 'proof does not hash to the ID', { ref });
  if (!context.logonLimiter.tryAcquire(packet.transmitter, context.now())) {
    context.log.warn('logon_rate_limited', { id: packet.transmitter });
    return connection.fail('logon_rate_limited', 'too many logons for this ID; try again later', { ref });
  }

  const previous = context.registry.bind(packet.transmitter, connection);
  connection.markLoggedOn(packet.transmitter);
  for (const theme of themes) {
    connection.addTheme(theme);
    context.registry.subscribe(theme, connection);
  }
  connection.sendPacket(ackLogOn(packet.transmitter));
  previous?.closeWith('replaced');
  context.log.info('logged_on', { id: packet.transmitter, themes: themes.size, replaced: previous !== undefined });
}
