/**
 * A Web Serial port with a scripted thermostat on the other end, for the app's tests: the console (`app`,
 * `broker`, `pair`) and Improv Wi-Fi serial (state, device info, scan, Wi-Fi settings) over real streams of bytes, with
 * ways to misbehave. The e2e journey runs the same app code against the real C++ thermostat instead.
 */
import type { SerialPortChooser, SetupPort } from '@/features/setup/setup-session';

const HEADER = [...new TextEncoder().encode('IMPROV'), 1];
const TYPE = { currentState: 0x01, errorState: 0x02, rpc: 0x03, rpcResult: 0x04 } as const;
const STATE = { ready: 0x02, provisioning: 0x03, provisioned: 0x04 } as const;
const RPC = { wifiSettings: 0x01, currentState: 0x02, deviceInfo: 0x03, scan: 0x04 } as const;
const UNABLE_TO_CONNECT = 0x03;

export interface FakeNetwork {
  ssid: string;
  password: string;
  rssi: number;
}

export interface FakeThermostatOptions {
  networks?: FakeNetwork[];
  /** The pairing link it answers once on Wi-Fi (and prints for `pair`). */
  link?: string;
  /**
   * Each console line's answer lines, or undefined for the firmware's: `ok <verb> <argument>` for broker and
   * app, `PAIR <link>` then `ok pair` for pair, `error unknown command: <word> (try help)` for anything else.
   */
  answerConsole?: (line: string) => string[] | undefined;
  /** What a reset left in its line buffer: the first line it reads starts with these bytes. */
  leftover?: string;
  /** After answering `broker`, it reads and prints nothing for this long (a blocking redial, at most 15 s on the device). */
  busyAfterBrokerMs?: number;
  /** false: a device that does not speak Improv. */
  improv?: boolean;
  /** Already on Wi-Fi: current state says provisioned and carries the link. */
  provisioned?: boolean;
  /** false: the scan RPC is never answered. */
  scans?: boolean;
  /** Scan results it sends, after the real ones, before the end of the list (a flooding device). */
  scanFlood?: number;
  /** false: the Wi-Fi settings RPC result carries no link (the app then asks with `pair`). */
  linkInResult?: boolean;
  /** false: once on Wi-Fi it says provisioned but never sends the RPC result (still waiting to log on). */
  answersJoin?: boolean;
}

const encoder = new TextEncoder();

export function improvPacket(type: number, data: readonly number[]): Uint8Array {
  const bytes = [...HEADER, type, data.length, ...data];
  const checksum = bytes.reduce((sum, byte) => sum + byte, 0) & 0xff;
  return Uint8Array.from([...bytes, checksum, 0x0a]);
}

function rpcResult(command: number, strings: readonly string[]): Uint8Array {
  const data: number[] = [];
  for (const text of strings) {
    const bytes = encoder.encode(text);
    data.push(bytes.length, ...bytes);
  }
  return improvPacket(TYPE.rpcResult, [command, data.length, ...data]);
}

/** The firmware's answer to a console line (firmware onboarding.cpp, Onboarding::console_line). */
function firmwareAnswer(line: string, link: string): string[] {
  const [word = '', ...rest] = line.trim().split(/\s+/);
  const argument = rest.join(' ');
  switch (word) {
    case 'broker':
    case 'app':
      return [`ok ${word} ${argument}`];
    case 'pair':
      return link === '' ? ['error no app URL: set it with app <URL of the app>'] : [`PAIR ${link}`, 'ok pair'];
    case 'help':
      return ['ok commands: help, pair, broker <ws:// or wss:// URL>, app <http(s):// URL of the app>'];
    default:
      return [`error unknown command: ${word} (try help)`];
  }
}

/**
 * As Web Serial's SerialPort: streams exist only while open; close() is refused while either is locked, and
 * cancels and aborts them otherwise; the port opens again after a close.
 */
export class FakeThermostatPort implements SetupPort {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  /** Console lines it received, in order (empty lines, which the firmware ignores, left out). */
  readonly consoleLines: string[] = [];
  /** Wi-Fi settings it was given, in order. */
  readonly joins: { ssid: string; password: string }[] = [];
  openedWith: SerialOptions | null = null;
  closed = false;
  /** close() calls that were refused because a stream was locked. */
  refusedCloses = 0;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private incoming: number[] = [];
  private provisioned: boolean;
  private line: string;
  private busy = false;
  private writesStalled = false;

  constructor(private readonly options: FakeThermostatOptions = {}) {
    this.provisioned = options.provisioned ?? false;
    this.line = options.leftover ?? '';
  }

