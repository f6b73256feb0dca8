/**
 * The whole system as the scripts that drive it from outside need it (scripts/measure-start.ts,
 * scripts/screenshots.ts): a built app on a broker of its own, simulated thermostats on that broker, and Debian's
 * Chromium, in a scratch folder removed again when stopped, whatever was started.
 */
import { chromium, type Browser } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config.ts';
import { BrokerProcess } from './broker.ts';
import { SimulatedThermostat } from './thermostat.ts';

export class SystemUnderTest {
  /** Keyed by the name each was asked for: a household of several rooms has one each. */
  private readonly thermostatsStarted = new Map<string, SimulatedThermostat>();
  private browserStarted: Browser | null = null;

  private constructor(
    /** What this run is called in the processes' names and the scratch folder: "perf", "screenshots". */
    private readonly label: string,
    readonly workDir: string,
    readonly broker: BrokerProcess,
  ) {}

  /** A broker serving `staticDir` (a built app) on a free port. */
  static async start(options: { label: string; staticDir: string }): Promise<SystemUnderTest> {
    const workDir = mkdtempSync(join(tmpdir(), `hearth-${options.label}-`));
    const broker = new BrokerProcess({ port: 0, staticDir: options.staticDir, logFile: join(workDir, 'broker.log'), name: `broker (${options.label})` });
    const system = new SystemUnderTest(options.label, workDir, broker);
    try {
      await broker.start();
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  /** A headless Chromium, closed with the rest. */
  async browser(): Promise<Browser> {
    this.browserStarted ??= await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    return this.browserStarted;
  }

  /** A simulated thermostat at real speed on this broker, once it is online; another for each other `name`. */
  async thermostat(name = 'thermostat'): Promise<SimulatedThermostat> {
    const running = this.thermostatsStarted.get(name);
    if (running !== undefined) return running;
    const started = await SimulatedThermostat.start({
      brokerWsUrl: this.broker.wsUrl,
      appUrl: this.broker.httpUrl,
      stateDir: join(this.workDir, name),
      speed: 1,
      name: `${name} (${this.label})`,
      logFile: join(this.workDir, `${name}.log`),
    });
    this.thermostatsStarted.set(name, started);
    await started.waitForOnline();
    return started;
  }

  async stop(): Promise<void> {
    try {
      await this.browserStarted?.close();
      for (const thermostat of this.thermostatsStarted.values()) await thermostat.stop();
      await this.broker.stop();
    } finally {
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}
