/**
 * A bare WebSocket client for load generation: it writes pre-encoded frames and only counts or peeks
 * at what comes back, so that the load generator costs far less CPU per message than the broker does.
 * Frames are masked with the all-zero key, which RFC 6455 allows, so a payload is encoded once and reused.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const ZERO_MASK = Buffer.alloc(4);

export function encodeClientFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x81, 0x80 | length])
      : length < 65536
        ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff])
        : (() => {
            throw new RangeError('frame too long for the load generator');
          })();
  return Buffer.concat([header, ZERO_MASK, payload]);
}

export class RawClient {
  /** Text frames nobody waits for yet (the broker's CHALLENGE may come with the handshake) are kept for nextText. */
  private readonly unread: Buffer[] = [];
  private readonly keepUnread = (payload: Buffer): void => {
    this.unread.push(payload);
  };
  onText: (payload: Buffer) => void = this.keepUnread;
  private pending: Buffer | null = null;

  private constructor(
    readonly socket: Socket,
    /** The Host header it sent, which a LOG_ON signs. */
    readonly host: string,
  ) {}

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true });
      let head = Buffer.alloc(0);
      const onHandshake = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onHandshake);
        if (!head.subarray(0, 12).toString().includes(' 101')) {
          reject(new Error(`upgrade refused: ${head.subarray(0, 40).toString()}`));
          socket.destroy();
          return;
        }
        const client = new RawClient(socket, `${host}:${port}`);
        socket.on('data', (data: Buffer) => client.receive(data));
        const rest = head.subarray(end + 4);
        resolve(client);
        if (rest.length > 0) client.receive(rest);
      };
      socket.on('data', onHandshake);
      socket.once('error', reject);
      socket.write(
        `GET /ws HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  }

  /** Resolves with the next text frame, or the oldest one that arrived before anyone asked. */
  nextText(): Promise<Buffer> {
    const unread = this.unread.shift();
    if (unread !== undefined) return Promise.resolve(unread);
    return new Promise((resolve) => {
      this.onText = (payload) => {
        this.onText = this.keepUnread;
        resolve(payload);
      };
    });
  }

  /** Sends one text frame and resolves with the next text frame that comes back. */
  request(text: string): Promise<Buffer> {
    this.socket.write(encodeClientFrame(Buffer.from(text)));
    return this.nextText();
  }

  write(encoded: Buffer): boolean {
    return this.socket.write(encoded);
  }

  private receive(chunk: Buffer): void {
    let data = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    for (;;) {
      if (data.length - offset < 2) break;
      const opcode = data[offset]! & 0x0f;
      let length = data[offset + 1]! & 0x7f;
      let start = offset + 2;
      if (length === 126) {
        if (data.length - offset < 4) break;
        length = data.readUInt16BE(offset + 2);
        start = offset + 4;
      } else if (length === 127) {
        if (data.length - offset < 10) break;
        length = Number(data.readBigUInt64BE(offset + 2));
        start = offset + 10;
      }
      if (data.length < start + length) break;
      const payload = data.subarray(start, start + length);
      offset = start + length;
      if (opcode === 0x1) this.onText(payload);
      else if (opcode === 0x9) this.socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | payload.length]), ZERO_MASK, payload]));
    }
    if (offset === data.length) this.pending = null;
    else {
      data = data.subarray(offset);
      this.pending = Buffer.from(data);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