  async open(options: SerialOptions): Promise<void> {
    if (this.readable !== null) throw new DOMException('The port is already open.', 'InvalidStateError');
    this.openedWith = options;
    this.closed = false;
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        this.controller = null;
      },
    });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk, controller) => {
        // As Web Serial's: an abort ends a write in flight (the spec's sink watches the controller's signal).
        if (this.writesStalled) return new Promise<void>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason)));
        this.incoming.push(...chunk);
        this.consume();
        return undefined;
      },
    });
  }

  async close(): Promise<void> {
    if (this.readable === null || this.writable === null) throw new DOMException('The port is already closed.', 'InvalidStateError');
    if (this.readable.locked || this.writable.locked) {
      this.refusedCloses += 1;
      throw new TypeError("Failed to execute 'close' on 'SerialPort': Cannot cancel a locked stream");
    }
    const { readable, writable } = this;
    this.readable = null;
    this.writable = null;
    this.controller = null;
    // A stream that failed (the device was lost) has nothing left to cancel.
    await readable.cancel().catch(() => undefined);
    await writable.abort().catch(() => undefined);
    this.closed = true;
  }

  /** Bytes from the thermostat, as if it printed them; lost when the port is closed, as on the wire. */
  send(bytes: Uint8Array | string): void {
    try {
      this.controller?.enqueue(typeof bytes === 'string' ? encoder.encode(bytes) : bytes);
    } catch {
      // Cancelled: nobody is listening.
    }
  }

  /** The cable is pulled. */
  unplug(): void {
    this.controller?.error(new DOMException('The device has been lost.', 'NetworkError'));
    this.controller = null;
  }

  /** From now on it takes no more bytes: every write stays pending (a device that stopped reading). */
  stallWrites(): void {
    this.writesStalled = true;
  }

  private consume(): void {
    while (!this.busy) {
      const isPacket = HEADER.slice(0, 6).every((byte, i) => this.incoming[i] === byte);
      if (isPacket) {
        // IMPROV, version, type, length, data, checksum, then the SDK's '\n'.
        const length = this.incoming[8];
        if (length === undefined || this.incoming.length < 9 + length + 2) return;
        const packet = this.incoming.splice(0, 9 + length + 2);
        const [type = -1] = packet.slice(7, 8);
        this.onPacket(type, packet.slice(9, 9 + length));
        continue;
      }
      const byte = this.incoming.shift();
      if (byte === undefined) return;
      if (byte !== 0x0a && byte !== 0x0d) {
        this.line += String.fromCharCode(byte);
        continue;
      }
      const line = this.line;
      this.line = '';
      // The firmware ignores an empty line.
      if (line === '') continue;
      this.consoleLines.push(line);
      const answers = this.options.answerConsole?.(line) ?? firmwareAnswer(line, this.options.link ?? '');
      for (const answer of answers) this.send(`${answer}\r\n`);
      const busyMs = this.options.busyAfterBrokerMs;
      if (busyMs !== undefined && line.startsWith('broker ') && answers.some((answer) => answer.startsWith('ok broker'))) {
        this.busy = true;
        setTimeout(() => {
          this.busy = false;
          this.consume();
        }, busyMs);
      }
    }
  }

  private onPacket(type: number, data: number[]): void {
    if (this.options.improv === false || type !== TYPE.rpc) return;
    const [command, , ...payload] = data;
    const link = this.options.link ?? '';
    switch (command) {
      case RPC.currentState:
        this.send(improvPacket(TYPE.currentState, [this.provisioned ? STATE.provisioned : STATE.ready]));
        if (this.provisioned) this.send(rpcResult(RPC.currentState, [link]));
        return;
      case RPC.deviceInfo:
        this.send(rpcResult(RPC.deviceInfo, ['Hearth', '1.0.0', 'ESP8266', 'hearth-test']));
        return;
      case RPC.scan:
        if (this.options.scans === false) return;
        for (const network of this.options.networks ?? []) {
          this.send(rpcResult(RPC.scan, [network.ssid, String(network.rssi), network.password === '' ? 'NO' : 'YES']));
        }
        for (let i = 0; i < (this.options.scanFlood ?? 0); i++) this.send(rpcResult(RPC.scan, [`flood ${i} ${'x'.repeat(200)}`, '-50', 'YES']));
        this.send(rpcResult(RPC.scan, []));
        return;
      case RPC.wifiSettings: {
        const [ssidLength = 0] = payload;
        const ssid = new TextDecoder().decode(Uint8Array.from(payload.slice(1, 1 + ssidLength)));
        const [passwordLength = 0] = payload.slice(1 + ssidLength);
        const password = new TextDecoder().decode(Uint8Array.from(payload.slice(2 + ssidLength, 2 + ssidLength + passwordLength)));
        this.joins.push({ ssid, password });
        this.send(improvPacket(TYPE.currentState, [STATE.provisioning]));
        const network = (this.options.networks ?? []).find((n) => n.ssid === ssid);
        // The real thermostat answers after its bounded connect; a tick is enough here.
        setTimeout(() => {
          if (network === undefined || network.password !== password) {
            this.send(improvPacket(TYPE.errorState, [UNABLE_TO_CONNECT]));
            this.send(improvPacket(TYPE.currentState, [STATE.ready]));
            return;
          }
          this.provisioned = true;
          this.send(improvPacket(TYPE.currentState, [STATE.provisioned]));
          if (this.options.answersJoin === false) return;
          this.send(rpcResult(RPC.wifiSettings, this.options.linkInResult === false ? [] : [link]));
        }, 1);
        return;
      }
    }
  }
}

/** navigator.serial with one port to pick (or none: the person closes the chooser). */
export function fakeSerial(port: FakeThermostatPort | null): SerialPortChooser & { requests: number } {
  const serial = {
    requests: 0,
    requestPort: async () => {
      serial.requests += 1;
      if (port === null) throw new DOMException('No port selected by the user.', 'NotFoundError');
      return port;
    },
  };
  return serial;
}
