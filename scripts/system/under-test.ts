/**
 * The whole system as the scripts that drive it from outside need it (scripts/measure-start.ts,
 * scripts/pwa-screenshots.ts): a built app on a broker of its own, a simulated thermostat on that broker, and Debian's
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
  private thermostatStarted: SimulatedThermostat | null = null;
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

  /** A simulated thermostat at real speed on this broker, once it is online. */
  async thermostat(): Promise<SimulatedThermostat> {
    if (this.thermostatStarted !== null) return this.thermostatStarted;
    this.thermostatStarted = await SimulatedThermostat.start({
      brokerWsUrl: this.broker.wsUrl,
      appUrl: this.broker.httpUrl,
      stateDir: join(this.workDir, 'thermostat'),
      speed: 1,
      name: `thermostat (${this.label})`,
      logFile: join(this.workDir, 'thermostat.log'),
    });
    await this.thermostatStarted.waitForOnline();
    return this.thermostatStarted;
  }

  async stop(): Promise<void> {
    try {
      await this.browserStarted?.close();
      await this.thermostatStarted?.stop();
      await this.broker.stop();
    } finally {
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}
