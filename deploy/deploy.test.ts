/**
 * deploy/: what an operator installs, held to the broker it runs (docs/scaling.md, "Deployment"). The HAProxy
 * config that ships runs here as it is, its addresses from the environment, in front of two broker nodes (the
 * bundle the systemd unit runs) on a real redis-server; the systemd unit and its environment file are checked
 * against the broker's own values, so that neither drifts from it silently.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, EXIT_DEADLINE_MS, parseCommandLine } from '../broker/config.ts';
import { freePort, TestRedis } from '../broker/cluster/test-cluster.ts';
import { TestClient } from '../broker/integration/client.ts';
import { RESERVED_FILES } from '../broker/open-files.ts';
import { message, parseJsonObject } from '../protocol/index.ts';
import { BROKER_BUNDLE, buildBrokerIfStale } from '../scripts/system/build.ts';
import { repoRoot } from '../scripts/system/paths.ts';
import { ManagedProcess } from '../scripts/system/process.ts';

const HAPROXY = '/usr/sbin/haproxy';
const HAPROXY_CONFIG = join(repoRoot, 'deploy/haproxy.cfg');
const UNIT = join(repoRoot, 'deploy/systemd/hearth-broker@.service');
const ENVIRONMENT_FILE = join(repoRoot, 'deploy/systemd/broker.env');
const BACKEND = 'hearth_nodes';
const START_TIMEOUT_MS = 20_000;

const haproxyConfig = readFileSync(HAPROXY_CONFIG, 'utf8');

/** A time span (`90s`, `5m`, `250ms`) in milliseconds; a bare number is in `bareUnit` (HAProxy: ms, systemd: s). */
function milliseconds(span: string, bareUnit: 'ms' | 's'): number {
  const match = /^(\d+)(ms|s|m|min)?$/.exec(span.trim());
  if (match === null) throw new Error(`not a time span: ${span}`);
  const unit = match[2] ?? bareUnit;
  return Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000);
}

/** The value of `timeout <name>` in haproxy.cfg. */
function haproxyTimeout(name: string): number {
  const match = new RegExp(`^\\s*timeout ${name}\\s+(\\S+)\\s*$`, 'm').exec(haproxyConfig);
  if (match?.[1] === undefined) throw new Error(`haproxy.cfg sets no timeout ${name}`);
  return milliseconds(match[1], 'ms');
}

/** Every `Key=value` of a systemd unit or environment file, comments and sections left out; a key set twice keeps each value. */
function settingsOf(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [, key, value] = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim()) ?? [];
    if (key === undefined || value === undefined) continue;
    settings.set(key, [...(settings.get(key) ?? []), value]);
  }
  return settings;
}

const only = (settings: Map<string, string[]>, key: string): string => {
  const values = settings.get(key) ?? [];
  if (values.length !== 1) throw new Error(`${key} is set ${values.length} times`);
  return values[0]!;
};

