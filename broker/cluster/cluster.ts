/**
 * One broker node of several that route through Redis pub/sub (issue 14). Redis holds no routing state: a node
 * subscribes to a sharded channel per ID logged on here and per theme in use here, and to the BROADCAST channel;
 * a unicast to an ID not on this node is an SPUBLISH, and no node receiving it means receiver_offline. A node
 * that dies loses its subscriptions with its Redis connections, so nothing is left to clean up. Receivers on
 * this node are served as by a single broker, with no Redis round trip (handlers/routed.ts).
 *
 * Logons: once the proof and this node's rate passed (handlers/log-on.ts), this node subscribes to the ID's
 * channel and, only once Redis confirmed it, asks Redis for the ID's logon count and the next logon generation
 * (one atomic script); the logon binds and is acknowledged, and the generation is told to the ID's channel. Any
 * connection of the ID with a smaller generation, on any node, is replaced (4002). Since each claimant listens before it counts,
 * of two racing logons the one Redis numbered last hears the other's generation or is heard by it: the last
 * proven logon wins everywhere, decided by Redis's order, never by clocks.
 */
import { randomBytes } from 'node:crypto';
import { isClientId, type ClientId } from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';
import type { BrokerContext } from '../context.ts';
import { admits, deliverToMany } from '../handlers/routed.ts';
import type { Logger } from '../log.ts';
import { PARTNER_TTL_MS, PARTNERS_PER_ID } from '../partners.ts';
import { MemoryRegistry, type Registry } from '../registry.ts';
import {
  BROADCAST_CHANNEL,
  channelTarget,
  decodeNodePacket,
  encodeBusy,
  encodeCharge,
  encodeDelivery,
  encodeGeneration,
  encodeAnswer,
  encodeStranger,
  idChannel,
  NODE_ID_LENGTH,
  nodeChannel,
  themeChannel,
  REQUEST_LENGTH,
  type NodePacket,
  type RelayOutcome,
  type UnicastType,
} from './node-packets.ts';
import { RedisLink } from './redis-link.ts';

const LOGON_WINDOW_MS = 60_000;
/** How long the ingress waits for the thermostat's node to say what it did with a RELAY: a loopback or LAN hop takes well under 1 ms. */
const RELAY_ANSWER_TIMEOUT_MS = 1_000;
const DELIVERED: RelayOutcome = { kind: 'delivered' };
const OFFLINE: RelayOutcome = { kind: 'offline' };
const UNREACHABLE = 'the receiver is not on this node and the cluster cannot be reached; send again later';

/**
 * A logon's place in the order: its generation, then its node, which only a Redis that lost its data and counts
 * again can make count (two logons given one generation, one before and one after).
 */
interface Place {
  readonly generation: number;
  readonly node: string;
}

const isLater = (place: Place, than: Place | undefined): boolean =>
  than === undefined || place.generation > than.generation || (place.generation === than.generation && place.node > than.node);

/** The logon bound here for an ID, with its place. */
interface Claim {
  readonly connection: Connection;
  readonly place: Place;
}

export interface ClusterStatus {
  readonly redis: 'connected' | 'unavailable';
}

export class Cluster {
  readonly registry: Registry<Connection>;
  private readonly node = randomBytes(NODE_ID_LENGTH / 2).toString('hex');
  private readonly ownChannel = nodeChannel(this.node);
  private readonly link: RedisLink;
  private readonly local = new MemoryRegistry<Connection>();
  /** The generation Redis gave the connection of each ID bound here; absent while its claim is under way or failed. */
  private readonly claims = new Map<ClientId, Claim>();
  /** The largest generation this node has been given or heard, for any ID: Redis is raised to it when it comes back. */
  private highestGeneration = 0;
  /** The latest place heard on each ID's channel while this node listens to it. */
  private readonly newestHeard = new Map<ClientId, Place>();
  /** Logons of each ID being numbered or announced: its channel is held for them even if the connection has gone meanwhile. */
  private readonly holding = new Map<ClientId, number>();
  /** Numbers Redis gave logons that log-on.ts has not bound yet. */
  private readonly numbered = new WeakMap<Connection, number>();
  private context: BrokerContext | null = null;
  /** RELAYs sent to other nodes, by request, until their node answers. */
  private readonly awaitingAnswer = new Map<string, (outcome: RelayOutcome) => void>();
  private nextRequest = 0;

