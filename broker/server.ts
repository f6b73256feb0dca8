/** One port: the WebSocket endpoint /ws, GET /healthz and /readyz, the OwnTracks ingress (POST /presence/owntracks/…) and the built app. */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { Cluster } from './cluster/cluster.ts';
import { resolveConfig, type BrokerConfig } from './config.ts';
import { Connection } from './connection.ts';
import { emptyStats, type BrokerContext, type BrokerStats } from './context.ts';
import { handleDisconnect } from './handlers/disconnect.ts';
import { handleOwntracksIngress, isIngressPath } from './handlers/owntracks-ingress.ts';
import { applySecurityHeaders, INSTALL_PAGE_PATH, installPageHeadersOf, RAW_SECURITY_HEADER_LINES, securityHeadersFor } from './http-headers.ts';
import {
  AddressCounts,
  addressCapsOf,
  AddressLimits,
  canonicalAddress,
  clientAddress,
  ingressLimitsOf,
  keyOfCanonical,
  LogonLimiter,
} from './limits.ts';
import { createLogger, occasionally, throttleLog } from './log.ts';
import { closeOverdueMessages, deadlineCheckInterval, heldMessageBytes } from './message-deadline.ts';
import { nonceSource } from './nonces.ts';
import { connectionCapacity, raiseOpenFileLimit, RESERVED_FILES } from './open-files.ts';
import { isOriginAllowed, normalizeOrigin } from './origin.ts';
import { PartnerBook } from './partners.ts';
import { defaultPublicHosts, normalizeHost, PublicHosts } from './public-hosts.ts';
import { MemoryRegistry } from './registry.ts';
import { UPGRADE_REFUSALS } from './errors.ts';
import { routeFrame } from './router.ts';
import { WriteBatch } from './write-batch.ts';
import { createStaticHandler, notFound } from './static.ts';

export type { BrokerConfig } from './config.ts';

export interface RunningBroker {
  port: number;
  /** http(s) base, e.g. http://127.0.0.1:8080 */
  url: string;
  /** ws(s)://…/ws */
  wsUrl: string;
  stats(): BrokerStats & {
    connections: number;
    loggedOn: number;
    heldMessageBytes: number;
    ingressRequestsInProgress: number;
    /** Address keys and prefixes with a socket open (any kind): 0 once every socket has closed. */
    socketAddresses: number;
  };
  /** Resolves once a node of a cluster is connected to Redis and routes to the others (at once for a single broker). */
  redisConnected(): Promise<void>;
  /** Closes every socket with 1001, then the server; the port is free when this resolves. */
  close(): Promise<void>;
}

const WS_PATH = '/ws';
/**
 * Fragments per message and chunks held for a partial frame: no client of ours fragments a message of a few KiB,
 * and each fragment or chunk costs an object however few its bytes, so a trickle of tiny ones would outweigh
 * --max-message-bytes. Past them ws closes with 1008.
 */
const MAX_FRAGMENTS = 64;
const MAX_BUFFERED_CHUNKS = 1024;
/** Lines of one log event per second before the rest are only counted (log.ts, throttleLog). */
const LOG_LINES_PER_EVENT_PER_SECOND = 10;
const UNANSWERED_PINGS_ALLOWED = 2;
const LOGON_SWEEP_MS = 60_000;
/**
 * Sockets one address may hold beyond its WebSocket cap: a browser opens up to 6 HTTP/1.1 sockets to load the app.
 * A WebSocket is a socket too, so the socket cap is the connection cap plus these.
 */
const HTTP_SOCKETS_PER_ADDRESS = 8;
/** Partners remembered per connection the broker can hold (partners.ts): a thermostat's apps, an app's thermostats. */
const PARTNERS_PER_CONNECTION = 16;
/** A trusted proxy that sends no X-Forwarded-For is said at most once per this. */
const UNFORWARDED_WARNING_MS = 60_000;
/** Node checks the HTTP request timeouts this often at most: about four times per timeout. */
const timeoutCheckInterval = (timeoutMs: number): number => Math.max(10, Math.min(1_000, Math.floor(timeoutMs / 4)));

const pathOf = (url: string | undefined): string => {
  const path = (url ?? '/').split('?', 1)[0] ?? '/';
  return path === '' ? '/' : path;
};

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/**
 * The broker's socket class: it carries its Connection so that one set of listeners per broker serves every
 * socket (through `this`), instead of four closures allocated per connection.
 */
class BrokerSocket extends WebSocket {
  connection: Connection | null = null;
}

/** ws types listeners' `this` as a plain WebSocket; every socket of this server is a BrokerSocket, accepted below. */
const connectionOf = (socket: WebSocket): Connection => (socket as BrokerSocket).connection!;

