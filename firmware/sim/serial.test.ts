// Setting the simulated thermostat up over its serial port, as a browser does with Web Serial: the
// simulator's pseudo-terminal carries the console and Improv Wi-Fi (docs/protocol.md "Setting up over
// the serial port"), read and written here by the Improv SDK the app uses, against a real broker.
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStream } from 'node:tty';
import { ImprovSerial } from 'improv-wifi-serial-sdk/dist/serial.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../broker/integration/helpers.ts';
import type { RunningBroker } from '../../broker/server.ts';
import type { ManagedProcess } from '../../scripts/system/process.ts';
import { startSimulator } from '../../scripts/system/thermostat.ts';

const APP_URL = 'http://localhost:5173/';
const PAIR_LINK = /^http:\/\/localhost:5173\/#pair=([A-Za-z0-9_-]{22})\.[A-Za-z0-9_-]{43}$/;

/**
 * The simulator's serial port, opened like a USB serial port: one reader takes every byte; the
 * Improv SDK gets all of them through a Web Serial-shaped port (it skips text lines), and the text
 * lines that are not Improv packets are kept for the console checks.
 */
class SerialPortDouble {
  private readonly fd: number;
  private readonly input: ReadStream;
  private readonly consoleLines: string[] = [];
  private readonly wakers = new Set<() => void>();
  private text: number[] = [];
  private inPacket = 0; // bytes of an Improv packet still to skip
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;

  constructor(path: string) {
    this.fd = openSync(path, 'r+');
    this.input = new ReadStream(this.fd);
    let feed: ReadableStreamDefaultController<Uint8Array> | null = null;
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        feed = controller;
      },
      // The SDK cancels its reader when it closes; the console checks go on reading.
      cancel: () => {
        feed = null;
      },
    });
    this.input.on('data', (chunk: Buffer) => {
      feed?.enqueue(new Uint8Array(chunk));
      this.collectLines(chunk);
    });
    this.writable = new WritableStream<Uint8Array>({
      write: (bytes) => {
        writeSync(this.fd, bytes);
      },
    });
  }

  // Console lines are whatever is not inside an Improv packet ("IMPROV", version, type, length,
  // data, checksum); a packet is counted by its length byte, not by line ends.
  private collectLines(chunk: Buffer): void {
    for (const byte of chunk) {
      if (this.inPacket > 0) {
        this.inPacket -= 1;
        continue;
      }
      this.text.push(byte);
      if (this.text.length === 9 && Buffer.from(this.text.slice(0, 7)).equals(Buffer.from('IMPROV\x01', 'latin1'))) {
        this.inPacket = (this.text[8] as number) + 1;
        this.text = [];
        continue;
      }
      if (byte !== 10) continue;
      const line = Buffer.from(this.text.slice(0, -1)).toString('utf8');
      this.text = [];
      if (line !== '') this.consoleLines.push(line);
      for (const wake of [...this.wakers]) wake();
    }
  }

  /** How many console lines have come so far: a wait from here sees only later ones. */
  get lineCount(): number {
    return this.consoleLines.length;
  }

  /** Types a console line and resolves with the first answer line that comes after it. */
  async command(line: string, timeoutMs = 5000): Promise<string> {
    const since = this.consoleLines.length;
    writeSync(this.fd, `${line}\n`);
    return this.lineAfter(since, (answer) => /^(ok|error) /.test(answer), timeoutMs);
  }

  lineAfter(since: number, matches: (line: string) => boolean, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const look = (): boolean => {
        const found = this.consoleLines.slice(since).find(matches);
        if (found === undefined) return false;
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve(found);
        return true;
      };
      const wake = (): void => void look();
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        reject(new Error(`no matching console line within ${timeoutMs} ms; got ${JSON.stringify(this.consoleLines.slice(since))}`));
      }, timeoutMs);
      this.wakers.add(wake);
      look();
    });
  }

  close(): void {
    this.input.destroy();
    try {
      closeSync(this.fd);
    } catch {
      // the read stream closed it
    }
  }
}

const quietLogger = { log: (): void => undefined, error: (): void => undefined, debug: (): void => undefined };

