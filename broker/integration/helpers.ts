import { expect } from 'vitest';
import { message, type ClientId, type Packet } from '../../protocol/index.ts';
import { startBroker, type BrokerConfig, type RunningBroker } from '../server.ts';
import type { TestClient } from './client.ts';

let counter = 0;

/** Good traffic still flows from `from` to `to`: asserted after every bad input. */
export async function expectRoutes(from: TestClient, to: TestClient): Promise<void> {
  const data = `still-routing-${(counter += 1)}`;
  from.send(message(from.id, to.id, data));
  expect(await to.next()).toEqual(message(from.id, to.id, data));
}

export function expectError(packet: Packet, code: string, details: { ref?: string; receiver?: ClientId } = {}): void {
  expect(packet).toMatchObject({ packet_type: 'ERROR', code, ...details });
}

/** A broker on a free loopback port, silent and serving no app, with the test's own settings on top. */
export const startTestBroker = (overrides: Partial<BrokerConfig>): Promise<RunningBroker> =>
  startBroker({ port: 0, host: '127.0.0.1', logLevel: 'silent', staticDir: null, ...overrides });
