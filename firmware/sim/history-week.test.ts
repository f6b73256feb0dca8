// Issue 11, the thermostat's history, end to end in the simulator: a Node app pairs through the real broker,
// the simulated world runs 7 days at once (`run 7d`), and the app reads the 8 days the thermostat kept with
// HISTORY_get, 12 hours a page: every page is a HISTORY the contract's validator takes, every slot since the
// clock was first known is recorded, the one before is not, and the heater's hours per day are what a room
// losing heat to a 5 °C outside needs. After a reboot the days stored in flash are all still there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../broker/integration/helpers.ts';
import type { RunningBroker } from '../../broker/server.ts';
import { SimulatedThermostat } from '../../scripts/system/thermostat.ts';
import { HISTORY_INTERVAL_S } from '../../protocol/index.ts';
import { keptHistory, PairedApp } from './paired-app.ts';

const START_TIME = '2026-12-01T06:00Z';
const START_S = Date.parse(START_TIME) / 1000;
const DAY_S = 86_400;

describe('a week of history in the simulated thermostat', () => {
  let broker: RunningBroker;
  let stateDir: string;
  let thermostat: SimulatedThermostat;
  let app: PairedApp;

  beforeAll(async () => {
    // `run 7d` pushes the STATEs of a week's first ten minutes (the app's session is active for that long) in a
    // fraction of a real second, no thermostat could; with the default burst of 40 the fifteen HISTORY pages after
    // it were sometimes refused as rate_limited, and the test waited for a page the broker had dropped.
    broker = await startTestBroker({ rateLimitBurst: 200 });
    stateDir = mkdtempSync(join(tmpdir(), 'hearth-history-week-'));
    // The first start may compile the simulator; start waits for the PAIR line.
    thermostat = await SimulatedThermostat.start({
      brokerWsUrl: broker.wsUrl,
      appUrl: 'http://localhost:8080/',
      stateDir,
      speed: 1,
      name: 'history-week',
      startTime: START_TIME,
    });
    await thermostat.waitForOnline(0, 30_000);
    app = await PairedApp.pair(broker, thermostat, 'History test');
  }, 190_000);

  afterAll(async () => {
    await app?.close();
    await thermostat?.stop();
    await broker?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('records 7 days in a few seconds and keeps them in flash across a reboot', async () => {
    await thermostat.control('outside 5');
    const began = Date.now();
    await thermostat.run('7d');
    const took = Date.now() - began;
    console.log(`run 7d took ${took} ms of real time`);
    const state = await thermostat.state();
    const now = state.time;
    if (now === null) throw new Error('the thermostat has no clock after run 7d');
    expect(now - START_S).toBeGreaterThanOrEqual(7 * DAY_S);

    const days = await keptHistory(app, now);
    const firstSlot = Math.floor(START_S / HISTORY_INTERVAL_S) * HISTORY_INTERVAL_S;
    const index = (at: number): number => (at - days.from) / HISTORY_INTERVAL_S;
    // 8 days up to the slot the clock is in.
    expect(days.heater_s).toHaveLength(index(Math.floor(now / HISTORY_INTERVAL_S) * HISTORY_INTERVAL_S) + 1);
    // Nothing before the clock was first known (the thermostat was not running); every slot since.
    expect(days.heater_s.slice(0, index(firstSlot)).every((s) => s === null)).toBe(true);
    expect(days.heater_s.slice(index(firstSlot)).every((s) => s !== null)).toBe(true);
    expect(days.temperature.slice(index(firstSlot)).every((t) => t !== null && t > 18 && t < 22)).toBe(true);
    // Each whole day: the room at 20 °C loses about 0.15 °C a minute to 5 °C outside, the heater gives 0.75:
    // on about a sixth of the time, 4 hours a day.
    for (let day = Math.floor(START_S / DAY_S) + 1; day < Math.floor(now / DAY_S); day += 1) {
      const slots = days.heater_s.slice(index(day * DAY_S), index((day + 1) * DAY_S));
      const hours = slots.reduce<number>((sum, s) => sum + (s ?? 0), 0) / 3600;
      expect(hours, `heating hours on day ${new Date(day * DAY_S * 1000).toISOString().slice(0, 10)}`).toBeGreaterThan(2);
      expect(hours).toBeLessThan(8);
    }

    // A power cut: the days in flash stay; at most the hour in progress is lost.
    const since = thermostat.process.lineCount;
    await thermostat.control('reboot');
    await thermostat.waitForOnline(since, 30_000);
    await app.start();
    const after = await keptHistory(app, now);
    const lastHour = Math.floor(now / 3600) * 3600;
    expect(after.heater_s.slice(0, index(lastHour))).toEqual(days.heater_s.slice(0, index(lastHour)));
    expect(broker.stats().rateLimited, 'packets the broker refused as rate_limited').toBe(0);
  }, 120_000);
});
