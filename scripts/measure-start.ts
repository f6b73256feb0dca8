/**
 * `npm run perf:start`: how the built app starts on Lighthouse's mobile profile (4× slower CPU, "Slow 4G", a 412×823
 * screen), throttled in the browser as Lighthouse's `--throttling-method=devtools` does (its default, `simulate`,
 * estimates from an unthrottled load instead, so its figures differ), in Debian's Chromium. Prints, for the welcome screen and for a screen paired with a simulated thermostat:
 * every long task over 50 ms (with the scripts the browser blames for it), the longest, an estimate of Total Blocking
 * Time, and the bytes transferred, compressed and not. Figures, not a test: it passes or fails nothing.
 *
 * Builds nothing: run `npm run build` first (and build the simulator once, `npx tsx scripts/system/build.ts`).
 */
import { expect, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addFromPairingLink, ThermostatScreen } from '../e2e/fixtures/thermostat-screen.ts';
import { parseBuiltAppCommandLine } from './system/built-app-script.ts';
import { SystemUnderTest } from './system/under-test.ts';
import { isObject } from '../protocol/json.ts';

const USAGE = `Usage: npm run perf:start -- [--runs <n>] [--no-throttle] [--welcome-only] [--profile <folder>] [--dist <folder>]

  --runs          loads of each screen, figures of each printed (default 2)
  --no-throttle   this machine's own speed and network, for comparison
  --welcome-only  no simulated thermostat: the welcome screen alone
  --profile       also writes each load's CPU profile there (open it in Chromium's DevTools, Performance panel)
                  and prints the functions that ran longest in it
  --dist          the build to serve (default dist; e.g. one built with \`vite build --minify false --outDir …\`)`;

/** Lighthouse's mobile profile (lighthouse-core/config/constants.js, "mobileSlow4G" and its moto G power screen). */
const SLOW_4G = {
  latency: 150 * 3.75,
  downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8,
  uploadThroughput: (750 * 1024 * 0.9) / 8,
};
const CPU_SLOWDOWN = 4;
const VIEWPORT = { width: 412, height: 823 };
const DEVICE_SCALE_FACTOR = 1.75;
const MOBILE_USER_AGENT =
  'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36';
/** Lighthouse counts the part of each long task beyond this as blocking. */
const BLOCKING_THRESHOLD_MS = 50;
/** Long tasks worth a line of their own; and the limit the issue sets for the start. */
const REPORTED_TASK_MS = 50;
const START_TASK_LIMIT_MS = 200;

interface LongTask {
  start: number;
  duration: number;
  /** The scripts a long animation frame names as running in it: "file (invoker) ms". */
  scripts: string[];
}
interface Transfer {
  name: string;
  transferred: number;
  encoded: number;
  decoded: number;
  encoding: string;
}
interface StartFigures {
  longTasks: LongTask[];
  firstContentfulPaint: number | null;
  transfers: Transfer[];
  /** Milliseconds of script per function, most first, when profiled. */
  hotFunctions: { name: string; selfMs: number; totalMs: number }[];
}

