/**
 * The serial side of "Set up a new thermostat", outside React: opens the port the person picks, tells the
 * thermostat this app's address and broker on its console, then gives it a Wi-Fi network over Improv Wi-Fi
 * serial and pairs with the link it answers (docs/protocol.md, "Setting up over the serial port"). It reports
 * only through store actions (setupEvent, addThermostat).
 *
 * The thermostat's loop may be busy for seconds at a time: a connect to its broker blocks it up to 15 s
 * (firmware/README.md, "What blocks, and for how long"). Every wait below outlasts that, and `app` goes
 * before `broker`, since a new broker URL sets it dialling.
 */
import { ImprovSerialCurrentState } from 'improv-wifi-serial-sdk/dist/const';
import { ImprovSerial } from 'improv-wifi-serial-sdk/dist/serial';
import { knownPairing, pairedThermostat, parseDeviceLink, type PairingCode } from '@/lib/pairing-link';
import { nextSetupState, type SetupEvent } from '@/lib/setup/setup-machine';
import type { AppStore } from '@/stores/app-store';
import { consoleAnswerTo, consoleCommand, LINE_BREAK, type ConsoleAnswer, type ConsoleVerb } from './console-lines';
import { deviceInfoFrom, displayText, joinProblem, linkNotHandedOver, networksFrom } from './improv-answers';
import { SerialLink, type LinkEnd } from './serial-link';

/** Moves the store's setup step with the machine: what the serial session and the dialog report goes through here. */
export function applySetupEvent(store: AppStore, event: SetupEvent): void {
  const { setup, setSetup } = store.getState();
  setSetup(nextSetupState(setup, event));
}

/** The thermostat's USB serial speed (firmware: Serial.begin). */
export const BAUD_RATE = 115200;

/** What the session uses of a Web Serial port; the browser's SerialPort, or a test double. */
export type SetupPort = Pick<SerialPort, 'open' | 'close' | 'readable' | 'writable'>;
export interface SerialPortChooser {
  requestPort(): Promise<SetupPort>;
}

export interface SetupTimeouts {
  /** How long one console command waits for its answer, from its first sending. */
  consoleAnswerMs: number;
  /** A command not answered within this is sent again (a board may reset as its port opens and miss it). */
  consoleResendMs: number;
  /** How many times at most each command is sent. */
  consoleAttempts: number;
  /** For the thermostat to answer Improv's "current state" (the SDK asks again every second). */
  detectMs: number;
  scanMs: number;
  /** For the Wi-Fi settings' answer: the thermostat's connect, its logon, and a blocking connect to its broker. */
  joinMs: number;
}

export const DEFAULT_TIMEOUTS: SetupTimeouts = {
  // Longer than the longest the thermostat's loop blocks: a wss:// connect to an address that swallows packets, 15 s.
  consoleAnswerMs: 17_000,
  consoleResendMs: 2000,
  // Three copies of the longest command (201 bytes) fit the ESP8266 core's 256-byte receive buffer, less
  // one for what a busy loop has not read yet: only the last can be cut.
  consoleAttempts: 3,
  detectMs: 17_000,
  // The scan's own bound on the thermostat (15 s), after a blocked loop (15 s).
  scanMs: 35_000,
  // 30 s to connect, then up to 20 s for the logon before the link is sent anyway, and a connect that blocks
  // the loop for up to 15 s in between; with room to spare.
  joinMs: 100_000,
};

/**
 * The most bytes the thermostat may send in one phase (the console lines, detection, one scan, one join):
 * each needs a few kilobytes at most (a full scan: 16 results of under 300 bytes). More is a device flooding
 * the page, whose scan results the SDK would otherwise keep without limit.
 */
export const PHASE_BYTE_BUDGET = 64 * 1024;

export interface SetupSessionOptions {
  serial: SerialPortChooser;
  store: AppStore;
  /** Where the thermostat should log on: the broker this app uses. */
  brokerUrl: string;
  /** This app's address: the thermostat builds its pairing link on it, and only a link to its origin is taken. */
  appUrl: string;
  timeouts?: Partial<SetupTimeouts>;
  phaseByteBudget?: number;
}

const quietLogger = { log: () => undefined, debug: () => undefined, error: () => undefined };

const DISCONNECTED = 'The thermostat was disconnected. Plug it in again and press Connect.';

const LINK_ENDED: Record<Exclude<LinkEnd, 'closed'>, string> = {
  lost: DISCONNECTED,
  flooded:
    'The device on this port sent far more than a thermostat being set up does, so the app stopped listening. ' +
    'Check that this is the thermostat’s port, unplug it and plug it in again, then press Connect.',
};

