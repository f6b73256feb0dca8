/**
 * The serial side of "Set up a new thermostat", outside React: opens the port the person picks, tells the
 * thermostat this app's broker and address on its console, then gives it a Wi-Fi network over Improv Wi-Fi
 * serial and pairs with the link it answers, in the order docs/protocol.md gives ("Setting up over the serial
 * port"). It reports only through store actions (setupEvent, addThermostat).
 */
import { ImprovSerialCurrentState } from 'improv-wifi-serial-sdk/dist/const';
import { ImprovSerial } from 'improv-wifi-serial-sdk/dist/serial';
import { pairedThermostat, parseDeviceLink } from '@/lib/pairing-link';
import type { SetupEvent } from '@/lib/setup/setup-machine';
import type { AppStore } from '@/stores/app-store';
import { consoleAnswerTo, consoleCommand, ConsoleLineReader, type ConsoleVerb } from './console-lines';
import { deviceInfoFrom, displayText, joinProblem, networksFrom } from './improv-answers';

/** The thermostat's USB serial speed (firmware: Serial.begin). */
export const BAUD_RATE = 115200;

/** What the session uses of a Web Serial port; the browser's SerialPort, or a test double. */
export type SetupPort = Pick<SerialPort, 'open' | 'close' | 'readable' | 'writable'>;
export interface SerialPortChooser {
  requestPort(): Promise<SetupPort>;
}

export interface SetupTimeouts {
  /** How long one console command waits for its `ok`/`error`. */
  consoleAnswerMs: number;
  /** The first command is sent this many times: a board may reset when its port opens and miss it while it boots. */
  firstCommandAttempts: number;
  /** For the thermostat to answer Improv's "current state" (the SDK asks again every second). */
  detectMs: number;
  scanMs: number;
  /** Joining is bounded on the thermostat (30 s), then up to 20 s more until it has logged on and sends its link. */
  joinMs: number;
}

export const DEFAULT_TIMEOUTS: SetupTimeouts = {
  consoleAnswerMs: 2000,
  firstCommandAttempts: 3,
  detectMs: 5000,
  scanMs: 20_000,
  joinMs: 75_000,
};

export interface SetupSessionOptions {
  serial: SerialPortChooser;
  store: AppStore;
  /** Where the thermostat should log on: the broker this app uses. */
  brokerUrl: string;
  /** This app's address: the thermostat builds its pairing link on it, and only a link to its origin is taken. */
  appUrl: string;
  timeouts?: Partial<SetupTimeouts>;
}

const quietLogger = { log: () => undefined, debug: () => undefined, error: () => undefined };

const DISCONNECTED = 'The thermostat was disconnected. Plug it in again and press Connect.';

export class SetupSession {
  private readonly timeouts: SetupTimeouts;
  private port: SetupPort | null = null;
  private improv: ImprovSerial | null = null;
  /** The console's reader while `broker` and `app` wait for their answers; the port cannot close while it holds it. */
  private consoleReader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  /** Set once the session is over: nothing it hears afterwards reaches the store. */
  private ended = false;
  private existingLink: string | null = null;

