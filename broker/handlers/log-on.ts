import { ackLogOn, verifyLogon, type LogOnPacket, type LogonCheck } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';
import type { BrokerContext } from '../context.ts';

const REF = { ref: 'LOG_ON' } as const;

/**
 * docs/protocol.md, "Logging on". Checks run cheapest and least disturbing first; nothing touches an existing
 * binding of the ID until the signature has verified and the ID is within its logon rate. The signature is
 * checked by WebCrypto off the event loop (Node's crypto thread pool), so forwarding does not wait for it.
 * The promise settles once the logon is decided; the router does not wait for it, and routes a rejection to the
 * connection's error path.
 */
export async function handleLogOn(context: BrokerContext, connection: Connection, packet: LogOnPacket): Promise<void> {
  if (connection.state === 'logged_on') return connection.fail('bad_packet', 'already logged on', REF);
  if (!context.addressLimits.tryLogon(connection.address, context.now())) {
    return connection.fail('address_logon_rate_limited', 'too many logons from your address; try again later', REF);
  }
  const themes = new Set(packet.themes ?? []);
  if (themes.size > context.config.maxSubscriptions) {
    return connection.fail('bad_packet', `at most ${context.config.maxSubscriptions} themes`, REF);
  }
  const challenge = connection.challenge;
  if (challenge === null) return connection.fail('bad_proof', 'no CHALLENGE was sent on this connection', REF);
  connection.markVerifying();
  try {
    finishLogOn(context, connection, packet, themes, await verifyLogon(packet, challenge.nonce, challenge.host));
  } catch (error) {
    connection.failInternally(error);
  }
}

function finishLogOn(context: BrokerContext, connection: Connection, packet: LogOnPacket, themes: Set<string>, check: LogonCheck): void {
  // The socket may have gone, or the logon timer fired, while the signature was being checked.
  if (connection.state !== 'verifying') return;
  if (!check.ok) return connection.fail('bad_proof', check.message, REF);
  if (!context.logonLimiter.tryAcquire(packet.transmitter, context.now())) {
    context.log.warn('logon_rate_limited', { id: packet.transmitter });
    return connection.fail('logon_rate_limited', 'too many logons for this ID; try again later', REF);
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
