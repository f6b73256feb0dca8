/**
 * A Web Serial port with a scripted thermostat on the other end, for the app's tests: the console (`broker`,
 * `app`) and Improv Wi-Fi serial (state, device info, scan, Wi-Fi settings) over real streams of bytes, with
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
  /** The pairing link it answers once on Wi-Fi. */
  link?: string;
  /** Each console line's answer lines; the default answers `ok <verb> <argument>`. */
  answerConsole?: (line: string) => string[];
  /** false: a device that does not speak Improv. */
  improv?: boolean;
  /** Already on Wi-Fi: current state says provisioned and carries the link. */
  provisioned?: boolean;
  /** false: the scan RPC is never answered. */
  scans?: boolean;
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

export class FakeThermostatPort implements SetupPort {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Console lines it received, in order. */
  readonly consoleLines: string[] = [];
  /** Wi-Fi settings it was given, in order. */
  readonly joins: { ssid: string; password: string }[] = [];
  openedWith: SerialOptions | null = null;
  closed = false;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private incoming: number[] = [];
  private provisioned: boolean;

  constructor(private readonly options: FakeThermostatOptions = {}) {
    this.provisioned = options.provisioned ?? false;
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
    });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        this.incoming.push(...chunk);
        this.consume();
      },
    });
  }

  async open(options: SerialOptions): Promise<void> {
    if (this.openedWith !== null) throw new DOMException('The port is already open.', 'InvalidStateError');
    this.openedWith = options;
  }

  /** As Web Serial's: a port whose streams someone still holds does not close. */
  async close(): Promise<void> {
    if (this.readable.locked || this.writable.locked) throw new TypeError('Cannot close a serial port while its streams are locked.');
    this.closed = true;
  }

  /** Bytes from the thermostat, as if it printed them. */
  send(bytes: Uint8Array | string): void {
    try {
      this.controller.enqueue(typeof bytes === 'string' ? encoder.encode(bytes) : bytes);
    } catch {
      // The app cancelled the stream (it closed the port): nobody is listening.
    }
  }

  /** The cable is pulled. */
  unplug(): void {
    this.controller.error(new DOMException('The device has been lost.', 'NetworkError'));
  }

  private consume(): void {
    for (;;) {
      const isPacket = HEADER.slice(0, 6).every((byte, i) => this.incoming[i] === byte);
      if (isPacket) {
        // IMPROV, version, type, length, data, checksum, then the SDK's '\n'.
        const length = this.incoming[8];
        if (length === undefined || this.incoming.length < 9 + length + 2) return;
        const packet = this.incoming.splice(0, 9 + length + 2);
        this.onPacket(packet[7] as number, packet.slice(9, 9 + length));
        continue;
      }
      const end = this.incoming.indexOf(0x0a);
      if (end < 0) return;
      const line = new TextDecoder().decode(Uint8Array.from(this.incoming.splice(0, end + 1).slice(0, end)));
      this.consoleLines.push(line);
      const answers = this.options.answerConsole?.(line) ?? [`ok ${line}`];
      for (const answer of answers) this.send(`${answer}\r\n`);
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
        this.send(rpcResult(RPC.scan, []));
        return;
      case RPC.wifiSettings: {
        const ssidLength = payload[0] ?? 0;
        const ssid = new TextDecoder().decode(Uint8Array.from(payload.slice(1, 1 + ssidLength)));
        const passwordLength = payload[1 + ssidLength] ?? 0;
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
          this.send(rpcResult(RPC.wifiSettings, [link]));
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