  constructor(private readonly options: SetupSessionOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  private emit(event: SetupEvent): void {
    if (!this.ended) this.options.store.getState().setupEvent(event);
  }

  /** Ends the session with `problem` shown at the start step. */
  private async fail(problem: string): Promise<void> {
    this.emit({ type: 'failed', problem });
    await this.close();
  }

  async connect(): Promise<void> {
    this.emit({ type: 'connect' });
    let port: SetupPort;
    try {
      port = await this.options.serial.requestPort();
    } catch (error) {
      // The person closed the chooser (NotFoundError) or the page may not ask (SecurityError).
      if (error instanceof DOMException && error.name === 'NotFoundError') this.emit({ type: 'port-cancelled' });
      else await this.fail(`The browser did not give access to a serial port (${displayText(String(error), 80)}).`);
      return;
    }
    if (this.ended) return;
    try {
      await port.open({ baudRate: BAUD_RATE });
    } catch {
      await this.fail('The port could not be opened. Close any other program or tab using it (a serial monitor, say), then try again.');
      return;
    }
    if (this.ended) {
      // Closed while the port was opening: it is ours to close.
      await port.close().catch(() => undefined);
      return;
    }
    this.port = port;
    this.emit({ type: 'port-opened' });

    const problem = await this.tellAddresses(port);
    if (problem !== null) {
      await this.fail(problem);
      return;
    }
    this.emit({ type: 'configured' });
    await this.detect(port);
  }

  /** `broker <url>` then `app <url>` on the console, each answered `ok`; or why not. */
  private async tellAddresses(port: SetupPort): Promise<string | null> {
    const commands: [ConsoleVerb, string][] = [
      ['broker', this.options.brokerUrl],
      ['app', this.options.appUrl],
    ];
    for (const [verb, argument] of commands) {
      const command = consoleCommand(verb, argument);
      if (!command.ok) return command.message;
    }
    if (port.readable === null || port.writable === null) return DISCONNECTED;
    const reader = port.readable.getReader();
    this.consoleReader = reader;
    const lines = new ConsoleLineReader();
    const queue: string[] = [];
    let pendingRead: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
    /** The next line before `deadline`: null when none came, 'closed' when the port did. */
    const nextLine = async (deadline: number): Promise<string | null | 'closed'> => {
      while (queue.length === 0) {
        pendingRead ??= reader.read();
        const result = await withDeadline<ReadableStreamReadResult<Uint8Array>>(pendingRead, deadline);
        if (result === null) return null;
        pendingRead = null;
        if (result.done) return 'closed';
        queue.push(...lines.push(result.value));
      }
      return queue.shift() as string;
    };
    try {
      for (const [index, [verb, argument]] of commands.entries()) {
        const command = consoleCommand(verb, argument);
        if (!command.ok) return command.message;
        const attempts = index === 0 ? this.timeouts.firstCommandAttempts : 1;
        let answered = false;
        for (let attempt = 0; attempt < attempts && !answered; attempt++) {
          await writeBytes(port, command.bytes);
          const deadline = Date.now() + this.timeouts.consoleAnswerMs;
          for (;;) {
            const line = await nextLine(deadline);
            if (line === null) break;
            if (line === 'closed') return DISCONNECTED;
            const answer = consoleAnswerTo(verb, line);
            if (answer === null) continue;
            if (!answer.ok) return `The thermostat refused the ${verb === 'broker' ? 'server' : 'app'} address ${argument}: ${answer.reason}`;
            answered = true;
            break;
          }
        }
        if (!answered) {
          return 'The thermostat did not answer. Check that it runs the Hearth firmware and that no other program uses its port, then try again.';
        }
      }
      return null;
    } catch {
      return DISCONNECTED;
    } finally {
      // Improv takes the port over; a read still waiting is dropped with the lock, nothing it would bring is lost.
      reader.releaseLock();
      this.consoleReader = null;
    }
  }

  private async detect(port: SetupPort): Promise<void> {
    // The SDK reads only the port's readable and writable (dist/serial.js); the rest of SerialPort stays ours.
    const improv = new ImprovSerial(port as SerialPort, quietLogger);
    this.improv = improv;
    try {
      await improv.initialize(this.timeouts.detectMs);
    } catch {
      await this.fail(
        'The thermostat answered on its console but not to Wi-Fi setup (Improv). Update its firmware (see its README), then try again.',
      );
      return;
    }
    // Only now: a failed initialize closes its own reader, which the SDK also reports as a disconnect.
    improv.addEventListener('disconnect', () => {
      if (!this.ended) void this.fail(DISCONNECTED);
    });
    improv.addEventListener('state-changed', () => {
      if (improv.state === ImprovSerialCurrentState.PROVISIONED) this.emit({ type: 'joined' });
    });
    this.existingLink = improv.state === ImprovSerialCurrentState.PROVISIONED ? (improv.nextUrl ?? null) : null;
    this.emit({ type: 'detected', device: deviceInfoFrom(improv.info), alreadyOnline: this.existingLink !== null });
    await this.scan();
  }

  /** Asks the thermostat which networks it sees; a failed scan leaves the person to type the name. */
  async scan(): Promise<void> {
    const improv = this.improv;
    if (improv === null || this.ended) return;
    this.emit({ type: 'rescan' });
    try {
      this.emit({ type: 'networks', networks: networksFrom(await improv.scan(this.timeouts.scanMs)) });
    } catch {
      this.emit({ type: 'networks', networks: null });
    }
  }

  /** Gives the thermostat a network; on success it answers its pairing link, which adds it under `name`. */
  async join(ssid: string, password: string, name: string): Promise<void> {
    const improv = this.improv;
    if (improv === null || this.ended) return;
    this.emit({ type: 'join', ssid });
    let link: string | undefined;
    try {
      await improv.provision(ssid, password, this.timeouts.joinMs);
      link = improv.nextUrl;
    } catch (error) {
      this.emit({ type: 'join-failed', problem: joinProblem(error, ssid) });
      return;
    }
    if (link === undefined || link === '') {
      await this.fail(`The thermostat joined ${displayText(ssid)} but sent no pairing link. Open its serial console and type pair.`);
      return;
    }
    await this.pair(link, name);
  }

  /** A thermostat that was already on Wi-Fi: pairs with the link it gave on connecting. */
  async addAsItIs(name: string): Promise<void> {
    if (this.existingLink !== null && !this.ended) await this.pair(this.existingLink, name);
  }

  private async pair(link: string, name: string): Promise<void> {
    const parsed = parseDeviceLink(link, new URL(this.options.appUrl).origin);
    if (!parsed.ok) {
      await this.fail(parsed.message);
      return;
    }
    const thermostat = pairedThermostat(parsed.value, name);
    this.options.store.getState().addThermostat(thermostat);
    this.emit({ type: 'paired', thermostatId: thermostat.id, name: thermostat.name });
    await this.close();
  }

  /** Lets go of the port; safe to call at any time, more than once. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const { improv, port, consoleReader } = this;
    this.improv = null;
    this.port = null;
    this.consoleReader = null;
    if (consoleReader !== null) {
      // Ends the wait for a console answer at once (it reads "closed") and lets go of the stream.
      await consoleReader.cancel().catch(() => undefined);
      consoleReader.releaseLock();
    }
    try {
      await improv?.close();
    } catch {
      // Unplugged: nothing left to release.
    }
    try {
      await port?.close();
    } catch {
      // Already closed, or gone with its cable.
    }
  }
}

async function writeBytes(port: SetupPort, bytes: Uint8Array): Promise<void> {
  if (port.writable === null) throw new Error('port not writable');
  const writer = port.writable.getWriter();
  try {
    await writer.write(bytes);
  } finally {
    writer.releaseLock();
  }
}

/** The promise's value, or null once `deadline` (Date.now() ms) has passed; the promise itself stays usable. */
async function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
