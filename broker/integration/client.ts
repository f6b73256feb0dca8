/** A real `ws` client for the integration tests that waits on events: the next packet, the close, a ping. */
import { WebSocket, type ClientOptions } from 'ws';
import { idFromSecret, logOn, makeSecret, message, parsePacket, proofFromSecret, type ClientId, type Packet } from '../../protocol/index.ts';

export interface Closed {
  code: number;
  reason: string;
}

export class TestClient {
  readonly secret = makeSecret();
  readonly id: ClientId = idFromSecret(this.secret);
  readonly proof = proofFromSecret(this.secret);
  readonly closed: Promise<Closed>;
  /** Every text frame as it came off the wire, to check that the broker forwards frames unchanged. */
  readonly rawFrames: string[] = [];
  private readonly inbox: Array<Packet | Error> = [];
  private readonly waiters: Array<{ resolve: (packet: Packet) => void; reject: (error: Error) => void }> = [];
  private pings = 0;
  private readonly pingWaiters: Array<{ count: number; resolve: () => void }> = [];
  private closeInfo: Closed | null = null;
  private marker = 0;
  /** The ID this connection logged on with, which need not be its own. */
  loggedOnAs: ClientId | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      this.rawFrames.push(text);
      const parsed = parsePacket(text);
      const item = parsed.ok ? parsed.value : new Error(`broker sent a frame that is not a packet: ${parsed.message}`);
      const waiter = this.waiters.shift();
      if (!waiter) this.inbox.push(item);
      else if (item instanceof Error) waiter.reject(item);
      else waiter.resolve(item);
    });
    socket.on('ping', () => {
      this.pings += 1;
      for (const waiter of [...this.pingWaiters]) {
        if (this.pings >= waiter.count) {
          this.pingWaiters.splice(this.pingWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`closed ${code} while waiting for a packet`));
        resolve(this.closeInfo);
      });
    });
    socket.on('error', () => undefined);
  }

  static open(url: string, options: ClientOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options);
      const client = new TestClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Opens and logs on; resolves once ACK_LOG_ON arrived. */
  static async logOn(url: string, themes?: string[]): Promise<TestClient> {
    const client = await TestClient.open(url);
    await client.logOnAs(client.id, client.proof, themes);
    return client;
  }

  async logOnAs(id: ClientId, proof: string, themes?: string[]): Promise<void> {
    this.send(logOn(id, proof, themes));
    const ack = await this.next();
    if (ack.packet_type !== 'ACK_LOG_ON' || ack.receiver !== id) throw new Error(`expected ACK_LOG_ON, got ${JSON.stringify(ack)}`);
    this.loggedOnAs = id;
  }

  send(value: object | string | Buffer): void {
    if (Buffer.isBuffer(value)) this.socket.send(value, { binary: true });
    else this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  next(): Promise<Packet> {
    const queued = this.inbox.shift();
    if (queued instanceof Error) return Promise.reject(queued);
    if (queued) return Promise.resolve(queued);
    if (this.closeInfo) return Promise.reject(new Error(`closed ${this.closeInfo.code}`));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Sends a MSG to itself and waits for it: the broker handles one connection's frames in order,
   * so everything sent before has been handled. Returns whatever arrived before the echo.
   */
  async barrier(): Promise<Packet[]> {
    const self = this.loggedOnAs;
    if (self === null) throw new Error('barrier needs a logged-on connection');
    const data = `barrier-${(this.marker += 1)}`;
    this.send(message(self, self, data));
    const before: Packet[] = [];
    for (;;) {
      const packet = await this.next();
      if (packet.packet_type === 'MSG' && packet.transmitter === self && packet.data === data) return before;
      before.push(packet);
    }
  }

  /** Resolves once the broker has pinged this client `count` times in all. */
  pinged(count: number): Promise<void> {
    if (this.pings >= count) return Promise.resolve();
    return new Promise((resolve) => this.pingWaiters.push({ count, resolve }));
  }

  get pending(): number {
    return this.inbox.length;
  }

  close(): Promise<Closed> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    return this.closed;
  }
}
