/**
 * `npm run lighthouse`: Lighthouse (the npm package, its default mobile profile: a moto g power screen, 4× slower CPU,
 * Slow 4G, simulated throttling) on the paired main screen of the built app, in Debian's Chromium, against a broker
 * and a simulated thermostat of its own. Prints each run's category scores, the metrics behind Performance and the
 * longest main-thread tasks, then the median scores. Figures, not a test: it fails only when it cannot measure.
 *
 * The main screen exists only for a paired browser, so the app is paired first in the same browser profile and
 * Lighthouse is told to keep the site's storage (`disableStorageReset`). The service worker and its caches are removed
 * before each run, and the HTTP cache cleared, so each run is a cold load of a paired household, as a phone's first
 * visit after the browser dropped its caches. Playwright pairs and cleans; Lighthouse measures in a Chromium of its own
 * (chrome-launcher, on the same profile), so no Playwright instrumentation runs in the measured page.
 *
 * Builds nothing: run `npm run build` first (and the simulator once, `npx tsx scripts/system/build.ts`).
 */
import { chromium, expect, type BrowserContext } from '@playwright/test';
import { launch as launchChrome } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { addFromPairingLink, ThermostatScreen } from '../e2e/fixtures/thermostat-screen.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.ts';
import { isObject } from '../protocol/json.ts';
import { parseBuiltAppCommandLine } from './system/built-app-script.ts';
import { SystemUnderTest } from './system/under-test.ts';

const USAGE = `Usage: npm run lighthouse -- [--runs <n>] [--report <file.html>] [--trace <file.json>] [--dist <folder>]

  --runs     Lighthouse runs on the paired screen, each printed, then the medians (default 3)
  --report   also writes the last run's HTML report there
  --trace    also writes the last run's trace there (open it in Chromium's DevTools, Performance panel)
  --dist     the build to serve (default dist)`;

const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
  'max-potential-fid',
] as const;
/** The issue's limit for any one task while the app starts. */
const START_TASK_LIMIT_MS = 200;

interface RunFigures {
  scores: Record<string, number | null>;
  metrics: { id: string; title: string; shown: string }[];
  longTasks: { url: string; duration: number }[];
  failedAccessibility: string[];
}

/** Lighthouse's result is read as untrusted JSON: only what is printed, checked. */
function figuresOf(lhr: unknown): RunFigures {
  if (!isObject(lhr) || !isObject(lhr['categories']) || !isObject(lhr['audits'])) throw new Error('Lighthouse returned no result');
  const categories = lhr['categories'];
  const audits = lhr['audits'];
  const scores: Record<string, number | null> = {};
  for (const id of CATEGORIES) {
    const category = categories[id];
    const score = isObject(category) ? category['score'] : null;
    scores[id] = typeof score === 'number' ? Math.round(score * 100) : null;
  }
  const metrics = METRICS.map((id) => {
    const audit = audits[id];
    return {
      id,
      title: isObject(audit) && typeof audit['title'] === 'string' ? audit['title'] : id,
      shown: isObject(audit) && typeof audit['displayValue'] === 'string' ? audit['displayValue'] : '?',
    };
  });
  const longTaskAudit = audits['long-tasks'];
  const details = isObject(longTaskAudit) ? longTaskAudit['details'] : null;
  const items = isObject(details) && Array.isArray(details['items']) ? details['items'] : [];
  const longTasks = items.flatMap((item: unknown) =>
    isObject(item) && typeof item['url'] === 'string' && typeof item['duration'] === 'number' ? [{ url: item['url'], duration: item['duration'] }] : [],
  );
  const accessibility = categories['accessibility'];
  const references = isObject(accessibility) && Array.isArray(accessibility['auditRefs']) ? accessibility['auditRefs'] : [];
  const failedAccessibility = references.flatMap((reference: unknown) => {
    if (!isObject(reference) || typeof reference['id'] !== 'string' || reference['weight'] === 0) return [];
    const audit = audits[reference['id']];
    return isObject(audit) && audit['score'] === 0 ? [reference['id']] : [];
  });
  return { scores, metrics, longTasks, failedAccessibility };
}

