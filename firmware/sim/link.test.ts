// The simulator's broker link runs through the device's own LinkSupervisor
// (firmware/lib/thermostat_core/src/link_supervisor.h): against the real
// broker, a link over which nothing comes any more is dropped and dialled
// again, and one the broker keeps pinging stays (docs/protocol.md "Staying
// connected"). The silence bound is 75 s on the device; here 1.5 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestBroker } from '../../broker/integration/helpers.ts';
import type { RunningBroker } from '../../broker/server.ts';
import { SimulatedThermostat } from '../../scripts/system/thermostat.ts';

const SILENT_LINK_MS = 1500;

describe('simulated thermostat and a broker that goes quiet', () => {
  let broker: RunningBroker | undefined;
  let sim: SimulatedThermostat | undefined;
  let stateDir = '';

  afterEach(async () => {
    await sim?.stop();
    await broker?.close();
    rmSync(stateDir, { recursive: true, force: true });
    sim = undefined;
    broker = undefined;
  });

  const start = async (pingIntervalMs: number): Promise<SimulatedThermostat> => {
    broker = await startTestBroker({ pingIntervalMs });
    stateDir = mkdtempSync(join(tmpdir(), 'hearth-sim-link-'));
    // The first run may compile the simulator; start waits for the PAIR line.
    sim = await SimulatedThermostat.start({
      brokerWsUrl: broker.wsUrl,
      stateDir: join(stateDir, 'state'),
      appUrl: 'http://localhost:8080/',
      speed: 1,
      name: 'vitest-link',
      silentLinkMs: SILENT_LINK_MS,
    });
    return sim;
  };

  it('drops a link over which nothing comes any more (no close from anyone), then logs on again', async () => {
    // A broker that pings every 10 minutes: after its CHALLENGE and ACK the link is silent, as a
    // link is after a router reboot that the broker has already forgotten.
    const sim = await start(600_000);
    const online = await sim.process.waitForLine(/^ONLINE \S+$/, { timeoutMs: 180_000 });
    const since = sim.process.lineCount;
    await sim.process.waitForLine(/^OFFLINE$/, { since, timeoutMs: 10_000 });
    // Redialled after its backoff, and logged on again with the same identity.
    expect(await sim.process.waitForLine(/^ONLINE \S+$/, { since, timeoutMs: 10_000 })).toBe(online);
    // Why it went (stderr, a pipe of its own: read once the second logon shows it has been written).
    expect(sim.process.diagnostics()).toContain('link ended (silent)');
  }, 200_000);

  it('keeps a link the broker pings, however quiet it is otherwise', async () => {
    const sim = await start(300);
    await sim.process.waitForLine(/^ONLINE \S+$/, { timeoutMs: 180_000 });
    const lines: string[] = [];
    const stopListening = sim.process.onLine((line) => lines.push(line));
    // A bystander on the same broker is pinged at the same pace: its pings count the time.
    const bystander = new WebSocket(broker?.wsUrl ?? '');
    const pingsSeen = (count: number): Promise<void> =>
      new Promise((done) => {
        let pings = 0;
        bystander.on('ping', () => {
          pings += 1;
          if (pings === count) done();
        });
      });
    // More than twice the silence bound.
    await pingsSeen(Math.ceil((2 * SILENT_LINK_MS) / 300) + 2);
    bystander.terminate();
    stopListening();
    expect(lines).not.toContain('OFFLINE');
    expect((await sim.state()).online).toBe(true);
    expect(broker?.stats().loggedOn).toBe(1);
  }, 200_000);
});
