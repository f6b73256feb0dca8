/**
 * The one place that decides what the broker does about each thing a client can get wrong:
 * which ERROR code it sends, and whether and how it closes the connection afterwards.
 */
import { CLOSE_CODES, type BrokerErrorCode } from '../protocol/index.ts';
import type { ConnectionRefusal } from './limits.ts';

export interface FaultResponse {
  readonly code: BrokerErrorCode;
  /** Close code sent right after the ERROR; absent when the connection is kept. */
  readonly close?: number;
}

export const FAULTS = {
  bad_json: { code: 'bad_json' },
  bad_packet: { code: 'bad_packet' },
  not_logged_on: { code: 'not_logged_on' },
  bad_proof: { code: 'bad_proof', close: CLOSE_CODES.badProof },
  spoofed_transmitter: { code: 'spoofed_transmitter' },
  receiver_offline: { code: 'receiver_offline' },
  rate_limited: { code: 'rate_limited' },
  receiver_busy: { code: 'rate_limited' },
  flooding: { code: 'rate_limited', close: CLOSE_CODES.flooding },
  logon_rate_limited: { code: 'rate_limited', close: CLOSE_CODES.flooding },
  address_logon_rate_limited: { code: 'rate_limited', close: CLOSE_CODES.flooding },
  too_large: { code: 'too_large', close: CLOSE_CODES.tooBig },
} as const satisfies Record<string, FaultResponse>;

export type Fault = keyof typeof FAULTS;

/** Closes that are not answers to a bad packet, so no ERROR goes before them. */
export const CLOSES = {
  logonTimeout: { code: CLOSE_CODES.logonTimeout, reason: 'no LOG_ON in time' },
  replaced: { code: CLOSE_CODES.replaced, reason: 'replaced by a newer logon' },
  messageTimeout: { code: CLOSE_CODES.messageTimeout, reason: 'message not finished in time' },
  shutdown: { code: CLOSE_CODES.goingAway, reason: 'broker shutting down' },
  internalError: { code: 1011, reason: 'internal error' },
} as const;

export type CloseKind = keyof typeof CLOSES;

/**
 * Connections over a cap are refused at the WebSocket upgrade, before they cost a socket's state
 * (docs/protocol.md, "Limits"). Retry-After is the logon timeout: by then connections that never logged on are gone.
 */
export const UPGRADE_REFUSALS = {
  address_full: { status: 429, text: 'Too Many Requests' },
  broker_full: { status: 503, text: 'Service Unavailable' },
} as const satisfies Record<ConnectionRefusal, { status: number; text: string }>;

/** How the OwnTracks ingress answers a request it does not deliver; `retryAfterS` when the wait is fixed. */
export interface IngressAnswer {
  readonly status: number;
  readonly retryAfterS?: number;
}

/**
 * How the OwnTracks ingress answers what it does not deliver (docs/protocol.md, "The ingress"). OwnTracks deletes a
 * message on any 4xx (iOS also alerts the user) and retries anything else, so a 4xx is only for a request that can
 * never succeed, and everything that may pass later is a 503: a slow body too, since a phone on a poor link must
 * send it again. A refusal before the body's end also closes the connection (handlers/owntracks-ingress.ts).
 */
export const INGRESS_REFUSALS = {
  not_post: { status: 405 },
  not_found: { status: 404 },
  too_large: { status: 413 },
  bad_body: { status: 400 },
  body_timeout: { status: 503, retryAfterS: 1 },
  /** The address has its most requests in progress; the wait is computed from the message deadline. */
  address_busy: { status: 503 },
  rate_limited: { status: 503 },
  /** An online thermostat named took no more from strangers; the others named got the body. */
  thermostats_refused: { status: 503 },
  /** About how long a thermostat takes to come back after a restart or a Wi-Fi drop. */
  thermostats_offline: { status: 503, retryAfterS: 60 },
} as const satisfies Record<string, IngressAnswer>;

export type IngressRefusal = keyof typeof INGRESS_REFUSALS;
