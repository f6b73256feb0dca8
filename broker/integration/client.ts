/** A real `ws` client for the integration tests that waits on events: the next packet, the close, a ping. */
import { WebSocket, type ClientOptions } from 'ws';
import {
  logonHost,
  makeLogonKeys,
  message,
  parsePacket,
  signedLogOn,
  type ClientId,
  type LogOnPacket,
  type LogonKeys,
  type Packet,
} from '../../protocol/index.ts';

export interface Closed {
  code: number;
  reason: string;
}

export class TestClient {
  readonly closed: Promise<Closed>;
  /** The nonce of the broker's CHALLENGE; null if the connection closed before one came. */
  nonce: string | null = null;
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

  private constructor(
    readonly socket: WebSocket,
    /** This client's own key pair; it may log on with another (logOnAs) to act as a second device of that ID. */
    readonly keys: LogonKeys,
    /** What LOG_ON signs as host: exactly what the client sends as Host for this URL. */
    readonly host: string,
  ) {
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

  get id(): ClientId {
    return this.keys.id;
  }

  /**
   * Opens and waits for the broker's CHALLENGE (kept as `nonce`, not queued for next()), or for the close if
   * the broker closes first.
   */
  static async open(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const keys = await makeLogonKeys();
    const client = await new Promise<TestClient>((resolve, reject) => {
      const socket = new WebSocket(url, options);
      const opened = new TestClient(socket, keys, logonHost(url));
      socket.once('open', () => resolve(opened));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
    const first = await client.next().catch(() => null);
    if (first?.packet_type === 'CHALLENGE') client.nonce = first.nonce;
    else if (first !== null) client.inbox.unshift(first);
    return client;
  }

  /** Opens and logs on; resolves once ACK_LOG_ON arrived. */
  static async logOn(url: string, themes?: string[]): Promise<TestClient> {
    const client = await TestClient.open(url);
    await client.logOnAs(client.keys, themes);
    return client;
  }

  /** A LOG_ON signed with `keys` for this connection's CHALLENGE and host. */
  signedLogOn(keys: LogonKeys = this.keys, themes?: string[]): Promise<LogOnPacket> {
    if (this.nonce === null) throw new Error('no CHALLENGE arrived on this connection');
    return signedLogOn(keys, this.nonce, this.host, themes);
  }

  async logOnAs(keys: LogonKeys = this.keys, themes?: string[]): Promise<void> {
    this.send(await this.signedLogOn(keys, themes));
    const ack = await this.next();
    if (ack.packet_type !== 'ACK_LOG_ON' || ack.receiver !== keys.id) throw new Error(`expected ACK_LOG_ON, got ${JSON.stringify(ack)}`);
    this.loggedOnAs = keys.id;
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