  constructor(
    url: string,
    private readonly log: Logger,
  ) {
    this.link = new RedisLink(url, log, (channel, payload) => this.received(channel, payload), () => this.restored());
    this.registry = new ClusterRegistry(this.local, this);
    this.link.want(BROADCAST_CHANNEL).catch(() => undefined);
    this.link.want(this.ownChannel).catch(() => undefined);
  }

  /** The context this node's deliveries use; set once, right after both exist (server.ts). */
  attach(context: BrokerContext): void {
    this.context = context;
  }

  status(): ClusterStatus {
    return { redis: this.link.isAvailable ? 'connected' : 'unavailable' };
  }

  /** Resolves once this node is connected to Redis with every channel it wants subscribed. */
  connected(): Promise<void> {
    return this.link.whenAvailable();
  }

  close(): Promise<void> {
    return this.link.close();
  }

  /** handlers/routed.ts: a unicast whose receiver is not on this node. */
  unicast(connection: Connection, sender: ClientId, receiver: ClientId, ref: UnicastType, frame: Buffer): void {
    if (!this.link.isAvailable) return connection.fail('receiver_offline', UNREACHABLE, { ref, receiver });
    this.link.publish(idChannel(receiver), encodeDelivery(ref, this.node, sender, frame)).then(
      (nodes) => {
        if (nodes === 0 && connection.state !== 'closed') connection.fail('receiver_offline', 'receiver is not logged on', { ref, receiver });
      },
      () => {
        if (connection.state !== 'closed') connection.fail('receiver_offline', UNREACHABLE, { ref, receiver });
      },
    );
  }

  /**
   * handlers/routed.ts: this node recorded that `from` addressed `to`; shared through Redis, so that the book
   * follows `from` to whichever node it logs on to next (docs/protocol.md, "Limits": it outlives a reconnect).
   */
  addressed(from: ClientId, to: ClientId, now: number): void {
    if (!this.link.isAvailable) return;
    this.link.recordPartner(from, to, now, PARTNER_TTL_MS, PARTNERS_PER_ID).catch(() => undefined);
  }

  /** handlers/routed.ts: a BROADCAST, already delivered on this node, for the other nodes (all on one channel). */
  broadcast(sender: ClientId, frame: Buffer): void {
    if (!this.link.isAvailable) return;
    this.link.publish(BROADCAST_CHANNEL, encodeDelivery('MSG', this.node, sender, frame)).catch(() => undefined);
  }

  /** handlers/routed.ts: a MULTICAST, already delivered on this node, for the other nodes. */
  multicast(theme: string, sender: ClientId, frame: Buffer): void {
    if (!this.link.isAvailable) return;
    this.link.publish(themeChannel(theme), encodeDelivery('MSG', this.node, sender, frame)).catch(() => undefined);
  }

