/**
 * The one place the broker reads `ws` internals. ws bounds a message's size (maxPayload) but not its time, and
 * has no public way to tell that a message has begun: a client could keep one unfinished, and its bytes held,
 * for ever. And ws writes each frame as it is sent, with no way to batch a turn's frames to one receiver: the
 * broker corks the socket underneath (write-batch.ts). ws-internals.test.ts fails if an upgrade of ws changes
 * what is read here.
 */
import type { WebSocket } from 'ws';
import type { Corkable } from './write-batch.ts';

/** The fields of ws 8's Receiver (lib/receiver.js) read below. */
interface ReceiverState {
  /** Bytes received but not yet parsed into a frame: a frame's header or payload still coming. */
  _bufferedBytes: unknown;
  /** Payload bytes of the current message's fragments received in full. */
  _messageLength: unknown;
  /** Payload length the current message's frame headers have announced so far. */
  _totalPayloadLength: unknown;
  /** Opcode of a message whose first fragment came without FIN; 0 when none. */
  _fragmented: unknown;
}

const numberOr0 = (value: unknown): number => (typeof value === 'number' ? value : 0);

/**
 * Bytes held for a message this socket has begun to receive and not finished (a partial frame, or fragments
 * without the final one), 0 for a message announced but with no payload yet; null when none is under way.
 */
export function unfinishedMessageBytes(socket: WebSocket): number | null {
  const receiver = (socket as unknown as { _receiver?: Partial<ReceiverState> | null })._receiver;
  if (receiver === null || receiver === undefined) return null;
  const buffered = numberOr0(receiver._bufferedBytes);
  const assembled = numberOr0(receiver._messageLength);
  const underway = buffered > 0 || numberOr0(receiver._totalPayloadLength) > 0 || numberOr0(receiver._fragmented) !== 0;
  return underway ? buffered + assembled : null;
}

/** Whether this ws still has the fields read above, for the test that guards an upgrade of ws. */
export function receiverFieldsPresent(socket: WebSocket): boolean {
  const receiver = (socket as unknown as { _receiver?: Record<string, unknown> | null })._receiver;
  if (receiver === null || receiver === undefined) return false;
  return ['_bufferedBytes', '_messageLength', '_totalPayloadLength', '_fragmented'].every((field) => typeof receiver[field] === 'number');
}

/**
 * The net or TLS socket under a ws WebSocket (ws 8 keeps it as `_socket`), or null when there is none that can be
 * corked: a unit test's stand-in, or a socket ws has let go of.
 */
export function underlyingStream(socket: object): Corkable | null {
  const stream = (socket as { _socket?: Partial<Corkable> | null })._socket;
  if (stream === null || stream === undefined || typeof stream.writableCorked !== 'number' || typeof stream.cork !== 'function') return null;
  return stream as Corkable;
}
