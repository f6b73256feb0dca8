import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  decodeOwntracksBody,
  MAX_OWNTRACKS_BODY_BYTES,
  OWNTRACKS_INGRESS_PREFIX,
  parseOwntracksIngressPath,
  relayPacket,
  type ClientId,
} from '../../protocol/index.ts';
import type { Connection } from '../connection.ts';
import type { BrokerContext } from '../context.ts';
import { INGRESS_REFUSALS, type IngressAnswer, type IngressRefusal } from '../errors.ts';
import { memberThermostatKey } from '../limits.ts';

const INGRESS_ROOT = OWNTRACKS_INGRESS_PREFIX.slice(0, -1);
const EMPTY_ARRAY = '[]';

/** Requests the ingress answers, whatever their method or the rest of their path (the query already off): everything under its prefix. */
export function isIngressPath(path: string): boolean {
  return path === INGRESS_ROOT || path.startsWith(OWNTRACKS_INGRESS_PREFIX);
}

interface Target {
  readonly member: ClientId;
  readonly thermostats: readonly ClientId[];
}

/**
 * docs/protocol.md, "The ingress": a phone's OwnTracks POST, checked in the contract's order (method, path, size,
 * shape, time, rates, who is online), handed as a RELAY to every thermostat named that is online. What the head
 * alone tells (method, path, declared size, the address's requests in progress, the rates) is answered before a
 * byte of body is read, and before `100 Continue` to a client that waits for it (`expectsContinue`: server.ts
 * answers 'checkContinue' here). The body is never opened nor logged: only the outcome, the member and the
 * thermostats are. `address` is the client address key (limits.ts, clientAddress), counted as a connection's is.
 */
export function handleOwntracksIngress(
  context: BrokerContext,
  request: IncomingMessage,
  response: ServerResponse,
  address: string,
  expectsContinue: boolean,
): void {
  if (request.method !== 'POST') return refuse(context, response, 'not_post', 'only POST', null, { Allow: 'POST' });
  const target = parseOwntracksIngressPath(request.url ?? '');
  if (target === null) return refuse(context, response, 'not_found', 'not an ingress URL: /presence/owntracks/<member ID>/<thermostat ID>…', null);
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_OWNTRACKS_BODY_BYTES) return refuse(context, response, 'too_large', tooLarge, target);
  if (refusedOverRate(context, response, target, address)) return;
  const end = context.ingress.inProgress.start(address);
  // Every request in progress ends by the message deadline: by then the address has room again.
  if (end === null) return refuse(context, response, 'address_busy', 'too many requests of your address in progress', target, retryAfter(context.config.messageTimeoutMs));
  // Whatever ends the exchange (an answer, an abort, a socket error) closes the response: the request is counted out.
  response.once('close', end);
  if (expectsContinue) response.writeContinue();
  readBody(context, request, response, target, address, end);
}

const tooLarge = `the body is over ${MAX_OWNTRACKS_BODY_BYTES} bytes`;