/** What V8's sampling profiler returns (Profiler.stop), as far as it is read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self and total time per function of the app's own scripts (total: with what it calls), from a sampled profile. */
function hotFunctionsOf(profile: CpuProfile, origin: string): StartFigures['hotFunctions'] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const nameOf = (id: number): string | null => {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || !frame.url.startsWith(origin)) return null;
    return `${frame.functionName || '(top level)'} ${frame.url.slice(origin.length)}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
  };
  (profile.samples ?? []).forEach((id, index) => {
    const delta = (profile.timeDeltas?.[index] ?? 0) / 1000;
    const own = nameOf(id);
    if (own !== null) self.set(own, (self.get(own) ?? 0) + delta);
    const counted = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const name = nameOf(at);
      if (name === null || counted.has(name)) continue;
      counted.add(name);
      total.set(name, (total.get(name) ?? 0) + delta);
    }
  });
  return [...total].map(([name, totalMs]) => ({ name, totalMs, selfMs: self.get(name) ?? 0 })).sort((a, b) => b.totalMs - a.totalMs);
}

/**
 * Installed before any of the app's scripts: long tasks and long animation frames, from the first one. Page code, as
 * text: this script is type-checked for Node, without the DOM's types.
 */
const RECORD_LONG_TASKS = `(() => {
  const seen = { tasks: [], frames: [] };
  Object.defineProperty(window, '__hearthStart', { value: seen });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) seen.tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        seen.frames.push({
          start: entry.startTime,
          duration: entry.duration,
          scripts: (entry.scripts || []).map((script) => script.sourceURL.replace(location.origin, '') + ' (' + script.invoker + ') ' + Math.round(script.duration) + ' ms'),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // Browsers without long animation frames: the tasks alone, unattributed.
  }
})()`;

/** What the page recorded, and its paint and resource timings. */
const READ_FIGURES = `(() => {
  const seen = window.__hearthStart;
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const resources = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  return {
    tasks: seen.tasks,
    frames: seen.frames,
    firstContentfulPaint: paint === undefined ? null : paint.startTime,
    resources: resources.map((entry) => ({ name: entry.name, transferred: entry.transferSize, encoded: entry.encodedBodySize, decoded: entry.decodedBodySize })),
  };
})()`;

interface PageFigures {
  tasks: { start: number; duration: number }[];
  frames: { start: number; duration: number; scripts: string[] }[];
  firstContentfulPaint: number | null;
  resources: { name: string; transferred: number; encoded: number; decoded: number }[];
}

const numbers = <K extends string>(value: unknown, keys: readonly K[]): Record<K, number> | null => {
  if (!isObject(value)) return null;
  const picked = {} as Record<K, number>;
  for (const key of keys) {
    const field = value[key];
    if (typeof field !== 'number' || !Number.isFinite(field)) return null;
    picked[key] = field;
  }
  return picked;
};
const listOf = <T>(value: unknown, parse: (item: unknown) => T | null): T[] =>
  Array.isArray(value) ? value.map(parse).filter((item): item is T => item !== null) : [];

/** The page is the app under test, not this script: what it hands back is checked before it is printed. */
function parsePageFigures(value: unknown): PageFigures {
  if (!isObject(value)) throw new Error('the page returned no figures');
  const paint = value['firstContentfulPaint'];
  return {
    tasks: listOf(value['tasks'], (item) => numbers(item, ['start', 'duration'] as const)),
    frames: listOf(value['frames'], (item) => {
      const timing = numbers(item, ['start', 'duration'] as const);
      if (timing === null || !isObject(item)) return null;
      return { ...timing, scripts: listOf(item['scripts'], (script) => (typeof script === 'string' ? script.slice(0, 300) : null)) };
    }),
    firstContentfulPaint: typeof paint === 'number' && Number.isFinite(paint) ? paint : null,
    resources: listOf(value['resources'], (item) => {
      const sizes = numbers(item, ['transferred', 'encoded', 'decoded'] as const);
      if (sizes === null || !isObject(item) || typeof item['name'] !== 'string') return null;
      return { ...sizes, name: item['name'] };
    }),
  };
}

async function throttle(session: CDPSession, throttled: boolean): Promise<void> {
  await session.send('Network.enable');
  await session.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (!throttled) return;
  await session.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await session.send('Network.emulateNetworkConditions', { offline: false, ...SLOW_4G });
}

/** Loads the app cold (no HTTP cache, no service worker) and waits for `ready`, then for the network to go quiet. */
async function measureStart(
  context: BrowserContext,
  url: string,
  throttled: boolean,
  ready: (page: Page) => Promise<void>,
  profileFile: string | null,
): Promise<StartFigures> {
  const page = await context.newPage();
  const session = await context.newCDPSession(page);
  await throttle(session, throttled);
  if (profileFile !== null) {
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 250 });
    await session.send('Profiler.start');
  }
  const encodings = new Map<string, string>();
  page.on('response', (response) => encodings.set(response.url(), response.headers()['content-encoding'] ?? 'none'));
  await page.addInitScript({ content: RECORD_LONG_TASKS });
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  await ready(page);
  await page.waitForLoadState('networkidle', { timeout: 120_000 });
  let hotFunctions: StartFigures['hotFunctions'] = [];
  if (profileFile !== null) {
    const { profile } = await session.send('Profiler.stop');
    writeFileSync(profileFile, JSON.stringify(profile));
    hotFunctions = hotFunctionsOf(profile, new URL(url).origin);
  }
  const figures = parsePageFigures(await page.evaluate(READ_FIGURES));
  await page.close();
  const longTasks = figures.tasks.map((task) => ({
    ...task,
    // A long animation frame holds the tasks that ran in it: its scripts are the ones to blame.
    scripts: figures.frames.filter((frame) => frame.start <= task.start + 1 && task.start < frame.start + frame.duration).flatMap((frame) => frame.scripts),
  }));
  return {
    longTasks,
    firstContentfulPaint: figures.firstContentfulPaint,
    transfers: figures.resources.map((resource) => ({ ...resource, name: new URL(resource.name).pathname, encoding: encodings.get(resource.name) ?? '?' })),
    hotFunctions,
  };
}

const ms = (value: number) => `${Math.round(value)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function print(title: string, figures: StartFigures): void {
  const { longTasks, firstContentfulPaint, transfers, hotFunctions } = figures;
  console.log(`\n== ${title}`);
  console.log(`First contentful paint: ${firstContentfulPaint === null ? 'none' : ms(firstContentfulPaint)}`);
  const reported = longTasks.filter((task) => task.duration > REPORTED_TASK_MS);
  console.log(`Long tasks over ${REPORTED_TASK_MS} ms: ${reported.length}`);
  for (const task of reported) {
    console.log(`  at ${ms(task.start).padStart(8)}  ${ms(task.duration).padStart(7)}${task.duration > START_TASK_LIMIT_MS ? '  (over 200 ms)' : ''}`);
    for (const script of task.scripts) console.log(`      ${script}`);
  }
  const longest = Math.max(0, ...longTasks.map((task) => task.duration));
  console.log(`Longest task: ${ms(longest)}${longest > START_TASK_LIMIT_MS ? `  over the ${START_TASK_LIMIT_MS} ms limit` : ''}`);
  // Lighthouse counts from first contentful paint to "time to interactive"; here, to the network going quiet.
  const fromPaint = longTasks.filter((task) => firstContentfulPaint === null || task.start + task.duration > firstContentfulPaint);
  const blocking = (tasks: LongTask[]) => tasks.reduce((total, task) => total + Math.max(0, task.duration - BLOCKING_THRESHOLD_MS), 0);
  console.log(`Total blocking time (estimate): ${ms(blocking(fromPaint))} after first paint, ${ms(blocking(longTasks))} in all`);
  const sum = (pick: (transfer: Transfer) => number, list = transfers) => list.reduce((total, transfer) => total + pick(transfer), 0);
  console.log(`Transferred: ${kib(sum((t) => t.transferred))} (bodies ${kib(sum((t) => t.encoded))} as sent, ${kib(sum((t) => t.decoded))} uncompressed)`);
  const width = Math.max(20, ...transfers.map((transfer) => transfer.name.length));
  for (const transfer of [...transfers].sort((a, b) => b.decoded - a.decoded)) {
    console.log(`  ${transfer.name.padEnd(width)}  ${kib(transfer.encoded).padStart(10)} sent  ${kib(transfer.decoded).padStart(10)} uncompressed  ${transfer.encoding}`);
  }
  if (hotFunctions.length > 0) {
    console.log('Script time by function (sampled; total with what it calls, then its own):');
    for (const hot of hotFunctions.slice(0, 25)) console.log(`  ${ms(hot.totalMs).padStart(8)} ${ms(hot.selfMs).padStart(8)}  ${hot.name}`);
  }
}

async function main(): Promise<void> {
  const options = parseBuiltAppCommandLine(
  {
    runs: { type: 'string', default: '2' },
    'no-throttle': { type: 'boolean', default: false },
    'welcome-only': { type: 'boolean', default: false },
    profile: { type: 'string' },
  } as const,
  USAGE,
);
  const { runs, dist } = options;
  const throttled = !options['no-throttle'];
  const profileDir = options.profile ?? null;
  if (profileDir !== null) mkdirSync(profileDir, { recursive: true });
  const profileFile = (name: string) => (profileDir === null ? null : join(profileDir, `${name}.cpuprofile`));

  const system = await SystemUnderTest.start({ label: 'perf', staticDir: dist });
  const { broker } = system;
  try {
    const browser = await system.browser();
    const contextOptions = {
      viewport: VIEWPORT,
      deviceScaleFactor: DEVICE_SCALE_FACTOR,
      isMobile: true,
      hasTouch: true,
      userAgent: MOBILE_USER_AGENT,
      // A cold start, as Lighthouse measures one: nothing from a service worker's cache.
      serviceWorkers: 'block' as const,
    };
    console.log(`App: ${broker.httpUrl}  profile: ${throttled ? `CPU ${CPU_SLOWDOWN}× slower, Slow 4G (${SLOW_4G.latency} ms, ${kib(SLOW_4G.downloadThroughput)}/s)` : 'unthrottled'}, ${VIEWPORT.width}×${VIEWPORT.height}`);

    for (let run = 1; run <= runs; run++) {
      const context = await browser.newContext(contextOptions);
      const welcome = await measureStart(context, broker.httpUrl, throttled, (page) =>
        expect(page.getByRole('heading', { name: 'Welcome to Hearth' })).toBeVisible({ timeout: 120_000 }),
        profileFile(`welcome-${run}`),
      );
      print(`Welcome screen, run ${run}`, welcome);
      await context.close();
    }

    if (!options['welcome-only']) {
      const thermostat = await system.thermostat();
      const context = await browser.newContext(contextOptions);
      const pairingPage = await context.newPage();
      const dialog = await addFromPairingLink(pairingPage, await thermostat.invitation(), 'Living room');
      await expect(dialog).toBeHidden({ timeout: 30_000 });
      await expect(new ThermostatScreen(pairingPage).currentTemperature).toHaveText(/\d\s?°C/, { timeout: 30_000 });
      await pairingPage.close();
      for (let run = 1; run <= runs; run++) {
        const paired = await measureStart(context, broker.httpUrl, throttled, (page) =>
          expect(new ThermostatScreen(page).currentTemperature).toHaveText(/\d\s?°C/, { timeout: 120_000 }),
          profileFile(`paired-${run}`),
        );
        print(`Paired screen (live reading shown), run ${run}`, paired);
      }
      await context.close();
    }
  } finally {
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`perf:start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
