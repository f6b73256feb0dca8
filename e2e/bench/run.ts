/**
 * `npm run bench:e2e`: how long from a user's tap to the thermostat's confirmed target on screen,
 * in Debian's Chromium against the real broker, simulator and production build. Prints figures.
 *
 * Three timings per tap, all taken inside the page with performance.now():
 *   click   "Increase/Decrease target temperature" click → confirmed value in the DOM
 *           (includes the app's ~350 ms debounce, by design)
 *   enter   Enter on the "Target temperature" spinbutton → confirmed value in the DOM
 *   trip    the SET frame handed to WebSocket.send → confirmed value in the DOM (the system's round trip)
 * and, for scale, the same SET → STATE round trip from a bare Node client without a browser, and a
 * round trip between two bare clients through the broker alone (no thermostat).
 */
import { chromium, type Locator, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config.ts';
import { BrokerProcess } from '../../scripts/system/broker.ts';
import { buildAll } from '../../scripts/system/build.ts';
import { SimulatedThermostat } from '../../scripts/system/thermostat.ts';
import type { InPage, InPageElement } from '../fixtures/in-page.ts';
import { RawClient } from '../fixtures/raw-client.ts';
import { addFromPairingLink, ThermostatScreen } from '../fixtures/thermostat-screen.ts';
import { PairedApp } from '../../firmware/sim/paired-app.ts';
import { message, type StateMessage } from '../../protocol/index.ts';

const CLICK_TAPS = 100;
const RAW_ROUND_TRIPS = 200;
const ENTER_TAPS = 200;
/**
 * The broker allows 20 messages a second per connection (burst 40); a paced tap schedule keeps the
 * bench under it, so what is measured is latency and never the rate limiter.
 */
const TAP_PERIOD_MS = 80;
const STEP = 0.5;
const BASE_TARGET = 20;

interface TapTiming {
  inputAt: number | null;
  sentAt: number | null;
  confirmedAt: number;
}

interface Bench {
  sends: number[];
  inputAt: number | null;
  result: Promise<TapTiming> | null;
  arm(element: InPageElement, expected: number): void;
}

type BenchPage = InPage & { hearthBench: Bench };

/** Installed before the app's own scripts, so the app's WebSocket sends go through the wrapper. */
function installHarness(): void {
  const page = globalThis as unknown as BenchPage;
  const sends: number[] = [];
  const originalSend = page.WebSocket.prototype.send;
  page.WebSocket.prototype.send = function send(this: unknown, data: unknown) {
    sends.push(performance.now());
    originalSend.call(this, data);
  };
  const bench: Bench = {
    sends,
    inputAt: null,
    result: null,
    arm(element, expected) {
      bench.inputAt = null;
      const sendsBefore = sends.length;
      const busyHolder = element.closest('[aria-busy]') ?? element;
      const confirmed = (): boolean => {
        const shown = Number.parseFloat((element.getAttribute('aria-valuetext') ?? '').replace(',', '.'));
        return Math.abs(shown - expected) < 0.01 && busyHolder.getAttribute('aria-busy') !== 'true';
      };
      bench.result = new Promise((resolve) => {
        const observer = new page.MutationObserver(() => {
          if (!confirmed()) return;
          observer.disconnect();
          resolve({ inputAt: bench.inputAt, sentAt: sends[sendsBefore] ?? null, confirmedAt: performance.now() });
        });
        observer.observe(page.document.body, { attributes: true, subtree: true, attributeFilter: ['aria-valuetext', 'aria-busy'] });
      });
    },
  };
  page.addEventListener('click', () => {
    bench.inputAt ??= performance.now();
  }, true);
  page.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') bench.inputAt ??= performance.now();
  }, true);
  page.hearthBench = bench;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (value: number): string => `${value.toFixed(2)} ms`.padStart(10);
  return `${label.padEnd(46)} n=${String(sorted.length).padStart(3)}  p50 ${f(percentile(sorted, 50))}  p95 ${f(percentile(sorted, 95))}  min ${f(sorted[0] ?? NaN)}  max ${f(sorted.at(-1) ?? NaN)}`;
}

/** Waits for the paced schedule's next slot; the schedule is the load generator's clock. */
function untilSlot(startedAt: number, slot: number): Promise<void> {
  const delay = startedAt + slot * TAP_PERIOD_MS - performance.now();
  return delay > 0 ? new Promise((resolve) => setTimeout(resolve, delay)) : Promise.resolve();
}

async function tap(page: Page, target: Locator, expected: number, act: () => Promise<void>): Promise<TapTiming> {
  await target.evaluate((element, value) => (globalThis as unknown as BenchPage).hearthBench.arm(element as unknown as InPageElement, value), expected);
  await act();
  const timing = await page.evaluate(() => (globalThis as unknown as BenchPage).hearthBench.result as Promise<TapTiming>);
  if (timing.inputAt === null) throw new Error('the tap was not seen by the page');
  return timing;
}

