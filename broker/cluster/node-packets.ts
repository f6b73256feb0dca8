/**
 * What broker nodes say to each other through Redis pub/sub, and on which channels. Frames from clients travel as
 * the bytes they arrived as, behind a short binary head, so a node never parses a forwarded frame again.
 *
 *   D <ref> <origin node> <sender ID> <frame>   a client's MSG or START (ref M or S), for the receivers the channel names
 *   S <origin node> <request> <frame>      a frame from no client (the OwnTracks ingress's RELAY): the receiver's budget for strangers pays
 *   A <request> D | F<ms> | O              to the origin node: that RELAY was delivered, refused for ms, or found no receiver
 *   G <origin node> <generation>           the channel's ID logged on with this generation: older connections of the ID are replaced
 *   B <ref> <sender ID> <receiver ID>      to the origin node: the receiver took no more from the sender (receiver_busy)
 *   C <sender ID> <count>                  to the origin node: a BROADCAST or MULTICAST of the sender's went to this many here
 *
 * Redis is ours, but what comes off a socket is parsed into typed values or dropped all the same.
 */
import { ID_LENGTH, isClientId, type ClientId } from '../../protocol/index.ts';

/** A node's name on the wire: random per start, so a restarted node is a new one. */
export const NODE_ID_LENGTH = 16;

/** Hash tags ({…}) keep a channel on one shard of a Redis Cluster, where SSUBSCRIBE spreads the channels. */
export const idChannel = (id: ClientId): string => `hearth:id:{${id}}`;
export const themeChannel = (theme: string): string => `hearth:theme:{${theme}}`;
export const BROADCAST_CHANNEL = 'hearth:broadcast';
export const nodeChannel = (node: string): string => `hearth:node:${node}`;

const ID_CHANNEL_PREFIX = 'hearth:id:{';
const THEME_CHANNEL_PREFIX = 'hearth:theme:{';

export type ChannelTarget =
  | { readonly kind: 'id'; readonly id: ClientId }
  | { readonly kind: 'theme'; readonly theme: string }
  | { readonly kind: 'broadcast' }
  | { readonly kind: 'node' };

export function channelTarget(channel: string, ownNodeChannel: string): ChannelTarget | null {
  if (channel === BROADCAST_CHANNEL) return { kind: 'broadcast' };
  if (channel === ownNodeChannel) return { kind: 'node' };
  if (!channel.endsWith('}')) return null;
  if (channel.startsWith(ID_CHANNEL_PREFIX)) {
    const id = channel.slice(ID_CHANNEL_PREFIX.length, -1);
    return isClientId(id) ? { kind: 'id', id } : null;
  }
  if (channel.startsWith(THEME_CHANNEL_PREFIX)) return { kind: 'theme', theme: channel.slice(THEME_CHANNEL_PREFIX.length, -1) };
  return null;
}

/** The packet types a unicast can be; B carries which one the receiver refused, for the ERROR's `ref`. */
export type UnicastType = 'MSG' | 'START';

/** What became of a RELAY sent to another node. */
export type RelayOutcome = { readonly kind: 'delivered' } | { readonly kind: 'refused'; readonly waitMs: number } | { readonly kind: 'offline' };

/** A request's name on the wire: eight hex digits, unique among those a node has waiting. */
export const REQUEST_LENGTH = 8;

export type NodePacket =
  | { readonly kind: 'delivery'; readonly ref: UnicastType; readonly origin: string; readonly sender: ClientId; readonly frame: Buffer }
  | { readonly kind: 'stranger'; readonly origin: string; readonly request: string; readonly frame: Buffer }
  | { readonly kind: 'answer'; readonly request: string; readonly outcome: RelayOutcome }
  | { readonly kind: 'generation'; readonly origin: string; readonly generation: number }
  | { readonly kind: 'busy'; readonly ref: UnicastType; readonly sender: ClientId; readonly receiver: ClientId }
  | { readonly kind: 'charge'; readonly sender: ClientId; readonly count: number };

const DELIVERY = 0x44; // D
const STRANGER = 0x53; // S
const GENERATION = 0x47; // G
const BUSY = 0x42; // B
const CHARGE = 0x43; // C
const ANSWER = 0x41; // A
const REQUEST_PATTERN = /^[0-9a-f]{8}$/;
const WAIT_PATTERN = /^(0|[1-9]\d{0,9})$/;
const REF_START = 0x53; // S, else MSG