describe('deploy/systemd', () => {
  const unit = settingsOf(readFileSync(UNIT, 'utf8'));

  it('stops the broker by SIGTERM (its drain: 1001 to every client) and waits longer than the broker takes to exit', () => {
    expect(only(unit, 'KillSignal')).toBe('SIGTERM');
    expect(milliseconds(only(unit, 'TimeoutStopSec'), 's')).toBeGreaterThan(EXIT_DEADLINE_MS);
    expect(only(unit, 'Restart')).toBe('on-failure');
  });

  it('lets the broker hold its --max-connections with its reserve of files', () => {
    expect(Number(only(unit, 'LimitNOFILE'))).toBeGreaterThanOrEqual(DEFAULTS.maxConnections + RESERVED_FILES);
  });

  it('runs the bundle npm start runs, on the instance as its port, with the shared environment file', () => {
    const exec = only(unit, 'ExecStart').split(/\s+/);
    expect(exec[1]?.endsWith(`/${BROKER_BUNDLE}`)).toBe(true);
    expect(exec.slice(2)).toEqual(['--port', '%i']);
    expect(only(unit, 'EnvironmentFile')).toBe('/etc/hearth/broker.env');
    expect(only(unit, 'NoNewPrivileges')).toBe('yes');
    expect(only(unit, 'ProtectSystem')).toBe('strict');
    expect(only(unit, 'DynamicUser')).toBe('yes');
  });

  it('has an example environment file the broker takes: Redis, the public name, the https origin and HAProxy as trusted proxy', () => {
    const env = Object.fromEntries([...settingsOf(readFileSync(ENVIRONMENT_FILE, 'utf8'))].map(([key, values]) => [key, values.at(-1)]));
    const parsed = parseCommandLine([], env);
    if (!parsed.ok || parsed.help) throw new Error(`the broker refuses broker.env: ${parsed.ok ? 'help' : parsed.message}`);
    expect(Object.keys(env).every((key) => key.startsWith('BROKER_'))).toBe(true);
    expect(parsed.config).toMatchObject({ redis: expect.stringMatching(/^rediss?:\/\//), publicHosts: ['example.org'], allowedOrigins: ['https://example.org'] });
    expect(parsed.config.trustedProxies).toHaveLength(1);
  });

  const analyze = spawnSync('systemd-analyze', ['--version']);
  it.skipIf(analyze.error !== undefined)('passes systemd-analyze verify without a warning', () => {
    const result = spawnSync('systemd-analyze', ['verify', join(repoRoot, 'deploy/systemd/hearth-broker@8081.service')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('deploy/haproxy.cfg', () => {
  it('keeps a WebSocket open across the broker’s silences: longer than two ping intervals, after which the broker drops a dead one', () => {
    expect(haproxyTimeout('tunnel')).toBeGreaterThan(2 * DEFAULTS.pingIntervalMs);
    expect(haproxyTimeout('client-fin')).toBeLessThan(haproxyTimeout('tunnel'));
  });

  it('cites a heading of the contract that says how often the broker pings', () => {
    const cited = /docs\/protocol\.md, "([^"]+)"/.exec(haproxyConfig)?.[1];
    const protocol = readFileSync(join(repoRoot, 'docs/protocol.md'), 'utf8');
    expect(protocol).toContain(`### ${cited}\n\nThe broker pings every ${DEFAULTS.pingIntervalMs / 1000} s`);
  });

  it('takes as many clients as its nodes hold together', () => {
    const nodes = haproxyConfig.match(/^\s*server \S+ "\$\{HEARTH_NODE_\d+\}"\s*$/gm) ?? [];
    const maxClients = /presetenv HEARTH_MAX_CLIENTS\s+(\d+)/.exec(haproxyConfig)?.[1];
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    expect(Number(maxClients)).toBe(nodes.length * DEFAULTS.maxConnections);
  });
});

/** What a node of the test's cluster is given: HAProxy's name and https origin, and HAProxy as its proxy. */
interface ClusterSetting {
  redisUrl: string;
  lbHost: string;
}

/** A node running the bundle, as the systemd unit does, once it listens and is connected to Redis; its log lines go to `log`. */
async function startNode(name: string, port: number, setting: ClusterSetting, log: string[]): Promise<ManagedProcess> {
  const node = ManagedProcess.spawn(
    name,
    process.execPath,
    [
      join(repoRoot, BROKER_BUNDLE),
      '--port', String(port),
      '--host', '127.0.0.1',
      '--static', '',
      '--redis', setting.redisUrl,
      '--public-hosts', setting.lbHost,
      '--allowed-origins', `https://${setting.lbHost}`,
      '--trusted-proxies', '127.0.0.1',
      '--log-level', 'info',
    ],
    { cwd: repoRoot },
  );
  node.onLine((line) => log.push(line));
  try {
    await node.waitForLine(/"event":"listening"/, { timeoutMs: START_TIMEOUT_MS });
    await node.waitForLine(/"event":"redis_connected"/, { timeoutMs: START_TIMEOUT_MS });
  } catch (error) {
    await node.stop();
    throw error;
  }
  return node;
}

/** The logged-on count of a node's /healthz, asked of the node itself (not through HAProxy). */
async function loggedOn(port: number): Promise<number> {
  const body = parseJsonObject(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text());
  const count = body?.['logged_on'];
  if (typeof count !== 'number') throw new Error(`no logged_on in /healthz of :${port}`);
  return count;
}

let messages = 0;

/** A MSG from `from` reaches `to`, each as the ID it logged on with (a client back after a reconnect uses its first keys). */
async function expectRoutes(from: TestClient, to: TestClient): Promise<void> {
  if (from.loggedOnAs === null || to.loggedOnAs === null) throw new Error('both must be logged on');
  const sent = message(from.loggedOnAs, to.loggedOnAs, `through HAProxy ${(messages += 1)}`);
  from.send(sent);
  expect(await to.next()).toEqual(sent);
}

/**
 * Sends `request` and waits for its answer and for its connection to close: by then HAProxy has let go of the
 * node it used, so the clients after it are spread by their own connections alone.
 */
async function answerOf(request: ClientRequest): Promise<IncomingMessage> {
  const closed = once(request, 'close');
  request.end();
  const [answer] = (await once(request, 'response')) as [IncomingMessage];
  answer.resume();
  await closed;
  return answer;
}

describe('two nodes behind HAProxy with deploy/haproxy.cfg', () => {
  const directory = mkdtempSync(join(tmpdir(), 'hearth-deploy-'));
  const certificateFile = join(directory, 'hearth.pem');
  let certificate: string;
  let redis: TestRedis;
  let haproxy: ManagedProcess;
  const ports: number[] = [];
  const nodes: Array<ManagedProcess | null> = [null, null];
  let lbPort: number;
  let httpPort: number;
  let setting: ClusterSetting;
  let environment: NodeJS.ProcessEnv;
  const nodeLog: string[] = [];

  const lbHost = (): string => `127.0.0.1:${lbPort}`;
  /** A client through HAProxy as the app is: wss:// to its name, from its https:// page. */
  const openThroughLb = (): Promise<TestClient> => TestClient.open(`wss://${lbHost()}/ws`, { ca: certificate, origin: `https://${lbHost()}` });
  const logOnThroughLb = async (keys?: TestClient['keys']): Promise<TestClient> => {
    const client = await openThroughLb();
    await client.logOnAs(keys ?? client.keys);
    return client;
  };
  const node = (index: number): ManagedProcess => {
    const running = nodes[index];
    if (!running) throw new Error(`node ${index + 1} is not running`);
    return running;
  };
  /** The next line from HAProxy after `since` that says `server` went `state`. */
  const serverWent = (server: string, state: 'UP' | 'DOWN', since: number): Promise<string> =>
    haproxy.waitForLine(new RegExp(`Server ${BACKEND}/${server} is ${state}`), { since, timeoutMs: START_TIMEOUT_MS });

  beforeAll(async () => {
    buildBrokerIfStale(() => {});
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(directory, 'key.pem'), '-out', join(directory, 'cert.pem')],
      { stdio: 'ignore' },
    );
    certificate = readFileSync(join(directory, 'cert.pem'), 'utf8');
    writeFileSync(certificateFile, certificate + readFileSync(join(directory, 'key.pem'), 'utf8'));
    redis = await TestRedis.start();
    [lbPort, httpPort] = [await freePort(), await freePort()];
    ports.push(await freePort(), await freePort());
    setting = { redisUrl: redis.url, lbHost: lbHost() };
    [nodes[0], nodes[1]] = await Promise.all([startNode('node1', ports[0]!, setting, nodeLog), startNode('node2', ports[1]!, setting, nodeLog)]);
    environment = {
      ...process.env,
      HEARTH_HTTP_BIND: `127.0.0.1:${httpPort}`,
      HEARTH_HTTPS_BIND: lbHost(),
      HEARTH_TLS_CERT: certificateFile,
      HEARTH_NODE_1: `127.0.0.1:${ports[0]}`,
      HEARTH_NODE_2: `127.0.0.1:${ports[1]}`,
      // HAProxy raises its open-file limit to twice this and will not start where the machine's hard limit is lower.
      HEARTH_MAX_CLIENTS: '1000',
      ...(process.getuid?.() === 0 ? {} : { HEARTH_UNPRIVILEGED: '1' }),
    };
    // Master-worker as Debian's unit runs it (-Ws); its "Loading success." goes to stderr, hence 2>&1.
    haproxy = ManagedProcess.spawn('haproxy', 'sh', ['-c', 'exec "$@" 2>&1', 'sh', HAPROXY, '-W', '-db', '-f', HAPROXY_CONFIG], {
      cwd: repoRoot,
      env: environment,
    });
    await haproxy.waitForLine(/Loading success/, { timeoutMs: START_TIMEOUT_MS });
  }, 60_000);

  afterAll(async () => {
    await haproxy?.stop();
    await Promise.all(nodes.map((running) => running?.stop()));
    await redis?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('is a configuration haproxy -c finds valid, without a warning', () => {
    const result = spawnSync(HAPROXY, ['-c', '-f', HAPROXY_CONFIG], { env: environment, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('Configuration file is valid\n');
    expect(result.status).toBe(0);
  });

  it('serves over TLS with HSTS and sends plain http:// to https://', async () => {
    const secure = await answerOf(httpsRequest(`https://${lbHost()}/healthz`, { ca: certificate, agent: false }));
    expect(secure.statusCode).toBe(200);
    expect(secure.headers['strict-transport-security']).toBe('max-age=31536000');
    const plain = await answerOf(httpRequest(`http://127.0.0.1:${httpPort}/app?x=1`, { agent: false, headers: { Host: 'example.org' } }));
    expect(plain.statusCode).toBe(301);
    expect(plain.headers.location).toBe('https://example.org/app?x=1');
  });

  it('spreads clients over the nodes; a node killed -9 or drained by SIGTERM hands its clients to the other; with Redis gone, clients still get in', async () => {
    // leastconn: the second client goes to the node without one.
    const first = await logOnThroughLb();
    const counts = await Promise.all(ports.map(loggedOn));
    expect([...counts].sort()).toEqual([0, 1]);
    const firstNode = counts.indexOf(1);
    const otherNode = 1 - firstNode;
    const second = await logOnThroughLb();
    expect(await Promise.all(ports.map(loggedOn))).toEqual([1, 1]);
    await expectRoutes(first, second);
    await expectRoutes(second, first);

    // kill -9: the first client's connection ends; it logs on again through HAProxy, which finds the other node.
    let since = haproxy.lineCount;
    const killedDown = serverWent(`node${firstNode + 1}`, 'DOWN', since);
    node(firstNode).signal('SIGKILL');
    await node(firstNode).exited;
    expect((await first.closed).code).toBe(1006);
    const firstAgain = await logOnThroughLb(first.keys);
    expect(await loggedOn(ports[otherNode]!)).toBe(2);
    await expectRoutes(firstAgain, second);
    await expectRoutes(second, firstAgain);
    // The health check takes the dead node out.
    expect(await killedDown).toMatch(/Connection refused/);

    // Back on the same port, the health check lets it in again.
    since = haproxy.lineCount;
    nodes[firstNode] = await startNode(`node${firstNode + 1}`, ports[firstNode]!, setting, nodeLog);
    await serverWent(`node${firstNode + 1}`, 'UP', since);
    // leastconn, not turns: the node back with none takes the next two, until it holds as many as the other.
    const third = await logOnThroughLb();
    const fourth = await logOnThroughLb();
    expect(await Promise.all(ports.map(loggedOn))).toEqual([2, 2]);

    // SIGTERM (a rolling restart): 1001 to both clients, which come straight back through HAProxy to the node left.
    since = haproxy.lineCount;
    const drainedDown = serverWent(`node${otherNode + 1}`, 'DOWN', since);
    node(otherNode).signal('SIGTERM');
    const [firstClosed, secondClosed] = await Promise.all([firstAgain.closed, second.closed]);
    expect([firstClosed.code, secondClosed.code]).toEqual([1001, 1001]);
    const [firstBack, secondBack] = await Promise.all([logOnThroughLb(first.keys), logOnThroughLb(second.keys)]);
    expect(await loggedOn(ports[firstNode]!)).toBe(4);
    await expectRoutes(firstBack, secondBack);
    await expectRoutes(secondBack, firstBack);
    expect((await node(otherNode).exited).code).toBe(0);
    nodes[otherNode] = null;
    await drainedDown;

    // Readiness: Redis gone, the node left answers /readyz with 503 and the health check takes it out too. With no
    // node ready HAProxy falls back to them unchecked: existing clients stay, a new one gets in and is served there.
    since = haproxy.lineCount;
    const notReady = serverWent(`node${firstNode + 1}`, 'DOWN', since);
    await redis.kill();
    expect(await notReady).toMatch(/code: 503.*Running on backup/);
    const latecomer = await logOnThroughLb();
    await expectRoutes(latecomer, firstBack);
    await expectRoutes(secondBack, latecomer);
    await expectRoutes(third, fourth);

    // Every upgrade through HAProxy, which the nodes trust, carried the client's address in X-Forwarded-For.
    expect(nodeLog.filter((line) => line.includes('forwarded_for_missing'))).toEqual([]);

    await Promise.all([firstBack, secondBack, third, fourth, latecomer].map((client) => client.close()));
  }, 30_000);
});