/** Page code, as text: this script is type-checked for Node, without the DOM's types. */
const FORGET_SERVICE_WORKER = `(async () => {
  for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  for (const key of await caches.keys()) await caches.delete(key);
})()`;

/** The profile's browser, driven by Playwright, closed again when `use` is done with it. */
async function withPlaywright(profileDir: string, use: (context: BrowserContext) => Promise<void>): Promise<void> {
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    await use(context);
  } finally {
    await context.close();
  }
}

/** Removes what would make the next load warm, keeping the pairing (IndexedDB and local storage). */
async function coldenSite(context: BrowserContext, appUrl: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(appUrl);
  await page.evaluate(FORGET_SERVICE_WORKER);
  const session = await context.newCDPSession(page);
  await session.send('Network.clearBrowserCache');
  await page.close();
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
};

async function main(): Promise<void> {
  const options = parseBuiltAppCommandLine(
  {
    runs: { type: 'string', default: '3' },
    report: { type: 'string' },
    trace: { type: 'string' },
  } as const,
  USAGE,
);
  const { runs, dist } = options;

  const system = await SystemUnderTest.start({ label: 'lighthouse', staticDir: dist });
  const profileDir = mkdtempSync(join(tmpdir(), 'hearth-lighthouse-profile-'));
  try {
    const appUrl = system.broker.httpUrl;
    const thermostat = await system.thermostat();
    await withPlaywright(profileDir, async (context) => {
      const pairing = await context.newPage();
      const dialog = await addFromPairingLink(pairing, await thermostat.invitation(), 'Living room');
      await expect(dialog).toBeHidden({ timeout: 30_000 });
      await expect(new ThermostatScreen(pairing).currentTemperature).toHaveText(/\d\s?°C/, { timeout: 30_000 });
    });

    const all: RunFigures[] = [];
    for (let run = 1; run <= runs; run++) {
      await withPlaywright(profileDir, (context) => coldenSite(context, appUrl));
      const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
      const chrome = await launchChrome({
        chromePath: CHROMIUM_PATH,
        userDataDir: profileDir,
        chromeFlags: [...CHROMIUM_ARGS, '--headless=new'],
        logLevel: 'error',
      });
      let result;
      try {
        result = await lighthouse(appUrl, { port: chrome.port, output: 'html', logLevel: 'error', onlyCategories: [...CATEGORIES], disableStorageReset: true });
      } finally {
        chrome.kill();
      }
      if (result === undefined) throw new Error('Lighthouse returned nothing');
      const figures = figuresOf(result.lhr);
      all.push(figures);
      console.log(`\n== Paired main screen, run ${run} of ${runs} (load average before: ${one} ${five} ${fifteen})`);
      console.log(CATEGORIES.map((id) => `${id} ${figures.scores[id] ?? '?'}`).join('   '));
      for (const metric of figures.metrics) console.log(`  ${metric.title.padEnd(32)} ${metric.shown}`);
      const longest = figures.longTasks.slice(0, 5);
      console.log(`  Longest main-thread tasks (simulated): ${longest.length === 0 ? 'none' : ''}`);
      for (const task of longest) {
        console.log(`    ${`${Math.round(task.duration)} ms`.padStart(8)}${task.duration > START_TASK_LIMIT_MS ? ' (over 200 ms)' : ''}  ${task.url.replace(appUrl, '/')}`);
      }
      if (figures.failedAccessibility.length > 0) console.log(`  Accessibility audits failed: ${figures.failedAccessibility.join(', ')}`);
      if (run === runs && options.report !== undefined && typeof result.report === 'string') writeFileSync(options.report, result.report);
      if (run === runs && options.trace !== undefined) writeFileSync(options.trace, JSON.stringify(result.artifacts.Trace));
    }
    console.log(`\n== Medians of ${runs} run${runs === 1 ? '' : 's'}`);
    console.log(CATEGORIES.map((id) => `${id} ${median(all.flatMap((run) => run.scores[id] ?? [])) ?? '?'}`).join('   '));
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`lighthouse: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
