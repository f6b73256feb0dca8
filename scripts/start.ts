/**
 * `npm start`: the whole system on this machine. Builds what is stale, starts the broker (the compiled bundle
 * under node, as in production; `npm run broker` is the development way, through tsx) serving the
 * app and N simulated thermostats (state kept in .data/), then prints the URL and a one-time pairing link
 * (an invitation) for each thermostat.
 * Ctrl-C or SIGTERM stops every child process group and exits 0.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BrokerProcess, PortInUseError } from './system/broker.ts';
import { buildAppIfStale, buildBrokerIfStale, buildSimulator } from './system/build.ts';
import { repoRoot } from './system/paths.ts';
import { describeExit } from './system/process.ts';
import { SimulatedThermostat } from './system/thermostat.ts';

const USAGE = `Usage: npm start -- [--port <n>] [--thermostats <n>] [--speed <factor>] [--host <address>] [--data <dir>]

  --port         port of the broker and the app (default: $PORT or 8080)
  --thermostats  how many simulated thermostats to start (default 1)
  --speed        simulated time runs this many times faster than real time (default 1)
  --host         address the broker listens on (default 127.0.0.1; 0.0.0.0 lets phones on your network in)
  --data         folder for the thermostats' state (default .data)`;

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

function positiveNumber(text: string, what: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) fail(`${what} must be a positive ${integer ? 'whole ' : ''}number, not ${JSON.stringify(text)}`);
  return value;
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        thermostats: { type: 'string', default: '1' },
        speed: { type: 'string', default: '1' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string', default: '.data' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
}

const { values } = parseCommandLine();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = positiveNumber(values.port ?? process.env['PORT'] ?? '8080', 'the port', true);
if (port > 65535) fail('the port must be at most 65535');
const thermostatCount = positiveNumber(values.thermostats, 'the number of thermostats', true);
if (thermostatCount > 16) fail('at most 16 simulated thermostats');
const speed = positiveNumber(values.speed, 'the speed', false);
const dataDir = join(repoRoot, values.data);
const logDir = join(dataDir, 'logs');
mkdirSync(logDir, { recursive: true });

const log = (line: string): void => console.log(`npm start: ${line}`);

try {
  buildAppIfStale(log);
  buildBrokerIfStale(log);
  buildSimulator(log);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const broker = new BrokerProcess({ port, host: values.host, staticDir: 'dist', logFile: join(logDir, 'broker.log') });
const thermostats: SimulatedThermostat[] = [];
let stopping = false;
/** Two systems on one .data/ would run the same thermostat twice, each logging the other out. */
const lockFile = join(dataDir, 'start.pid');
let ownsLock = false;

function otherStartHoldingData(): number | null {
  if (!existsSync(lockFile)) return null;
  const pid = Number(readFileSync(lockFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function stopEverything(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    // Thermostats first, so they do not log a burst of reconnect attempts against a closing broker.
    await Promise.all(thermostats.map((thermostat) => thermostat.stop()));
    await broker.stop();
    if (ownsLock) rmSync(lockFile, { force: true });
  }
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    console.log('\nnpm start: stopping the thermostats and the broker…');
    void stopEverything(0);
  });
}

try {
  await broker.start();
} catch (error) {
  if (error instanceof PortInUseError) {
    fail(`port ${port} is in use; try \`npm start -- --port ${port + 1}\``);
  }
  fail(`the broker did not start: ${error instanceof Error ? error.message : String(error)}`);
}

const holder = otherStartHoldingData();
if (holder !== null) {
  console.error(`npm start: another npm start (pid ${holder}) is running the thermostats in ${values.data}/; stop it first, or give this one its own folder: npm start -- --data ${values.data}-2 --port ${port + 1}`);
  await stopEverything(1);
}
writeFileSync(lockFile, `${process.pid}\n`);
ownsLock = true;

// The browser-facing URL names localhost: a secure context for the service worker, and what people type.
const LOCAL_ADDRESSES = new Set(['127.0.0.1', '0.0.0.0', '::', '::1']);
const appUrl = `http://${LOCAL_ADDRESSES.has(values.host) ? 'localhost' : values.host}:${broker.port}/`;

try {
  for (let index = 1; index <= thermostatCount; index++) {
    const stateDir = join(dataDir, `thermostat-${index}`);
    mkdirSync(stateDir, { recursive: true });
    const thermostat = await SimulatedThermostat.start({
      brokerWsUrl: broker.wsUrl,
      appUrl,
      stateDir,
      speed,
      name: `Thermostat ${index}`,
      logFile: join(logDir, `thermostat-${index}.log`),
    });
    thermostats.push(thermostat);
  }
  await Promise.all(thermostats.map((thermostat) => thermostat.waitForOnline(0, 15_000)));
} catch (error) {
  console.error(`npm start: a simulated thermostat did not start: ${error instanceof Error ? error.message : String(error)}`);
  await stopEverything(1);
}

// If a child dies on its own, the demo is broken: say so and take the rest down.
const watched = [broker.current, ...thermostats.map((thermostat) => thermostat.process)];
for (const child of watched) {
  void child?.exited.then(async (status) => {
    if (stopping) return;
    console.error(`npm start: ${child.name} stopped unexpectedly (${describeExit(status)}); see ${logDir}`);
    await stopEverything(1);
  });
}

// Each thermostat printed a new invitation as it started (docs/protocol.md "Keys and pairing").
const pairingLines = thermostats.map((thermostat, index) => `  Pair thermostat ${index + 1}:  ${thermostat.pairLink}`);
console.log(
  [
    '',
    `Logs: ${logDir}   Stop: Ctrl-C`,
    '',
    `Open the app:  ${appUrl}`,
    ...pairingLines,
    '',
    'Each pairing link is an invitation that works once, for one phone (within 24 hours, and only until this',
    'thermostat restarts). For another phone, open the app on a paired one and choose "Invite someone" on the',
    'Household card; it shows a new link to pass on.',
    '',
  ].join('\n'),
);
