/** A simulated thermostat (the real C++ core behind firmware/scripts/sim.sh) as a child process. */
import { join } from 'node:path';
import { HEAT_REASONS, isFiniteNumber, isObject, parseJsonObject, SETPOINT_SOURCES, type HeatReason, type SetpointSource } from '../protocol/index.ts';
import { ManagedProcess } from './system-process.ts';
import { repoRoot } from './system-paths.ts';

export interface SimulatedMember {
  id: string;
  name: string;
  home: boolean;
  /** null when the last report came from OwnTracks. */
  distance: number | null;
  age_s: number;
  source: 'app' | 'owntracks';
}

/** What the simulator's `state` command answers. */
export interface SimulatorState {
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
}

/** Lines the simulator prints on its own; everything else on stdout answers a command. */
const UNPROMPTED_LINE = /^(PAIR|ONLINE|OFFLINE)\b/;
const PAIR_LINE = /^PAIR (\S+)$/;
const COMMAND_TIMEOUT_MS = 10_000;

interface PendingAnswer {
  command: string;
  resolve: (answer: string) => void;
  reject: (error: Error) => void;
}

export class SimulatedThermostat {
  private readonly pending: PendingAnswer[] = [];

  private constructor(
    readonly process: ManagedProcess,
    readonly pairLink: string,
  ) {
    process.onLine((line) => {
      if (UNPROMPTED_LINE.test(line)) return;
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
    ];
    const { process: sim, readyLine } = await startSimulator({ ...options, label: 'thermostat' }, args, PAIR_LINE);
    return new SimulatedThermostat(sim, PAIR_LINE.exec(readyLine)?.[1] as string);
  }

  /** The thermostat's public ID, from its pairing link. */
  get id(): string {
    return this.pairFragment.split('.')[0] as string;
  }

  /** base64url of its AES key, from its pairing link. */
  get keyText(): string {
    return this.pairFragment.split('.')[1] as string;
  }

  private get pairFragment(): string {
    return new URL(this.pairLink).hash.replace(/^#pair=/, '');
  }

  /** Resolves on the first ONLINE line numbered `since` or later. */
  async waitForOnline(since = 0, timeoutMs = 15_000): Promise<void> {
    await this.process.waitForLine(/^ONLINE\b/, { since, timeoutMs });
  }

  async waitForOffline(since = 0, timeoutMs = 15_000): Promise<void> {
    await this.process.waitForLine(/^OFFLINE\b/, { since, timeoutMs });
  }

  /** Sends one stdin command and resolves with its one answer line. */
  command(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.pending.findIndex((waiting) => waiting.resolve === settle);
        if (index >= 0) this.pending.splice(index, 1);
        reject(new Error(`simulator did not answer ${JSON.stringify(command)} within ${COMMAND_TIMEOUT_MS} ms${this.process.diagnostics()}`));
      }, COMMAND_TIMEOUT_MS);
      const settle = (answer: string): void => {
        clearTimeout(timer);
        resolve(answer);
      };
      this.pending.push({ command, resolve: settle, reject });
      this.process.writeLine(command);
    });
  }

  /** Sends a command that must answer `ok <command>`. */
  async control(command: string): Promise<void> {
    const answer = await this.command(command);
    if (!answer.startsWith('ok')) throw new Error(`simulator refused ${JSON.stringify(command)}: ${answer}`);
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