  /**
   * The OwnTracks ingress: a RELAY for a thermostat not on this node. Resolves with what the thermostat's node did
   * with it (its budget for strangers applies there); as delivered when a node has the thermostat but does not
   * answer in time. Rejects while Redis is away.
   */
  async relay(thermostat: ClientId, frame: string): Promise<RelayOutcome> {
    if (!this.link.isAvailable) throw new Error('redis unavailable');
    const request = (this.nextRequest = (this.nextRequest + 1) >>> 0).toString(16).padStart(REQUEST_LENGTH, '0');
    const answered = new Promise<RelayOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.awaitingAnswer.delete(request);
        resolve(DELIVERED);
      }, RELAY_ANSWER_TIMEOUT_MS);
      this.awaitingAnswer.set(request, (outcome) => {
        clearTimeout(timer);
        this.awaitingAnswer.delete(request);
        resolve(outcome);
      });
    });
    let nodes: number;
    try {
      nodes = await this.link.publish(idChannel(thermostat), encodeStranger(this.node, request, frame));
    } catch (error) {
      this.awaitingAnswer.get(request)?.(OFFLINE);
      throw error;
    }
    if (nodes === 0) this.awaitingAnswer.get(request)?.(OFFLINE);
    return answered;
  }

  /**
   * handlers/log-on.ts, once the proof and this node's logon rate passed: Redis counts the ID's logons on every
   * node and numbers this one. False when the ID is over its logons in a minute across the cluster (nothing was
   * announced, so no connection anywhere was disturbed); true when it may bind, also when Redis is away (the logon
   * then holds on this node and is numbered once Redis is back, restored()). The ID's channel and those of its
   * `themes` are subscribed first, so that once acknowledged the client is reachable from every node.
   */
  async claim(id: ClientId, connection: Connection, themes: ReadonlySet<string>): Promise<boolean> {
    this.hold(id);
    try {
      // Listening first: a logon Redis numbers after this one is then heard here (see the head of this file).
      await Promise.all([this.link.want(idChannel(id)), ...[...themes].map((theme) => this.link.want(themeChannel(theme)))]);
      const context = this.attached();
      const [generation, partners] = await Promise.all([
        this.link.claimLogon(id, context.config.logonLimitPerMinute, LOGON_WINDOW_MS),
        this.link.partnersOf(id).catch(() => ({})),
      ]);
      if (generation === null) return false;
      this.numbered.set(connection, generation);
      learnPartners(context, id, partners);
      return true;
    } catch (error) {
      if (this.log.enabled('debug')) this.log.debug('logon_unclaimed', { id, message: error instanceof Error ? error.message : String(error) });
      return true;
    } finally {
      // After the caller's continuation has bound the connection, or given up on it.
      setImmediate(() => {
        this.unhold(id);
        for (const theme of themes) if (!this.local.hasSubscribers(theme)) this.link.drop(themeChannel(theme));
      });
    }
  }

  /** ClusterRegistry: `connection` was bound to `id` here; its number, if Redis gave it one, is announced to the ID's channel. */
  bound(id: ClientId, connection: Connection): void {
    const generation = this.numbered.get(connection);
    if (generation === undefined) return;
    this.numbered.delete(connection);
    this.settle(id, connection, generation);
  }

  /** Takes the logon's place in Redis's order: announced to the other nodes, and replaced at once if a newer one was heard. */
  private settle(id: ClientId, connection: Connection, generation: number): void {
    this.highestGeneration = Math.max(this.highestGeneration, generation);
    const place = { generation, node: this.node };
    this.claims.set(id, { connection, place });
    this.announce(id, generation);
    const newest = this.newestHeard.get(id);
    if (newest === undefined || !isLater(newest, place)) return;
    // After the logon handler has finished: it acknowledges the logon first, then the newer one replaces it.
    queueMicrotask(() => {
      if (this.local.lookup(id) === connection) this.replace(id, connection);
    });
  }

  /** A logon this node took while Redis was away, numbered now without counting it again (this node's rate held then). */
  private async renumber(id: ClientId, connection: Connection): Promise<void> {
    this.hold(id);
    try {
      await this.link.want(idChannel(id));
      const generation = await this.link.nextGeneration();
      if (this.local.lookup(id) === connection) this.settle(id, connection, generation);
    } catch {
      // Away again: the next restored() tries anew.
    } finally {
      this.unhold(id);
    }
  }

  private hold(id: ClientId): void {
    this.holding.set(id, (this.holding.get(id) ?? 0) + 1);
  }

  private unhold(id: ClientId): void {
    const left = (this.holding.get(id) ?? 1) - 1;
    if (left === 0) this.holding.delete(id);
    else this.holding.set(id, left);
    this.release(id);
  }

  /** ClusterRegistry: nothing of `id` is bound here any more (unless a logon of it is being numbered). */
  release(id: ClientId): void {
    if (this.local.lookup(id) !== undefined || this.holding.has(id)) return;
    this.claims.delete(id);
    this.newestHeard.delete(id);
    this.link.drop(idChannel(id));
  }

  themeInUse(theme: string): void {
    this.link.want(themeChannel(theme)).catch(() => undefined);
  }

  themeUnused(theme: string): void {
    this.link.drop(themeChannel(theme));
  }

  /**
   * A newer logon of the ID holds elsewhere: unbound here at once, so that what is sent to the ID from now on goes
   * to the newer connection instead of into this closing one, then closed as handlers/log-on.ts closes a local one.
   */
  private replace(id: ClientId, connection: Connection): void {
    this.registry.unbind(id, connection);
    connection.closeWith('replaced');
  }

  /**
   * Redis is back and every wanted channel subscribed: logons taken meanwhile are claimed now, and those claimed
   * before are announced again, for a node that missed a newer one while it was cut off (toId answers an older).
   */
  private restored(): void {
    // A Redis that restarted without its data counts from 0 again; sent first, this runs before any numbering below.
    // Logons taken while it was away may still be ordered wrongly among themselves (nodes come back one by one),
    // but each ID ends with one holder, and every logon after is numbered above all held ones.
    if (this.highestGeneration > 0) this.link.raiseGeneration(this.highestGeneration).catch(() => undefined);
    for (const connection of this.local.loggedOn()) {
      const id = connection.id;
      if (id === null || this.holding.has(id)) continue;
      const claim = this.claims.get(id);
      if (claim?.connection === connection) this.announce(id, claim.place.generation);
      else void this.renumber(id, connection);
    }
  }

  private announce(id: ClientId, generation: number): void {
    this.link.publish(idChannel(id), encodeGeneration(this.node, generation)).catch(() => undefined);
  }

  private attached(): BrokerContext {
    if (this.context === null) throw new Error('cluster used before attach()');
    return this.context;
  }

  /** The handler for what other nodes publish: one place, as router.ts is for what clients send. */
  private received(channel: string, payload: Buffer): void {
    const context = this.context;
    if (context === null) return;
    const target = channelTarget(channel, this.ownChannel);
    const packet = decodeNodePacket(payload);
    if (target === null || packet === null) {
      context.log.warn('node_packet_refused', { channel: channel.slice(0, 100) });
      return;
    }
    try {
      switch (target.kind) {
        case 'id':
          return this.toId(context, target.id, packet);
        case 'theme':
        case 'broadcast': {
          if (packet.kind !== 'delivery' || packet.origin === this.node) return;
          const peers = target.kind === 'theme' ? this.local.subscribers(target.theme) : this.local.loggedOn();
          const addressed = deliverToMany(context, peers, packet.sender, packet.frame);
          // docs/protocol.md, "Limits": senders pay per delivery, on every node.
          if (addressed > 0) this.link.publish(nodeChannel(packet.origin), encodeCharge(packet.sender, addressed)).catch(() => undefined);
          return;
        }
        case 'node':
          if (packet.kind === 'busy') return this.receiverBusy(context, packet);
          if (packet.kind === 'charge') this.local.lookup(packet.sender)?.floodGuard.charge(packet.count);
          if (packet.kind === 'answer') this.awaitingAnswer.get(packet.request)?.(packet.outcome);
          return;
      }
    } catch (error) {
      context.log.error('node_packet_failed', { message: error instanceof Error ? error.message : String(error) });
    }
  }

  private toId(context: BrokerContext, id: ClientId, packet: NodePacket): void {
    const receiver = this.local.lookup(id);
    switch (packet.kind) {
      case 'generation': {
        const place = { generation: packet.generation, node: packet.origin };
        if (isLater(place, this.newestHeard.get(id))) this.newestHeard.set(id, place);
        this.highestGeneration = Math.max(this.highestGeneration, packet.generation);
        const claim = this.claims.get(id);
        if (receiver === undefined || claim?.connection !== receiver) return;
        if (isLater(place, claim.place)) this.replace(id, receiver);
        // An older logon announced (a race, or a node back from an outage): ours is newer, and it is told so.
        else if (isLater(claim.place, place)) this.announce(id, claim.place.generation);
        return;
      }
      case 'delivery': {
        if (receiver === undefined) return;
        const now = context.now();
        if (!admits(context, receiver, packet.sender, packet.frame.length, now)) {
          context.stats.droppedOverInboundBudget += 1;
          this.link.publish(nodeChannel(packet.origin), encodeBusy(packet.ref, packet.sender, id)).catch(() => undefined);
          return;
        }
        if (receiver.sendFrame(packet.frame)) context.stats.forwarded += 1;
        return;
      }
      case 'stranger': {
        const outcome = this.relayHere(context, receiver, packet.frame);
        this.link.publish(nodeChannel(packet.origin), encodeAnswer(packet.request, outcome)).catch(() => undefined);
        return;
      }
      case 'busy':
      case 'charge':
      case 'answer':
        return;
    }
  }

  /** As handlers/owntracks-ingress.ts hands a RELAY to a thermostat of its own. */
  private relayHere(context: BrokerContext, thermostat: Connection | undefined, frame: Buffer): RelayOutcome {
    if (thermostat === undefined) return OFFLINE;
    const now = context.now();
    // docs/protocol.md, "The ingress": a RELAY always draws on the thermostat's budget for strangers.
    if (!thermostat.inbound.admit(frame.length, now)) {
      context.stats.droppedOverInboundBudget += 1;
      return { kind: 'refused', waitMs: thermostat.inbound.msUntilAdmitted(now) };
    }
    if (!thermostat.sendFrame(frame)) return { kind: 'refused', waitMs: 0 };
    context.stats.forwarded += 1;
    return DELIVERED;
  }

  /** The receiver on another node took no more from a sender here: told as a local receiver's refusal is. */
  private receiverBusy(context: BrokerContext, packet: Extract<NodePacket, { kind: 'busy' }>): void {
    const sender = this.local.lookup(packet.sender);
    if (sender === undefined || !sender.floodGuard.noticeDue(context.now())) return;
    sender.fail('receiver_busy', 'the receiver takes no more from you for now; packet dropped', { ref: packet.ref, receiver: packet.receiver });
  }
}

