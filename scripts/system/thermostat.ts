/** A simulated thermostat (the real C++ core behind firmware/scripts/sim.sh) as a child process. */
import { join } from 'node:path';
import {
  CLOCK_SOURCES,
  HEAT_REASONS,
  isFiniteNumber,
  isObject,
  isTime,
  parseJsonObject,
  parseSchedule,
  parseTimeZone,
  SETPOINT_SOURCES,
  PLAN_SOURCES,
  type AwayUntil,
  type Boost,
  type ClockSource,
  type HeatReason,
  type ManualHold,
  type PlanSource,
  type SetpointSource,
  type StateMessage,
  type WeekSchedule,
  fromBase64url,
  isClientId,
  INVITATION_BYTES,
  type ClientId,
} from '../../protocol/index.ts';
import { ManagedProcess } from './process.ts';
import { repoRoot } from './paths.ts';

export interface SimulatedMember {
  id: string;
  name: string;
  home: boolean;
  /** null when the last report came from OwnTracks. */
  distance: number | null;
  age_s: number;
  source: 'app' | 'owntracks';
}

/** STATE's `next`: when the held set point or its source next changes, and to what. */
export type SimulatedNextChange = NonNullable<StateMessage['next']>;

/** What the simulator's `state` command answers: STATE's clock, zone, schedule, overrides and next among them. */
export interface SimulatorState
  extends Pick<StateMessage, 'time' | 'clock' | 'time_zone' | 'schedule' | 'manual' | 'boost' | 'away_until' | 'next'> {
  temperature: number | null;
  humidity: number | null;
  pressure: number | null;
  sensor_ok: boolean;
  target: number;
  away_target: number;
  hysteresis: number;
  mode: 'auto' | 'home' | 'away';
  regime: 'home' | 'away';
  heater: boolean;
  /** The temperature held now; null when nothing is (setpoint_source none). */
  setpoint: number | null;
  setpoint_source: SetpointSource;
  heat_reason: HeatReason;
  members: SimulatedMember[];
  /** The members with an OwnTracks secret. */
  owntracks: string[];
  uptime_s: number;
  room: number;
  outside: number;
  online: boolean;
  sessions: number;
  dropped_envelopes: number;
}