/** Reads at most MAX_OWNTRACKS_BODY_BYTES within the message deadline, then delivers; a client that goes away is let go. */
function readBody(context: BrokerContext, request: IncomingMessage, response: ServerResponse, target: Target, address: string, end: () => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  // Counted out as soon as it is settled, so the answer never reaches a client that still counts against its address.
  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    clearTimeout(deadline);
    end();
    return true;
  };
  // docs/protocol.md, "The ingress": a request whose body is read costs its address however it is answered, so
  // that junk bodies and refusals are held to the address's rate as deliveries are.
  const chargeAddress = (thermostatsReached: number): void => context.ingress.byAddress.charge(address, context.now(), Math.max(1, thermostatsReached));
  const deadline = setTimeout(() => {
    if (!settle()) return;
    chargeAddress(0);
    refuse(context, response, 'body_timeout', `the body did not arrive within ${context.config.messageTimeoutMs} ms`, target);
  }, context.config.messageTimeoutMs);
  request.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size <= MAX_OWNTRACKS_BODY_BYTES) {
      chunks.push(chunk);
      return;
    }
    // Chunked, or a Content-Length that lied: nothing more is held, and the connection closes after the answer.
    request.pause();
    chunks.length = 0;
    if (!settle()) return;
    chargeAddress(0);
    refuse(context, response, 'too_large', tooLarge, target);
  });
  const failed = (error: unknown): void => {
    context.log.error('owntracks_failed', { member: target.member, message: error instanceof Error ? error.message : String(error) });
    if (!response.headersSent) response.writeHead(500, { Connection: 'close' });
    response.end();
  };
  request.on('end', () => {
    if (!settle()) return;
    let thermostatsReached: number | Promise<number> = 0;
    try {
      thermostatsReached = deliver(context, response, target, address, Buffer.concat(chunks, size));
    } catch (error) {
      failed(error);
    }
    if (typeof thermostatsReached === 'number') return chargeAddress(thermostatsReached);
    thermostatsReached.then(chargeAddress, (error: unknown) => {
      failed(error);
      chargeAddress(0);
    });
  });
  // A client that goes away mid-body is no error of the broker's: 'close' below lets it go.
  request.on('error', () => undefined);
  request.on('close', () => {
    if (!settle()) return;
    chargeAddress(0);
    context.log.info('owntracks_ingress', { outcome: 'aborted', member: target.member, thermostats: target.thermostats.join(',') });
  });
}

/**
 * Answers a body read to its end; returns how many thermostats it reached (the caller charges the address), later
 * when some are on other nodes of a cluster.
 */
function deliver(context: BrokerContext, response: ServerResponse, target: Target, address: string, bytes: Buffer): number | Promise<number> {
  const body = decodeOwntracksBody(bytes);
  if (!body.ok) {
    // The reason may quote the body (its _type): it goes to the sender, the log gets only its name.
    refuse(context, response, body.error === 'too_large' ? 'too_large' : 'bad_body', body.message, target, {}, { detail: body.error });
    return 0;
  }
  // Asked again: the body took its time, and other requests may have spent the rates meanwhile.
  if (refusedOverRate(context, response, target, address)) return 0;
  const now = context.now();
  const relayOf = (id: ClientId): string => JSON.stringify(relayPacket(id, target.member, body.value.data));
  const online: Array<{ id: ClientId; connection: Connection }> = [];
  const elsewhere: ClientId[] = [];
  for (const id of target.thermostats) {
    const connection = context.registry.lookup(id);
    if (connection !== undefined) online.push({ id, connection });
    else elsewhere.push(id);
  }
  const cluster = context.cluster;
  const outcome: Outcome = { reached: [], refusedWaitMs: null };
  for (const { id, connection: thermostat } of online) relayHere(context, thermostat, id, relayOf(id), now, outcome);
  if (cluster === undefined || elsewhere.length === 0) return answer(context, response, target, now, outcome);
  // A thermostat on another node is handed the RELAY there, by the same rule (cluster/cluster.ts).
  const offline = { kind: 'offline' } as const;
  return Promise.all(elsewhere.map((id) => cluster.relay(id, relayOf(id)).catch(() => offline))).then((outcomes) => {
    outcomes.forEach((there, index) => {
      if (there.kind === 'delivered') outcome.reached.push(elsewhere[index]!);
      if (there.kind === 'refused') outcome.refusedWaitMs = Math.max(outcome.refusedWaitMs ?? 0, there.waitMs);
    });
    return answer(context, response, target, context.now(), outcome);
  });
}

interface Outcome {
  readonly reached: ClientId[];
  /** Set when a thermostat online refused the RELAY: how long until it takes one. */
  refusedWaitMs: number | null;
}

