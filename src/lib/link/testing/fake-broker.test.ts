import { describe, expect, it, vi } from 'vitest';
import { FakeBroker } from './fake-broker';
import { TestThermostat } from './test-thermostat';

describe('FakeBroker.logonsSettled', () => {
  it('fails, naming the socket, when a socket never sends LOG_ON, instead of waiting for ever', async () => {
    const broker = new FakeBroker(new TestThermostat());
    const socket = broker.factory('ws://broker.test/ws');
    await vi.waitFor(() => expect(socket.readyState).toBe(1));
    await expect(broker.logonsSettled(50)).rejects.toThrow(/socket 0 \(ws:\/\/broker\.test\/ws\) has had no LOG_ON answered/);
  });
});
