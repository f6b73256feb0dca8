/**
 * docs/protocol.md, "Limits": a message must be whole within messageTimeoutMs of its first byte. ws keeps an
 * unfinished message (fragments, or a partial frame) as long as the socket lives; this sweep closes such a
 * connection with 4008, which frees what it held.
 */
import type { WebSocket } from 'ws';
import type { BrokerContext } from './context.ts';
import { UnfinishedMessage } from './limits.ts';
import { unfinishedMessageBytes } from './ws-internals.ts';

/** Checks per deadline: an unfinished message is closed between 1 and 1 + 1/CHECKS_PER_DEADLINE deadlines after it began. */
const CHECKS_PER_DEADLINE = 4;

export const deadlineCheckInterval = (messageTimeoutMs: number): number => Math.max(1, Math.floor(messageTimeoutMs / CHECKS_PER_DEADLINE));

export function closeOverdueMessages(context: BrokerContext): void {
  const now = context.now();
  for (const connection of context.connections) {
    // Once closed it is counted and its cut is timed; ws holds the message until then.
    if (connection.state === 'closed') continue;
    const pending = unfinishedMessageBytes(connection.socket as WebSocket);
    if (pending === null) {
      connection.unfinished = null;
      continue;
    }
    connection.unfinished ??= new UnfinishedMessage();
    if (!connection.unfinished.overdue(connection.messagesReceived, now, context.config.messageTimeoutMs)) continue;
    context.stats.unfinishedMessagesClosed += 1;
    context.log.info('message_timeout', { id: connection.id, address: connection.address, pending_bytes: pending });
    connection.closeWith('messageTimeout');
    // ws holds the message until the socket is gone: a client that does not finish the close handshake is cut.
    const socket = connection.socket;
    setTimeout(() => socket.terminate(), context.config.closeGraceMs).unref();
  }
}

/** Bytes held for unfinished messages across the broker, for stats. */
export function heldMessageBytes(context: BrokerContext): number {
  let total = 0;
  for (const connection of context.connections) total += unfinishedMessageBytes(connection.socket as WebSocket) ?? 0;
  return total;
}
