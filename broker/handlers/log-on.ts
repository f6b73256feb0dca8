import { ackLogOn, verifyLogon, type ClientId, type LogOnPacket, type LogonCheck } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';
import type { BrokerContext } from '../context.ts';
import { nodeLogonCrypto } from '../logon-crypto.ts';

const REF = { ref: 'LOG_ON' } as const;

/**
 * docs/protocol.md, "Logging on". Checks run cheapest and least disturbing first; nothing touches an existing
 * binding of the ID until the signature has verified and the ID is within its logon rate. The rule is the
 * contract's (protocol/logon.ts); the arithmetic is Node's OpenSSL (logon-crypto.ts), cheaper for the event loop
 * than WebCrypto's hand-off to the thread pool. The promise settles once the proof is checked (a single broker
 * has then decided the logon; a node of a cluster goes on to ask Redis, and fails the connection itself if that
 * goes wrong). The router does not wait for it, and routes a rejection to the connection's error path.
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
    finishLogOn(context, connection, packet, themes, await verifyLogon(packet, challenge.nonce, challenge.host, nodeLogonCrypto));
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
  if (context.cluster === undefined) return bind(context, connection, packet.transmitter, themes);
  // A node of a cluster first has Redis count the ID's logons on every node and order this one (cluster/cluster.ts).
  context.cluster.claim(packet.transmitter, connection, themes).then(
    (admitted) => {
      if (connection.state !== 'verifying') return;
      if (admitted) return bind(context, connection, packet.transmitter, themes);
      context.log.warn('logon_rate_limited', { id: packet.transmitter, cluster: true });
      connection.fail('logon_rate_limited', 'too many logons for this ID; try again later', REF);
    },
    (error: unknown) => connection.failInternally(error),
  );
}

function bind(context: BrokerContext, connection: Connection, id: ClientId, themes: Set<string>): void {
  const previous = context.registry.bind(id, connection);
  connection.markLoggedOn(id);
  for (const theme of themes) {
    connection.addTheme(theme);
    context.registry.subscribe(theme, connection);
  }
  connection.sendPacket(ackLogOn(id));
  previous?.closeWith('replaced');
  // Debug, not info: one line per logon was 6 % of a logon storm (issue 13), and a fleet logs on all the time.
  if (context.log.enabled('debug')) {
    context.log.debug('logged_on', { id, themes: themes.size, replaced: previous !== undefined });
  }
}