function relayHere(context: BrokerContext, thermostat: Connection, id: ClientId, frame: string, now: number, outcome: Outcome): void {
  // docs/protocol.md, "The ingress": the member ID in a URL proves nothing, so a RELAY always draws on the
  // thermostat's budget for strangers, never on a partner's free pass.
  if (!thermostat.inbound.admit(Buffer.byteLength(frame), now)) {
    context.stats.droppedOverInboundBudget += 1;
    outcome.refusedWaitMs = Math.max(outcome.refusedWaitMs ?? 0, thermostat.inbound.msUntilAdmitted(now));
    return;
  }
  // A receiver too slow to take its frames refuses it as well; it may have caught up by the retry.
  if (!thermostat.sendFrame(frame)) {
    outcome.refusedWaitMs ??= 0;
    return;
  }
  context.stats.forwarded += 1;
  outcome.reached.push(id);
}

function answer(context: BrokerContext, response: ServerResponse, target: Target, now: number, { reached, refusedWaitMs }: Outcome): number {
  if (reached.length === 0 && refusedWaitMs === null) {
    refuse(context, response, 'thermostats_offline', 'no thermostat named is online', target);
    return 0;
  }
  for (const id of reached) context.ingress.byMemberAndThermostat.charge(memberThermostatKey(target.member, id), now, 1);
  if (refusedWaitMs !== null) {
    const why = 'a thermostat named takes no more for now; any others named got it';
    refuse(context, response, 'thermostats_refused', why, target, retryAfter(refusedWaitMs), { reached: reached.join(',') });
    return reached.length;
  }
  response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': EMPTY_ARRAY.length });
  response.end(EMPTY_ARRAY);
  context.log.info('owntracks_ingress', { outcome: 'delivered', member: target.member, thermostats: reached.join(',') });
  return reached.length;
}

/**
 * Refuses with 503 when the address or the member toward any thermostat named is over its rate (docs/protocol.md,
 * "The ingress"): asking charges nothing (the address pays once its body is read), and a thermostat never reached is
 * never charged.
 */
function refusedOverRate(context: BrokerContext, response: ServerResponse, target: Target, address: string): boolean {
  const { byAddress, byMemberAndThermostat } = context.ingress;
  const now = context.now();
  const wait = Math.max(
    byAddress.msUntilAdmitted(address, now),
    ...target.thermostats.map((thermostat) => byMemberAndThermostat.msUntilAdmitted(memberThermostatKey(target.member, thermostat), now)),
  );
  if (wait === 0) return false;
  context.stats.rateLimited += 1;
  refuse(context, response, 'rate_limited', 'over the rate of your address or of this member toward a thermostat named', target, retryAfter(wait));
  return true;
}

/** Retry-After in whole seconds, at least one. */
const retryAfter = (ms: number): Record<string, string> => ({ 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) });

/**
 * Answers as INGRESS_REFUSALS says, with `{"error":"<why>"}`; the log names the outcome, member and thermostats.
 * A request whose body was not read to its end also loses its connection, rather than have Node read the rest to
 * find the next request.
 */
function refuse(
  context: BrokerContext,
  response: ServerResponse,
  refusal: IngressRefusal,
  why: string,
  target: Target | null,
  headers: Record<string, string> = {},
  logged: Record<string, string> = {},
): void {
  const { status, retryAfterS }: IngressAnswer = INGRESS_REFUSALS[refusal];
  const body = JSON.stringify({ error: why });
  if (!response.headersSent) {
    response.writeHead(status, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Content-Length': Buffer.byteLength(body),
      ...(response.req.complete ? {} : { Connection: 'close' }),
      ...(retryAfterS === undefined ? {} : { 'Retry-After': String(retryAfterS) }),
      ...headers,
    });
  }
  response.end(body);
  const fields = { outcome: refusal, ...logged, member: target?.member ?? null, thermostats: target?.thermostats.join(',') ?? null };
  if (status === 503) context.log.warn('owntracks_ingress', fields);
  else context.log.info('owntracks_ingress', fields);
}
