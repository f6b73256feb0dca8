import { expect } from 'vitest';
import { message, type ClientId, type Packet } from '../../protocol/index.ts';
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