const TIME_PATTERN = /^\d{1,15}$/;

/** Adds to this node's book the partners Redis holds for `id` (unchecked text), oldest first, unless known already. */
function learnPartners(context: BrokerContext, id: ClientId, recorded: Record<string, string>): void {
  const now = context.now();
  const partners: Array<[ClientId, number]> = [];
  for (const [partner, at] of Object.entries(recorded).slice(0, PARTNERS_PER_ID)) {
    if (!isClientId(partner) || !TIME_PATTERN.test(at)) continue;
    const addressedAt = Number(at);
    if (now - addressedAt < PARTNER_TTL_MS && addressedAt <= now && !context.partners.isPartner(id, partner, now)) partners.push([partner, addressedAt]);
  }
  partners.sort((a, b) => a[1] - b[1]);
  for (const [partner, addressedAt] of partners) context.partners.addressed(id, partner, addressedAt);
}

/** The node's registry: the local one, telling the cluster which IDs and themes this node now holds. */
class ClusterRegistry implements Registry<Connection> {
  constructor(
    private readonly local: MemoryRegistry<Connection>,
    private readonly cluster: Cluster,
  ) {}

  bind(id: ClientId, connection: Connection): Connection | undefined {
    const previous = this.local.bind(id, connection);
    this.cluster.bound(id, connection);
    return previous;
  }

  unbind(id: ClientId, connection: Connection): boolean {
    if (!this.local.unbind(id, connection)) return false;
    this.cluster.release(id);
    return true;
  }

  lookup(id: ClientId): Connection | undefined {
    return this.local.lookup(id);
  }

  loggedOn(): Iterable<Connection> {
    return this.local.loggedOn();
  }

  get loggedOnCount(): number {
    return this.local.loggedOnCount;
  }

  subscribe(theme: string, connection: Connection): void {
    const first = !this.local.hasSubscribers(theme);
    this.local.subscribe(theme, connection);
    if (first) this.cluster.themeInUse(theme);
  }

  unsubscribe(theme: string, connection: Connection): void {
    if (!this.local.hasSubscribers(theme)) return;
    this.local.unsubscribe(theme, connection);
    if (!this.local.hasSubscribers(theme)) this.cluster.themeUnused(theme);
  }

  subscribers(theme: string): Iterable<Connection> {
    return this.local.subscribers(theme);
  }
}