describe('simulated thermostat set up over its serial port (Improv Wi-Fi)', () => {
  let broker: RunningBroker;
  let stateDir: string;
  let sim: ManagedProcess;
  let port: SerialPortDouble;

  beforeAll(async () => {
    broker = await startTestBroker({});
    stateDir = mkdtempSync(join(tmpdir(), 'hearth-serial-'));
    // No --broker: the thermostat starts unprovisioned and waits on its serial port.
    const started = await startSimulator(
      { stateDir, speed: 60, name: 'vitest-serial', label: 'serial-sim' },
      ['--serial', 'pty', '--wifi', 'Home=correct horse', '--wifi', 'Cafe='],
      /^SERIAL \/dev\/\S+$/,
    );
    sim = started.process;
    port = new SerialPortDouble(started.readyLine.slice('SERIAL '.length));
  }, 190_000);

  afterAll(async () => {
    port?.close();
    await sim?.stop();
    await broker?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('takes the broker and app URLs on the console, then Wi-Fi by Improv, and answers with the pairing link', async () => {
    expect(await port.command('status')).toMatch(/^ok status wifi=idle improv=ready broker=none /);
    expect(await port.command(`broker ${broker.wsUrl}`)).toBe(`ok broker ${broker.wsUrl}`);
    expect(await port.command(`app ${APP_URL}`)).toBe(`ok app ${APP_URL}`);
    expect(await port.command('broker http://nope/')).toMatch(/^error broker takes a ws:\/\/ or wss:\/\/ URL/);

    const improv = new ImprovSerial(port as unknown as ConstructorParameters<typeof ImprovSerial>[0], quietLogger);
    const info = await improv.initialize(5000);
    expect(info).toMatchObject({ firmware: 'Hearth', chipFamily: 'ESP8266', name: 'Hearth thermostat' });
    expect(improv.state).toBe(0x02); // ready

    expect(await improv.scan()).toEqual([
      { name: 'Cafe', rssi: -47, secured: false },
      { name: 'Home', rssi: -40, secured: true },
    ]);

    // A wrong password: the radio refuses it, the SDK's promise is rejected, back to ready.
    await expect(improv.provision('Home', 'wrong password')).rejects.toBe('UNABLE_TO_CONNECT');
    await improv.requestCurrentState();
    expect(improv.state).toBe(0x02);
    // With a broker set for over a second of real time (a minute of the simulator's, whose first
    // attempt would be due at once) but no Wi-Fi yet: nothing has dialled it.
    expect(broker.stats()).toMatchObject({ connections: 0, loggedOn: 0 });

    // The right one: provisioned, and the result waits for the logon so that the app finds the
    // thermostat online when it follows the link.
    await improv.provision('Home', 'correct horse', 20_000);
    expect(improv.state).toBe(0x04);
    const link = improv.nextUrl ?? '';
    const id = PAIR_LINK.exec(link)?.[1];
    expect(id).toBeDefined();
    expect(broker.stats().loggedOn).toBe(1);
    expect(await sim.waitForLine(new RegExp(`^ONLINE ${id}$`))).toBe(`ONLINE ${id}`);
    expect(await port.command('status')).toBe(
      `ok status wifi=connected improv=provisioned broker=${broker.wsUrl} pin=none online=yes thermostat=${id}`,
    );

    // Asked again later, a link with a new invitation to the same thermostat (each is good for one join); `pair`
    // on the console prints another (only on the wire).
    await improv.requestCurrentState();
    const again = improv.nextUrl ?? '';
    expect(PAIR_LINK.exec(again)?.[1]).toBe(id);
    expect(again).not.toBe(link);
    const since = port.lineCount;
    expect(await port.command('pair')).toBe('ok pair');
    const printed = (await port.lineAfter(since, (line) => line.startsWith('PAIR '))).replace(/^PAIR /, '');
    expect(PAIR_LINK.exec(printed)?.[1]).toBe(id);
    expect([link, again]).not.toContain(printed);
    await improv.close();
  }, 60_000);

  it('keeps its Wi-Fi and broker across a reboot, and forgets them on forget-wifi', async () => {
    const since = sim.lineCount;
    sim.writeLine('reboot');
    await sim.waitForLine(/^ONLINE /, { since, timeoutMs: 15_000 });
    expect(await port.command('status')).toMatch(/^ok status wifi=connected improv=provisioned /);

    const offline = sim.lineCount;
    expect(await port.command('forget-wifi')).toBe('ok forget-wifi');
    await sim.waitForLine(/^OFFLINE$/, { since: offline });
    expect(await port.command('status')).toMatch(/^ok status wifi=idle improv=ready /);
  }, 30_000);

  it('formats a state directory that no longer mounts on factory-reset, and makes a new identity', async () => {
    const before = /thermostat=(\S+)$/.exec(await port.command('status'))?.[1];
    expect(before).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // As a board whose flash file system does not mount at boot: no identity, every write fails.
    let since = sim.lineCount;
    sim.writeLine('storage broken');
    await sim.waitForLine(/^ok storage broken$/, { since });
    sim.writeLine('reboot');
    await sim.waitForLine(/^ok reboot$/, { since });
    expect(await port.command('status')).toMatch(/ thermostat=none$/);

    since = sim.lineCount;
    const portSince = port.lineCount;
    expect(await port.command('factory-reset')).toBe('ok factory-reset (the flash was formatted)');
    const after = /thermostat=(\S+)$/.exec(await port.command('status'))?.[1];
    expect(after).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(after).not.toBe(before);
    await sim.waitForLine(new RegExp(`^PAIR .*#pair=${after}\\.`), { since });
    // The reset forgot the app URL: the port says how to set it rather than give a link to no app,
    // and gives the new link once it is set.
    await port.lineAfter(portSince, (line) => line === 'no app URL: set it with app <URL of the app> to get the pairing link');
    expect(await port.command(`app ${APP_URL}`)).toBe(`ok app ${APP_URL}`);
    expect(await port.lineAfter(portSince, (line) => line.startsWith('PAIR '))).toMatch(new RegExp(`^PAIR ${APP_URL}#pair=${after}\\.`));

    // Stored: the same identity after a power cycle.
    since = sim.lineCount;
    sim.writeLine('reboot');
    await sim.waitForLine(/^ok reboot$/, { since });
    expect(await port.command('status')).toMatch(new RegExp(`^ok status wifi=idle improv=ready broker=none pin=none online=no thermostat=${after}$`));
  }, 30_000);
});