/** Until ws takes the socket over (it adds its own error handling), an error just ends it. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

function refuseUpgrade(socket: Duplex, status: number, text: string, extraHeaderLines = ''): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n${RAW_SECURITY_HEADER_LINES}${extraHeaderLines}Content-Length: ${text.length}\r\n\r\n${text}`,
  );
}

export async function startBroker(overrides: Partial<BrokerConfig> = {}): Promise<RunningBroker> {
  const config = resolveConfig(overrides);
  const log = throttleLog(createLogger(config.logLevel), LOG_LINES_PER_EVENT_PER_SECOND);
  const tls =
    config.tlsCert !== null && config.tlsKey !== null
      ? { cert: await readFile(config.tlsCert), key: await readFile(config.tlsKey) }
      : null;
  const secure = tls !== null;
  const securityHeaders = securityHeadersFor(secure);
  const installPageHeaders = installPageHeadersOf(securityHeaders);
  const allowedOrigins = new Set(config.allowedOrigins.map(normalizeOrigin));
  const serveStatic = config.staticDir === null ? null : createStaticHandler(config.staticDir);
  const trustedProxies = new Set(config.trustedProxies.map(canonicalAddress));
  const configuredHosts = config.publicHosts?.map((host) => {
    const normalized = normalizeHost(host);
    if (normalized === null) throw new Error(`--public-hosts: ${JSON.stringify(host)} is not a host or host:port`);
    return normalized;
  });
  const openFiles = raiseOpenFileLimit(config.maxConnections + RESERVED_FILES);
  const capacity = connectionCapacity(config.maxConnections, openFiles);
  const nextNonce = nonceSource();

  // Not waited for: a node serves its own clients whether or not Redis is there yet (cluster/redis-link.ts).
  const cluster = config.redis === null ? undefined : new Cluster(config.redis, log);
  const context: BrokerContext = {
    config,
    registry: cluster?.registry ?? new MemoryRegistry<Connection>(),
    ...(cluster === undefined ? {} : { cluster }),
    logonLimiter: new LogonLimiter(config.logonLimitPerMinute),
    addressLimits: new AddressLimits(config, capacity.connections),
    partners: new PartnerBook(capacity.connections * PARTNERS_PER_CONNECTION),
    ingress: ingressLimitsOf(config, capacity.connections),
    connections: new Set(),
    log,
    stats: emptyStats(),
    writes: new WriteBatch(),
    now: Date.now,
  };
  cluster?.attach(context);
  let shuttingDown = false;
  const warnUnforwarded = occasionally(UNFORWARDED_WARNING_MS, (count) =>
    log.warn('forwarded_for_missing', {
      count,
      message: 'a trusted proxy sent no valid X-Forwarded-For: every client behind it counts as the proxy',
    }),
  );

  /** The client address key of a request (limits.ts, clientAddress), the same for an upgrade and for the ingress. */
  const addressOf = (request: IncomingMessage): string => {
    const forwardedFor = request.headers['x-forwarded-for'];
    const client = clientAddress(request.socket.remoteAddress, Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor, trustedProxies);
    if (client.unforwarded) warnUnforwarded();
    return client.key;
  };

  /**
   * Whether a load balancer should send new clients here: not while draining, nor, for a node of a cluster,
   * while Redis is away (its clients could reach no one on the other nodes). Clients already here stay served.
   */
  const ready = (): boolean => !shuttingDown && (cluster === undefined || cluster.status().redis === 'connected');

  /** Liveness (/healthz, always 200 while the process answers) and readiness (/readyz, 503 when not ready). */
  const health = (response: ServerResponse, readiness: boolean): void => {
    const body = JSON.stringify({
      status: 'ok',
      connections: context.connections.size,
      logged_on: context.registry.loggedOnCount,
      ...(cluster === undefined ? {} : { ...cluster.status(), ready: ready() }),
    });
    response.writeHead(readiness && !ready() ? 503 : 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    response.end(body);
  };

  /** `expectsContinue`: the client waits for `100 Continue` before its body ('checkContinue' below). */
  const serve = (request: IncomingMessage, response: ServerResponse, expectsContinue: boolean): void => {
    const path = pathOf(request.url);
    applySecurityHeaders(response, path === INSTALL_PAGE_PATH ? installPageHeaders : securityHeaders);
    // Like the app's files, the ingress answers whatever Host it was asked by: what it carries is sealed for the
    // thermostat, so a request misdirected through another name gains nothing (docs/protocol.md, "The ingress").
    if (isIngressPath(path)) return handleOwntracksIngress(context, request, response, addressOf(request), expectsContinue);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', ...(expectsContinue ? { Connection: 'close' } : {}) });
      response.end();
      return;
    }
    if (expectsContinue) response.writeContinue();
    if (path === '/healthz') return health(response, false);
    if (path === '/readyz') return health(response, true);
    if (path === WS_PATH) {
      response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' });
      response.end('WebSocket only\n');
      return;
    }
    if (serveStatic === null) return notFound(response);
    serveStatic(request, response, path).catch((error: unknown) => {
      log.error('static_failed', { path: path.slice(0, 200), message: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => serve(request, response, false);
  // With this listener Node no longer sends `100 Continue` by itself: the ingress first refuses what it can tell from
  // the head, so a phone does not send a body that is refused unread.
  const onCheckContinue = (request: IncomingMessage, response: ServerResponse): void => serve(request, response, true);

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: config.maxMessageBytes,
    maxFragments: MAX_FRAGMENTS,
    maxBufferedChunks: MAX_BUFFERED_CHUNKS,
    WebSocket: BrokerSocket,
  });

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const connection = connectionOf(this);
    // The one error path per connection: a bug triggered by one client closes that client, never the process.
    try {
      routeFrame(context, connection, toBuffer(data), isBinary);
    } catch (error) {
      connection.failInternally(error);
    }
  }
  function onPong(this: WebSocket): void {
    connectionOf(this).unansweredPings = 0;
  }
  function onError(this: WebSocket, error: Error): void {
    log.debug('socket_error', { id: connectionOf(this).id, message: error.message });
  }
  function onClose(this: WebSocket, code: number): void {
    handleDisconnect(context, connectionOf(this), code);
  }

  const accept = (socket: BrokerSocket, request: IncomingMessage, address: string): void => {
    const connection = new Connection(socket, context, address);
    socket.connection = connection;
    context.connections.add(connection);
    context.addressLimits.opened(address);
    socket.on('message', onMessage);
    socket.on('pong', onPong);
    socket.on('error', onError);
    socket.on('close', onClose);
    // docs/protocol.md, "Logging on": a fresh nonce per connection, bound to the host the client reached.
    const host = (request.headers.host ?? '').toLowerCase();
    connection.sendChallenge({ nonce: nextNonce(), host });
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', destroyOnError);
    if (pathOf(request.url) !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (shuttingDown) return refuseUpgrade(socket, 503, 'Service Unavailable');
    // Before any CHALLENGE: a LOG_ON signed for a host that is not ours must never reach the signature check.
    if (!publicHosts.accepts(request.headers.host, context.now())) {
      log.warn('host_refused', { host: request.headers.host?.slice(0, 200) });
      return refuseUpgrade(socket, 421, 'Misdirected Request');
    }
    const origin = request.headers.origin;
    if (!isOriginAllowed(origin, request.headers.host, secure, allowedOrigins)) {
      log.warn('origin_refused', { origin: origin?.slice(0, 200) });
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const address = addressOf(request);
    const refusal = context.addressLimits.refusal(address);
    if (refusal !== null) {
      context.stats.connectionsRefused += 1;
      log.warn('connection_limit', { reason: refusal, address });
      const { status, text } = UPGRADE_REFUSALS[refusal];
      return refuseUpgrade(socket, status, text, `Retry-After: ${Math.ceil(config.logonTimeoutMs / 1000)}\r\n`);
    }
    // The 101 that ws writes and the CHALLENGE that accept() sends leave in one system call (write-batch.ts).
    context.writes.hold(socket as Socket);
    // ws completes the upgrade synchronously here, so the count checked above is still the count accept() raises.
    wss.handleUpgrade(request, socket, head, (webSocket) => {
      socket.off('error', destroyOnError);
      accept(webSocket, request, address);
    });
  };

  // Sockets are counted per peer from the moment they connect, before a byte of TLS or HTTP: the upgrade's
  // count comes too late for sockets that never send a request. A trusted proxy carries everyone and is exempt.
  const socketCaps = addressCapsOf(config);
  const sockets = new AddressCounts({
    perAddress: socketCaps.perAddress + HTTP_SOCKETS_PER_ADDRESS,
    per56: socketCaps.per56 + HTTP_SOCKETS_PER_ADDRESS,
    per48: socketCaps.per48 + HTTP_SOCKETS_PER_ADDRESS,
  });
  const onSocket = (socket: Socket): void => {
    const peer = canonicalAddress(socket.remoteAddress ?? 'unknown');
    if (trustedProxies.has(peer)) return;
    const key = keyOfCanonical(peer);
    if (sockets.full(key)) {
      context.stats.socketsRefused += 1;
      log.warn('socket_limit', { address: key });
      socket.destroy();
      return;
    }
    sockets.add(key);
    socket.on('close', onSocketClose);
  };
  // One listener for every socket rather than a closure (and once's wrapper) each: the key is derived again from the
  // peer address, which Node keeps once it has been read (above).
  function onSocketClose(this: Socket): void {
    sockets.remove(keyOfCanonical(canonicalAddress(this.remoteAddress ?? 'unknown')));
  }

  // A socket must finish its TLS handshake, and each request its headers, within requestTimeoutMs; Node then
  // answers 408 or cuts it. Its default of a minute (two for a handshake) lets idle sockets pile up.
  const timing = { connectionsCheckingInterval: timeoutCheckInterval(config.requestTimeoutMs) };
  const server: Server =
    tls === null
      ? createHttpServer(timing, onRequest)
      : createHttpsServer({ ...tls, ...timing, handshakeTimeout: config.requestTimeoutMs }, onRequest);
  server.headersTimeout = config.requestTimeoutMs;
  // The whole request: its headers, then an ingress body, which has the message deadline and answers its own 503
  // (handlers/owntracks-ingress.ts). Node checks only every interval, so headers may end an interval past their
  // timeout; two intervals more keep Node's own 408 from coming first.
  server.requestTimeout = config.requestTimeoutMs + config.messageTimeoutMs + 2 * timing.connectionsCheckingInterval;
  server.keepAliveTimeout = config.requestTimeoutMs;
  server.prependListener('connection', onSocket);
  // Looked up at the first upgrade, when the port (which may have been 0) is known.
  const publicHosts = new PublicHosts(configuredHosts ?? null, () =>
    defaultPublicHosts({ port: (server.address() as AddressInfo).port, listenHost: config.host, allowedOrigins: config.allowedOrigins }),
  );
  server.on('upgrade', onUpgrade);
  server.on('checkContinue', onCheckContinue);
  // Past this many sockets of any kind Node closes new ones at once, so HTTP clients cannot use up the open files either.
  server.maxConnections = capacity.connections + RESERVED_FILES / 2;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ port: config.port, host: config.host }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => log.error('server_error', { message: error.message }));

  const heartbeat = setInterval(() => {
    const now = context.now();
    for (const connection of context.connections) {
      connection.forgetIdleState(now);
      if (connection.unansweredPings >= UNANSWERED_PINGS_ALLOWED) {
        log.info('unresponsive', { id: connection.id });
        connection.terminate();
        continue;
      }
      if (connection.socket.readyState !== WebSocket.OPEN) continue;
      connection.unansweredPings += 1;
      connection.socket.ping();
    }
  }, config.pingIntervalMs);
  const sweep = setInterval(() => {
    context.logonLimiter.sweep(context.now());
    context.addressLimits.sweep(context.now());
    context.partners.sweep(context.now());
    context.ingress.byAddress.sweep(context.now());
    context.ingress.byMemberAndThermostat.sweep(context.now());
  }, LOGON_SWEEP_MS);
  sweep.unref();
  const deadlines = setInterval(() => closeOverdueMessages(context), deadlineCheckInterval(config.messageTimeoutMs));
  deadlines.unref();

  const { port } = server.address() as AddressInfo;
  const reachableHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const hostInUrl = reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost;
  const url = `${secure ? 'https' : 'http'}://${hostInUrl}:${port}`;
  const wsUrl = `${secure ? 'wss' : 'ws'}://${hostInUrl}:${port}${WS_PATH}`;
  log.info('capacity', {
    connections: capacity.connections,
    limited_by: capacity.limitedBy,
    max_connections: config.maxConnections,
    open_files: openFiles?.soft ?? null,
    reserved_files: RESERVED_FILES,
  });
  log.info('public_hosts', { hosts: publicHosts.list(context.now()).join(','), configured: configuredHosts !== undefined });
  log.info('listening', { port, url, ws: wsUrl, static: config.staticDir, tls: secure });

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      shuttingDown = true;
      clearInterval(heartbeat);
      clearInterval(sweep);
      clearInterval(deadlines);
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([...context.connections].map((connection) => closeGracefully(connection, config.closeGraceMs)));
      await serverClosed;
      await cluster?.close();
      log.info('closed', { port });
    })();
    return closed;
  };

  return {
    port,
    url,
    wsUrl,
    stats: () => ({
      ...context.stats,
      connections: context.connections.size,
      loggedOn: context.registry.loggedOnCount,
      heldMessageBytes: heldMessageBytes(context),
      ingressRequestsInProgress: context.ingress.inProgress.size,
      socketAddresses: sockets.size,
    }),
    redisConnected: () => cluster?.connected() ?? Promise.resolve(),
    close,
  };
}

/** Sends 1001 and waits for the close handshake, cutting the socket if the peer does not answer in time. */
function closeGracefully(connection: Connection, graceMs: number): Promise<void> {
  const socket = connection.socket as WebSocket;
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const cut = setTimeout(() => socket.terminate(), graceMs);
    socket.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    connection.closeWith('shutdown');
  });
}