/** What a command's words name: the thermostat's view of each address. */
const ADDRESS_NAME: Partial<Record<ConsoleVerb, string>> = { broker: 'server', app: 'app' };

/** A console command's outcome: its answer, no answer in time, or the link gone. */
type CommandOutcome = ConsoleAnswer | 'silent' | 'ended';

/** Resolves when the last session's port is released: a new one must not open the port before. */
let lastRelease: Promise<void> = Promise.resolve();

export class SetupSession {
  private readonly timeouts: SetupTimeouts;
  private readonly phaseByteBudget: number;
  /** The port once open: closed through the link when there is one, else directly. */
  private openPort: SetupPort | null = null;
  private link: SerialLink | null = null;
  private improv: ImprovSerial | null = null;
  /** Set once the session reached its end (failed, paired) or its owner closed it: nothing more reaches the store but that end. */
  private over = false;
  /** Its owner closed it: not even its end is reported. */
  private closedByOwner = false;
  private releasing: Promise<void> | null = null;
  private existingLink: string | null = null;
  /** A link for a thermostat the app holds with another key, kept until the person chooses. */
  private pending: { code: PairingCode; name: string } | null = null;

  constructor(private readonly options: SetupSessionOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.phaseByteBudget = options.phaseByteBudget ?? PHASE_BYTE_BUDGET;
  }

  private emit(event: SetupEvent): void {
    if (!this.over) applySetupEvent(this.options.store, event);
  }

  /** Ends the session with `event`, reported once the port is released (a retry can open it at once). */
  private async finish(event: SetupEvent): Promise<void> {
    if (this.over) return;
    this.over = true;
    await this.release();
    if (!this.closedByOwner) applySetupEvent(this.options.store, event);
  }

  /** Ends the session with `problem` shown at the start step. */
  private fail(problem: string): Promise<void> {
    return this.finish({ type: 'failed', problem });
  }