/** SET → STATE through the broker and the simulator from Node: the system without the browser (a member too). */
async function rawRoundTrips(thermostat: SimulatedThermostat, wsUrl: string): Promise<number[]> {
  const app = await PairedApp.pair({ wsUrl }, thermostat, 'bench');
  try {
    const trips: number[] = [];
    const startedAt = performance.now();
    for (let i = 0; i < RAW_ROUND_TRIPS; i++) {
      await untilSlot(startedAt, i);
      const target = i % 2 === 0 ? BASE_TARGET + STEP : BASE_TARGET;
      const sentAt = performance.now();
      await app.request('SET', { target }, (m): m is StateMessage => m.type === 'STATE' && m.target === target);
      trips.push(performance.now() - sentAt);
    }
    return trips;
  } finally {
    await app.close();
  }
}

/** MSG from one bare client to another and straight back: the broker's share of a round trip. */
async function brokerRoundTrips(wsUrl: string): Promise<number[]> {
  const [asker, echoer] = await Promise.all([RawClient.connect(wsUrl), RawClient.connect(wsUrl)]);
  try {
    const askerId = await asker.logOn();
    const echoerId = await echoer.logOn();
    const trips: number[] = [];
    const startedAt = performance.now();
    for (let i = 0; i < RAW_ROUND_TRIPS; i++) {
      await untilSlot(startedAt, i);
      const sentAt = performance.now();
      asker.send(message(askerId, echoerId, i));
      await echoer.nextPacket((packet) => packet.packet_type === 'MSG' && packet.data === i);
      echoer.send(message(echoerId, askerId, i));
      await asker.nextPacket((packet) => packet.packet_type === 'MSG' && packet.data === i);
      trips.push(performance.now() - sentAt);
    }
    return trips;
  } finally {
    asker.close();
    echoer.close();
  }
}

async function main(): Promise<void> {
  buildAll((line) => console.log(`bench: ${line}`));
  const workDir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const broker = new BrokerProcess({ port: 0, staticDir: 'dist', logFile: join(workDir, 'broker.log') });
  let thermostat: SimulatedThermostat | null = null;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await broker.start();
    const stateDir = join(workDir, 'thermostat');
    mkdirSync(stateDir);
    thermostat = await SimulatedThermostat.start({
      brokerWsUrl: broker.wsUrl,
      appUrl: broker.httpUrl,
      stateDir,
      speed: 60,
      logFile: join(workDir, 'thermostat.log'),
    });
    await thermostat.waitForOnline();
    await thermostat.control('outside 20');
    await thermostat.control('room 20');

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    // tsx compiles with keepNames, which wraps named functions in a `__name` helper the page lacks.
    await page.addInitScript({ content: `globalThis.__name ??= (fn) => fn;\n(${installHarness.toString()})();` });
    await (await addFromPairingLink(page, await thermostat.invitation(), 'Bench')).waitFor({ state: 'hidden' });
    const screen = new ThermostatScreen(page);
    await screen.connection.filter({ hasText: /^Connected/ }).waitFor();
    const { target, increaseTarget: increase, decreaseTarget: decrease } = screen;
    await target.and(page.locator(`[aria-valuetext^="${BASE_TARGET}"]`)).waitFor();

    const clickTotals: number[] = [];
    const clickTrips: number[] = [];
    for (let i = 0; i < CLICK_TAPS; i++) {
      const up = i % 2 === 0;
      const timing = await tap(page, target, up ? BASE_TARGET + STEP : BASE_TARGET, () => (up ? increase : decrease).click());
      clickTotals.push(timing.confirmedAt - (timing.inputAt as number));
      if (timing.sentAt !== null) clickTrips.push(timing.confirmedAt - timing.sentAt);
    }

    const enterTotals: number[] = [];
    const enterTrips: number[] = [];
    const startedAt = performance.now();
    for (let i = 0; i < ENTER_TAPS; i++) {
      await untilSlot(startedAt, i);
      const up = i % 2 === 0;
      const timing = await tap(page, target, up ? BASE_TARGET + STEP : BASE_TARGET, async () => {
        await target.press(up ? 'ArrowUp' : 'ArrowDown');
        await target.press('Enter');
      });
      enterTotals.push(timing.confirmedAt - (timing.inputAt as number));
      if (timing.sentAt !== null) enterTrips.push(timing.confirmedAt - timing.sentAt);
    }

    const rawTrips = await rawRoundTrips(thermostat, broker.wsUrl);
    const brokerTrips = await brokerRoundTrips(broker.wsUrl);

    const state = await thermostat.state();
    console.log('');
    console.log(`Tap to confirmed target, Chromium ${browser.version()}, loopback, simulator at speed 60`);
    console.log(summary('click → confirmed on screen (incl. debounce)', clickTotals));
    console.log(summary('click: SET sent → confirmed on screen', clickTrips));
    console.log(summary('Enter → confirmed on screen', enterTotals));
    console.log(summary('Enter: SET sent → confirmed on screen', enterTrips));
    console.log(summary('no browser: Node client SET → STATE', rawTrips));
    console.log(summary('broker alone: Node client → client → back', brokerTrips));
    console.log(`thermostat after the run: target ${state.target}, dropped envelopes ${state.dropped_envelopes}`);
  } finally {
    await browser.close();
    await thermostat?.stop();
    await broker.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