const isReading = (value: unknown): value is number | null => value === null || isFiniteNumber(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isText = (value: unknown): value is string => typeof value === 'string';
const isMode = (value: unknown): value is SimulatorState['mode'] => value === 'auto' || value === 'home' || value === 'away';
const isRegime = (value: unknown): value is SimulatorState['regime'] => value === 'home' || value === 'away';
const isSetpointSource = (value: unknown): value is SetpointSource => (SETPOINT_SOURCES as readonly unknown[]).includes(value);
const isPlanSource = (value: unknown): value is PlanSource => (PLAN_SOURCES as readonly unknown[]).includes(value);
const isHeatReason = (value: unknown): value is HeatReason => (HEAT_REASONS as readonly unknown[]).includes(value);

type Guards<T> = { [K in keyof T]-?: (value: unknown) => value is T[K] };

function checked<T>(value: unknown, guards: Guards<T>): T | null {
  if (!isObject(value)) return null;
  for (const [key, guard] of Object.entries(guards) as [string, (v: unknown) => boolean][]) {
    if (!guard(value[key])) return null;
  }
  return value as T;
}

const isSource = (value: unknown): value is SimulatedMember['source'] => value === 'app' || value === 'owntracks';
const isMember = (value: unknown): value is SimulatedMember =>
  checked<SimulatedMember>(value, { id: isText, name: isText, home: isBoolean, distance: isReading, age_s: isFiniteNumber, source: isSource }) !== null;

const orNull =
  <T>(guard: (value: unknown) => value is T) =>
  (value: unknown): value is T | null =>
    value === null || guard(value);
const isClockSource = (value: unknown): value is ClockSource => (CLOCK_SOURCES as readonly unknown[]).includes(value);
const isTimeZone = (value: unknown): value is string => typeof value === 'string' && parseTimeZone(value) !== null;
// The schedule as SET's `schedule` allows it: STATE shows the one the thermostat accepted.
const isSchedule = (value: unknown): value is WeekSchedule => parseSchedule(value).ok;
const isManual = (value: unknown): value is ManualHold => checked<ManualHold>(value, { setpoint: isFiniteNumber, until: orNull(isTime) }) !== null;
const isBoost = (value: unknown): value is Boost => checked<Boost>(value, { setpoint: isFiniteNumber, until: isTime }) !== null;
const isAwayUntil = (value: unknown): value is AwayUntil => checked<AwayUntil>(value, { until: isTime, preheat_minutes: isFiniteNumber }) !== null;
const isNextChange = (value: unknown): value is SimulatedNextChange =>
  checked<SimulatedNextChange>(value, { at: isTime, setpoint: isFiniteNumber, source: isPlanSource }) !== null;

/** The simulator is another process: its answer is checked field by field before the tests rely on it. */
export function parseSimulatorState(value: unknown): SimulatorState | null {
  return checked<SimulatorState>(value, {
    temperature: isReading,
    humidity: isReading,
    pressure: isReading,
    sensor_ok: isBoolean,
    target: isFiniteNumber,
    away_target: isFiniteNumber,
    hysteresis: isFiniteNumber,
    mode: isMode,
    regime: isRegime,
    heater: isBoolean,
    setpoint: isReading,
    setpoint_source: isSetpointSource,
    heat_reason: isHeatReason,
    time: orNull(isTime),
    clock: orNull(isClockSource),
    time_zone: orNull(isTimeZone),
    schedule: isSchedule,
    manual: orNull(isManual),
    boost: orNull(isBoost),
    away_until: orNull(isAwayUntil),
    next: orNull(isNextChange),
    members: (v): v is SimulatedMember[] => Array.isArray(v) && v.every(isMember),
    owntracks: (v): v is string[] => Array.isArray(v) && v.every(isText),
    uptime_s: isFiniteNumber,
    room: isFiniteNumber,
    outside: isFiniteNumber,
    online: isBoolean,
    sessions: isFiniteNumber,
    dropped_envelopes: isFiniteNumber,
  });
}

/** What every start of the simulator names; each kind of start adds its own arguments. */
export interface SimulatorOptions {
  stateDir: string;
  speed?: number;
  name?: string;
  logFile?: string;
}

/** The first start may compile the simulator, hence the generous wait for its first line. */
const FIRST_LINE_TIMEOUT_MS = 180_000;

/**
 * Runs the simulator (firmware/scripts/sim.sh) with `options` and `args` and resolves once it prints a line
 * matching `ready`; stops it when that line never comes.
 */
export async function startSimulator(
  options: SimulatorOptions & { label: string },
  args: readonly string[],
  ready: RegExp,
): Promise<{ process: ManagedProcess; readyLine: string }> {
  const command = [
    join(repoRoot, 'firmware/scripts/sim.sh'),
    '--state-dir',
    options.stateDir,
    '--speed',
    String(options.speed ?? 1),
    ...(options.name ? ['--name', options.name] : []),
    ...args,
  ];
  const sim = ManagedProcess.spawn(options.name ?? options.label, 'bash', command, {
    cwd: repoRoot,
    ...(options.logFile ? { stderrLog: options.logFile } : {}),
  });
  try {
    return { process: sim, readyLine: await sim.waitForLine(ready, { timeoutMs: FIRST_LINE_TIMEOUT_MS }) };
  } catch (error) {
    await sim.stop();
    throw error;
  }
}

export interface ThermostatOptions extends SimulatorOptions {
  brokerWsUrl: string;
  appUrl: string;
  /** --silent-link-ms: how long a link may stay without a frame or ping before it is dropped (default 75 s). */
  silentLinkMs?: number;
  /** --time: the UTC time its clock starts at, `YYYY-MM-DDTHH:MM[:SS]Z` (default: this computer's). */
  startTime?: string;
}

/** `ok time 2026-10-25T00:29:00Z` or `ok dst …`, possibly followed by a note: the UTC second the clock was set to. */
const TIME_ANSWER = /^ok (?:time|dst) (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)(?: .*)?$/;

export function utcOfTimeAnswer(command: string, answer: string): number {
  const iso = TIME_ANSWER.exec(answer)?.[1];
  if (iso === undefined) throw new Error(`simulator refused ${JSON.stringify(command)}: ${answer}`);
  return Date.parse(iso) / 1000;
}

/** Lines the simulator prints on its own; everything else on stdout answers a command. */
const UNPROMPTED_LINE = /^(PAIR|ONLINE|OFFLINE)\b/;
const PAIR_LINE = /^PAIR (\S+)$/;
const COMMAND_TIMEOUT_MS = 10_000;
/** `run 8d` takes about 2 s here; a loaded CI machine gets ample room. */
const RUN_TIMEOUT_MS = 60_000;

interface PendingAnswer {
  command: string;
  resolve: (answer: string) => void;
  reject: (error: Error) => void;
}

/** What a pairing link carries (docs/protocol.md "Keys and pairing"): the thermostat's ID and an invitation secret. */
export interface PairingLinkParts {
  thermostatId: ClientId;
  secret: Uint8Array;
}

/** Reads `<app URL>#pair=<thermostat ID>.<base64url(secret)>`; throws for anything else (the simulator printed it). */
export function pairingLinkParts(link: string): PairingLinkParts {
  const [thermostatId, secretText, ...rest] = new URL(link).hash.replace(/^#pair=/, '').split('.');
  const secret = fromBase64url(secretText ?? '');
  if (!isClientId(thermostatId) || secret === null || secret.length !== INVITATION_BYTES || rest.length > 0) {
    throw new Error(`not a pairing link: ${link}`);
  }
  return { thermostatId, secret };
}

export class SimulatedThermostat {
  private readonly pending: PendingAnswer[] = [];

  private constructor(
    readonly process: ManagedProcess,
    /** The link it printed when it started: an invitation, good for one join (see invitation() for more). */
    readonly pairLink: string,
  ) {
    process.onLine((line) => {
      // `pair` answers with a PAIR line of its own; any other PAIR line (at a start) is unprompted.
      const answersPair = this.pending[0]?.command === 'pair' && PAIR_LINE.test(line);
      if (UNPROMPTED_LINE.test(line) && !answersPair) return;
      this.pending.shift()?.resolve(line);
    });
    void process.exited.then(() => {
      for (const waiting of this.pending.splice(0)) waiting.reject(new Error(`simulator exited before answering ${waiting.command}`));
    });
  }

  /** Starts the simulator and resolves once it has printed its pairing link. */
  static async start(options: ThermostatOptions): Promise<SimulatedThermostat> {
    const args = [
      '--broker',
      options.brokerWsUrl,
      '--app-url',
      options.appUrl,
      ...(options.silentLinkMs === undefined ? [] : ['--silent-link-ms', String(options.silentLinkMs)]),
      ...(options.startTime === undefined ? [] : ['--time', options.startTime]),
    ];
    const { process: sim, readyLine } = await startSimulator({ ...options, label: 'thermostat' }, args, PAIR_LINE);
    const link = PAIR_LINE.exec(readyLine)?.[1] as string;
    pairingLinkParts(link); // a line that is no pairing link fails the start here, not a test later
    return new SimulatedThermostat(sim, link);
  }

  /** The thermostat's public ID, from its pairing link. */
  get id(): ClientId {
    return pairingLinkParts(this.pairLink).thermostatId;
  }

  /**
   * A pairing link with a new invitation, as someone at the thermostat's serial port gets one with `pair`: good for
   * one join within 24 hours, until the thermostat restarts (docs/protocol.md "Keys and pairing").
   */
  async invitation(): Promise<string> {
    const answer = await this.command('pair');
    const link = PAIR_LINE.exec(answer)?.[1];
    if (link === undefined) throw new Error(`simulator refused pair: ${answer}`);
    return link;
  }

  /** Resolves on the first ONLINE line numbered `since` or later. */
  async waitForOnline(since = 0, timeoutMs = 15_000): Promise<void> {
    await this.process.waitForLine(/^ONLINE\b/, { since, timeoutMs });
  }

  async waitForOffline(since = 0, timeoutMs = 15_000): Promise<void> {
    await this.process.waitForLine(/^OFFLINE\b/, { since, timeoutMs });
  }

  /** Sends one stdin command and resolves with its one answer line. */
  command(command: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.pending.findIndex((waiting) => waiting.resolve === settle);
        if (index >= 0) this.pending.splice(index, 1);
        reject(new Error(`simulator did not answer ${JSON.stringify(command)} within ${timeoutMs} ms${this.process.diagnostics()}`));
      }, timeoutMs);
      const settle = (answer: string): void => {
        clearTimeout(timer);
        resolve(answer);
      };
      this.pending.push({ command, resolve: settle, reject });
      this.process.writeLine(command);
    });
  }

  /** Sends a command that must answer `ok <command>`. */
  async control(command: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<void> {
    const answer = await this.command(command, timeoutMs);
    if (!answer.startsWith('ok')) throw new Error(`simulator refused ${JSON.stringify(command)}: ${answer}`);
  }

  /**
   * Sets the simulated world's clock, which the thermostat hears as from SNTP: `localIso` (`YYYY-MM-DDTHH:MM[:SS]`)
   * in the thermostat's time zone (UTC when it has none), or UTC with a `Z` after it. Resolves with the UTC second
   * it was set to; rejects for a local time that does not exist (the clocks go forward over it).
   */
  async setTime(localIso: string): Promise<number> {
    return utcOfTimeAnswer(`time ${localIso}`, await this.command(`time ${localIso}`));
  }

  /** Sets the clock to 60 s before the next change of offset of the thermostat's time zone; resolves with that UTC second. */
  async jumpToDstChange(): Promise<number> {
    return utcOfTimeAnswer('dst', await this.command('dst'));
  }

  /**
   * Moves the simulated world (room, heater, the thermostat's clock and the wall clock) on by `duration` at once:
   * `<N>s`, `<N>m`, `<N>h` or `<N>d`, at most 8 days, ticking the thermostat every simulated second. 7 days take
   * about 2 s of real time; frames and commands wait meanwhile. Resolves once it is done.
   */
  async run(duration: `${number}${'s' | 'm' | 'h' | 'd'}`): Promise<void> {
    await this.control(`run ${duration}`, RUN_TIMEOUT_MS);
  }

  async state(): Promise<SimulatorState> {
    const answer = await this.command('state');
    const state = parseSimulatorState(parseJsonObject(answer));
    if (state === null) throw new Error(`simulator's state is not what it should be: ${answer}`);
    return state;
  }

  /**
   * Runs `during` with the thermostat (and its WebSocket bridge) stopped by SIGSTOP, as a thermostat that is slow
   * to answer: what the broker sends it waits in the socket, and is read once it runs again.
   */
  async whileFrozen<T>(during: () => Promise<T>): Promise<T> {
    this.process.signal('SIGSTOP');
    try {
      return await during();
    } finally {
      this.process.signal('SIGCONT');
    }
  }

  async stop(): Promise<void> {
    await this.process.stop(2000);
  }
}
