/** What every handler may use: one object per running broker, passed down rather than kept in module state. */
import type { Cluster } from './cluster/cluster.ts';
import type { BrokerConfig } from './config.ts';
import type { Connection } from './connection.ts';
import type { AddressLimits, IngressLimits, LogonLimiter } from './limits.ts';
import type { Logger } from './log.ts';
import type { PartnerBook } from './partners.ts';
import type { Registry } from './registry.ts';
import type { WriteBatch } from './write-batch.ts';

export interface BrokerStats {
  /** Frames written to receivers (a broadcast to n peers counts n). */
  forwarded: number;
  /** Packets refused by the per-connection rate limit. */
  rateLimited: number;
  /** Frames not written because the receiver's unsent bytes were over the ceiling. */
  droppedToSlowReceivers: number;
  /** Frames not delivered because the receiver had taken its inbound budget from senders it has not addressed. */
  droppedOverInboundBudget: number;
  /** WebSocket upgrades refused because the broker or the client's address held its cap of connections. */
  connectionsRefused: number;
  /** TCP (or TLS) sockets cut as they arrived because their peer address held its cap of sockets. */
  socketsRefused: number;
  /** Connections closed because a message stayed unfinished past the deadline. */
  unfinishedMessagesClosed: number;
  /** ERROR packets sent. */
  errorsSent: number;
}

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly registry: Registry<Connection>;
  /** The other nodes, through Redis (--redis); absent for a single broker. */
  readonly cluster?: Cluster;
  readonly logonLimiter: LogonLimiter;
  readonly addressLimits: AddressLimits;
  /** Whom each ID has addressed, kept across its reconnects (partners.ts). */
  readonly partners: PartnerBook;
  /** The OwnTracks ingress's rates and requests in progress (handlers/owntracks-ingress.ts). */
  readonly ingress: IngressLimits;
  readonly connections: Set<Connection>;
  readonly log: Logger;
  readonly stats: BrokerStats;
  /** Frames written in one turn of the event loop leave together, per receiver (write-batch.ts). */
  readonly writes: WriteBatch;
  readonly now: () => number;
}

export const emptyStats = (): BrokerStats => ({
  forwarded: 0,
  rateLimited: 0,
  droppedToSlowReceivers: 0,
  droppedOverInboundBudget: 0,
  connectionsRefused: 0,
  socketsRefused: 0,
  unfinishedMessagesClosed: 0,
  errorsSent: 0,
});