const refByte = (ref: UnicastType): string => (ref === 'START' ? 'S' : 'M');

export const encodeDelivery = (ref: UnicastType, origin: string, sender: ClientId, frame: Buffer): Buffer =>
  Buffer.concat([Buffer.from(`D${refByte(ref)}${origin}${sender}`, 'latin1'), frame]);

export const encodeStranger = (origin: string, request: string, frame: string): Buffer => Buffer.from(`S${origin}${request}${frame}`, 'utf8');

export function encodeAnswer(request: string, outcome: RelayOutcome): Buffer {
  const said = outcome.kind === 'delivered' ? 'D' : outcome.kind === 'offline' ? 'O' : `F${Math.max(0, Math.ceil(outcome.waitMs))}`;
  return Buffer.from(`A${request}${said}`, 'latin1');
}

export const encodeGeneration = (origin: string, generation: number): Buffer => Buffer.from(`G${origin}${generation}`, 'latin1');

export const encodeBusy = (ref: UnicastType, sender: ClientId, receiver: ClientId): Buffer =>
  Buffer.from(`B${refByte(ref)}${sender}${receiver}`, 'latin1');

export const encodeCharge = (sender: ClientId, count: number): Buffer => Buffer.from(`C${sender}${count}`, 'latin1');

const refOf = (byte: number | undefined): UnicastType => (byte === REF_START ? 'START' : 'MSG');

/** A positive decimal within a safe integer. */
const COUNT_PATTERN = /^[1-9]\d{0,14}$/;

export function decodeNodePacket(bytes: Buffer): NodePacket | null {
  const originEnd = 1 + NODE_ID_LENGTH;
  switch (bytes[0]) {
    case DELIVERY: {
      const senderStart = originEnd + 1;
      const senderEnd = senderStart + ID_LENGTH;
      if (bytes.length <= senderEnd) return null;
      const sender = bytes.toString('latin1', senderStart, senderEnd);
      if (!isClientId(sender)) return null;
      const ref = refOf(bytes[1]);
      return { kind: 'delivery', ref, origin: bytes.toString('latin1', 2, senderStart), sender, frame: bytes.subarray(senderEnd) };
    }
    case STRANGER: {
      const requestEnd = originEnd + REQUEST_LENGTH;
      if (bytes.length <= requestEnd) return null;
      const request = bytes.toString('latin1', originEnd, requestEnd);
      if (!REQUEST_PATTERN.test(request)) return null;
      return { kind: 'stranger', origin: bytes.toString('latin1', 1, originEnd), request, frame: bytes.subarray(requestEnd) };
    }
    case ANSWER: {
      const request = bytes.toString('latin1', 1, 1 + REQUEST_LENGTH);
      const said = bytes.toString('latin1', 1 + REQUEST_LENGTH);
      if (!REQUEST_PATTERN.test(request)) return null;
      if (said === 'D') return { kind: 'answer', request, outcome: { kind: 'delivered' } };
      if (said === 'O') return { kind: 'answer', request, outcome: { kind: 'offline' } };
      const wait = said.slice(1);
      if (!said.startsWith('F') || !WAIT_PATTERN.test(wait)) return null;
      return { kind: 'answer', request, outcome: { kind: 'refused', waitMs: Number(wait) } };
    }
    case GENERATION: {
      const text = bytes.toString('latin1', originEnd);
      if (!COUNT_PATTERN.test(text)) return null;
      return { kind: 'generation', origin: bytes.toString('latin1', 1, originEnd), generation: Number(text) };
    }
    case BUSY: {
      if (bytes.length !== 2 + 2 * ID_LENGTH) return null;
      const sender = bytes.toString('latin1', 2, 2 + ID_LENGTH);
      const receiver = bytes.toString('latin1', 2 + ID_LENGTH);
      if (!isClientId(sender) || !isClientId(receiver)) return null;
      return { kind: 'busy', ref: refOf(bytes[1]), sender, receiver };
    }
    case CHARGE: {
      const sender = bytes.toString('latin1', 1, 1 + ID_LENGTH);
      const count = bytes.toString('latin1', 1 + ID_LENGTH);
      if (!isClientId(sender) || !COUNT_PATTERN.test(count)) return null;
      return { kind: 'charge', sender, count: Number(count) };
    }
    default:
      return null;
  }
}