  /** Runs a step; anything it throws that nobody expected ends the session with a plain message, the port closed. */
  private async guarded(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      await this.fail(`Set-up stopped on something unexpected (${displayText(describe(error), 120)}). Press Connect to try again.`);
    }
  }

  connect(): Promise<void> {
    return this.guarded(() => this.connectSteps());
  }

  private async connectSteps(): Promise<void> {
    this.emit({ type: 'connect' });
    let port: SetupPort;
    try {
      port = await this.options.serial.requestPort();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NotFoundError') this.emit({ type: 'port-cancelled' });
      else await this.fail(portRequestProblem(error));
      return;
    }
    await lastRelease;
    if (this.over) return;
    try {
      await port.open({ baudRate: BAUD_RATE });
    } catch {
      await this.fail(
        'The port could not be opened. Close any other program or tab using it (a serial monitor, say), or reload this page, then try again.',
      );
      return;
    }
    if (this.over) {
      // Closed while the port was opening: it is ours to let go of.
      lastRelease = port.close().catch(() => undefined);
      await lastRelease;
      return;
    }
    this.openPort = port;
    const link = SerialLink.over(port);
    if (link === null) {
      await this.fail(DISCONNECTED);
      return;
    }
    this.link = link;
    void link.ended.then((reason) => (reason === 'closed' ? undefined : this.fail(LINK_ENDED[reason])));
    this.emit({ type: 'port-opened' });

    link.limit(this.phaseByteBudget);
    const problem = await this.tellAddresses(link);
    if (problem !== null) {
      await this.fail(problem);
      return;
    }
    this.emit({ type: 'configured' });
    await this.detect(link);
  }

  /** `app <url>` then `broker <url>` on the console, each answered `ok`; or why not. */
  private async tellAddresses(link: SerialLink): Promise<string | null> {
    const commands: [ConsoleVerb, string][] = [
      ['app', this.options.appUrl],
      ['broker', this.options.brokerUrl],
    ];
    const lines: [ConsoleVerb, string, Uint8Array][] = [];
    for (const [verb, argument] of commands) {
      const command = consoleCommand(verb, argument);
      if (!command.ok) return command.message;
      lines.push([verb, argument, command.bytes]);
    }
    const seconds = Math.round(this.timeouts.consoleAnswerMs / 1000);
    for (const [index, [verb, argument, bytes]] of lines.entries()) {
      const outcome = await this.command(link, verb, bytes);
      if (outcome === 'ended') return LINK_ENDED[link.endedFor === 'flooded' ? 'flooded' : 'lost'];
      if (outcome === 'silent') {
        return index === 0
          ? `The thermostat did not answer on its console within ${seconds} s. Check that this is its port, that it runs the Hearth firmware and that no other program uses the port, then press Connect again.`
          : `The thermostat stopped answering on its console (it took the app address, then nothing for ${seconds} s). Press Connect to try again.`;
      }
      if (!outcome.ok) return `The thermostat refused the ${ADDRESS_NAME[verb] ?? verb} address ${argument}: ${outcome.reason}`;
    }
    return null;
  }

  /**
   * Sends a console command, again every consoleResendMs up to consoleAttempts times, until the line that
   * answers it comes (`heard` sees every line before it). Each sending starts with a line break, which ends
   * whatever partial line the thermostat holds (bytes left from a reset) and which it otherwise ignores.
   */
  private async command(link: SerialLink, verb: ConsoleVerb, bytes: Uint8Array, heard?: (line: string) => void): Promise<CommandOutcome> {
    const { consoleAnswerMs, consoleResendMs, consoleAttempts } = this.timeouts;
    const withBreak = new Uint8Array(LINE_BREAK.length + bytes.length);
    withBreak.set(LINE_BREAK);
    withBreak.set(bytes, LINE_BREAK.length);
    const deadline = Date.now() + consoleAnswerMs;
    let sent = 0;
    let resendAt = 0;
    link.clearLines();
    for (;;) {
      if (sent < consoleAttempts && Date.now() >= resendAt) {
        link.send(withBreak);
        sent += 1;
        resendAt = Date.now() + consoleResendMs;
      }
      const line = await link.nextLine(sent < consoleAttempts ? Math.min(resendAt, deadline) : deadline);
      if (line === 'ended') return 'ended';
      if (line === null) {
        if (Date.now() >= deadline) return 'silent';
        continue;
      }
      heard?.(line);
      const answer = consoleAnswerTo(verb, line);
      if (answer !== null) return answer;
    }
  }

  private async detect(link: SerialLink): Promise<void> {
    link.limit(this.phaseByteBudget);
    const improv = new ImprovSerial(link.improvPort(), quietLogger);
    this.improv = improv;
    try {
      await improv.initialize(this.timeouts.detectMs);
    } catch {
      if (link.endedFor !== null) return;
      await this.fail(
        `The thermostat took its addresses on the console but did not answer Wi-Fi setup (Improv) within ${Math.round(this.timeouts.detectMs / 1000)} s. ` +
          'It may still have been busy reaching its server: press Connect to try again. If it never answers, its firmware may be older than ' +
          'set-up from the browser: flash it again, then try again.',
      );
      return;
    }
    improv.addEventListener('state-changed', () => {
      if (improv.state === ImprovSerialCurrentState.PROVISIONED) this.emit({ type: 'joined' });
    });
    const alreadyOnline = improv.state === ImprovSerialCurrentState.PROVISIONED;
    this.existingLink = alreadyOnline && improv.nextUrl !== undefined && improv.nextUrl !== '' ? improv.nextUrl : null;
    this.emit({ type: 'detected', device: deviceInfoFrom(improv.info), alreadyOnline });
    link.limit(null);
    await this.scan();
  }

  /** Asks the thermostat which networks it sees; a failed scan leaves the person to type the name. */
  scan(): Promise<void> {
    return this.guarded(async () => {
      const { improv, link } = this;
      if (improv === null || link === null || this.over) return;
      this.emit({ type: 'rescan' });
      link.limit(this.phaseByteBudget);
      const networks = await improv.scan(this.timeouts.scanMs).then(networksFrom, () => null);
      if (link.endedFor !== null) return;
      link.limit(null);
      this.emit({ type: 'networks', networks });
    });
  }

  /** Gives the thermostat a network; on success it answers its pairing link, which adds it under `name`. */
  join(ssid: string, password: string, name: string): Promise<void> {
    return this.guarded(async () => {
      const { improv, link } = this;
      if (improv === null || link === null || this.over) return;
      this.emit({ type: 'join', ssid });
      link.limit(this.phaseByteBudget);
      let answered: string | undefined;
      try {
        await improv.provision(ssid, password, this.timeouts.joinMs);
        answered = improv.nextUrl;
      } catch (error) {
        if (link.endedFor !== null) return;
        link.limit(null);
        // On the network already: only the link is late (the thermostat still waits for its broker).
        if (error === 'TIMEOUT' && improv.state === ImprovSerialCurrentState.PROVISIONED) await this.fail(linkNotHandedOver(ssid));
        else this.emit({ type: 'join-failed', problem: joinProblem(error, ssid) });
        return;
      }
      link.limit(this.phaseByteBudget);
      const pairingLink = answered === undefined || answered === '' ? await this.askForLink(link, `joined ${displayText(ssid)}`) : answered;
      if (pairingLink !== null) await this.pair(pairingLink, name);
    });
  }

  /** A thermostat that was already on Wi-Fi: pairs with the link it gave on connecting (or gives on `pair`). */
  addAsItIs(name: string): Promise<void> {
    return this.guarded(async () => {
      const { link } = this;
      if (link === null || this.improv === null || this.over) return;
      link.limit(this.phaseByteBudget);
      const pairingLink = this.existingLink ?? (await this.askForLink(link, 'is on Wi-Fi'));
      if (pairingLink !== null) await this.pair(pairingLink, name);
    });
  }

  /** The person chose to replace the key the app holds for this thermostat. */
  replaceKey(): Promise<void> {
    return this.guarded(async () => {
      const pending = this.pending;
      if (pending === null || this.over) return;
      this.pending = null;
      await this.add(pending.code, pending.name);
    });
  }

  /** The link from the console's `pair`, when Improv gave none; null once the session failed for it. */
  private async askForLink(link: SerialLink, what: string): Promise<string | null> {
    const pair = consoleCommand('pair');
    if (!pair.ok) throw new Error(pair.message);
    const printed: string[] = [];
    const outcome = await this.command(link, 'pair', pair.bytes, (line) => {
      if (line.startsWith('PAIR ')) printed.push(line.slice('PAIR '.length));
    });
    if (outcome === 'ended') return null;
    if (outcome === 'silent') {
      await this.fail(`The thermostat ${what} but did not give its pairing link. Press Connect to try again.`);
      return null;
    }
    if (!outcome.ok) {
      await this.fail(`The thermostat ${what} but could not give its pairing link: ${outcome.reason}`);
      return null;
    }
    const last = printed.at(-1);
    if (last === undefined) {
      await this.fail(`The thermostat ${what} but printed no pairing link. Press Connect to try again.`);
      return null;
    }
    return last;
  }

  private async pair(link: string, name: string): Promise<void> {
    const parsed = parseDeviceLink(link, new URL(this.options.appUrl).origin);
    if (!parsed.ok) {
      await this.fail(parsed.message);
      return;
    }
    const { thermostats, membershipOf } = this.options.store.getState();
    const known = knownPairing(thermostats, parsed.value, membershipOf);
    if (known.kind === 'member') {
      // Its key is kept: the new invitation the thermostat made is not used, and stays good for whoever gets it.
      const { name: named } = pairedThermostat(parsed.value, name, known.thermostat);
      if (named !== known.thermostat.name) this.options.store.getState().renameThermostat(known.thermostat.id, named);
      await this.finish({ type: 'paired', thermostatId: known.thermostat.id, name: named, alreadyMember: true });
      return;
    }
    if (known.kind === 'other-key') {
      // The port is no longer needed; the person's answer is.
      this.pending = { code: parsed.value, name };
      await this.release();
      this.emit({ type: 'already-paired', thermostatId: known.thermostat.id, name: known.thermostat.name });
      return;
    }
    await this.add(parsed.value, name);
  }

  private async add(code: PairingCode, name: string): Promise<void> {
    const { thermostats, membershipOf } = this.options.store.getState();
    const known = knownPairing(thermostats, code, membershipOf);
    const thermostat = pairedThermostat(code, name, known.kind === 'new' ? undefined : known.thermostat);
    this.options.store.getState().addThermostat(thermostat);
    await this.finish({ type: 'paired', thermostatId: thermostat.id, name: thermostat.name });
  }

  /** Lets go of the port and reports nothing more; safe to call at any time, more than once. */
  async close(): Promise<void> {
    this.closedByOwner = true;
    this.over = true;
    await this.release();
  }

  /** Closes the port whatever holds its streams (the link owns them); once. */
  private release(): Promise<void> {
    if (this.releasing === null) {
      const { link, openPort } = this;
      this.improv = null;
      this.releasing = link !== null ? link.close() : openPort !== null ? openPort.close().catch(() => undefined) : Promise.resolve();
      lastRelease = this.releasing;
    }
    return this.releasing;
  }
}

/** Why requestPort() failed, in full: a SecurityError names the permissions policy that forbids serial ports. */
function portRequestProblem(error: unknown): string {
  const cause = displayText(describe(error), 400);
  if (error instanceof DOMException && error.name === 'SecurityError') return `This page may not use serial ports: ${cause}`;
  return `The browser did not give access to a serial port (${cause}).`;
}

function describe(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`;
  return String(error);
}
