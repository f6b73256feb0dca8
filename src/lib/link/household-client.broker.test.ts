import { waitFor } from '@testing-library/react';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { makeKey, makeLogonKeys, type Settings, type StateMessage } from '@protocol';
import { HouseholdClient } from './household-client';
import type { BrokerStatus, SessionStatus } from './link-status';
import { closeSocket, connectThermostat } from './testing/broker-thermostat';
import { TestThermostat } from './testing/test-thermostat';

declare module 'vitest' {
  export interface ProvidedContext {
    brokerWsUrl: string;
  }
}

const wsUrl = inject('brokerWsUrl');
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function startApp(thermostat: TestThermostat, options: { key?: Uint8Array; commandTimeoutMs?: number } = {}) {
  const seen = { broker: [] as BrokerStatus[], statuses: [] as SessionStatus[], states: [] as StateMessage[], pending: [] as (Partial<Settings> | null)[] };
  const client = new HouseholdClient({
    url: wsUrl,
    identity: await makeLogonKeys(),
    memberName: 'Test browser',
    thermostats: [{ id: thermostat.id, key: options.key ?? thermostat.key, joined: true, verified: false }],
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
    events: {
      brokerStatus: (status) => seen.broker.push(status),
      sessionStatus: (_id, status) => seen.statuses.push(status),
      state: (_id, state) => seen.states.push(state),
      pendingSettings: (_id, settings) => seen.pending.push(settings),
      commandFailed: () => undefined,
    },
  });
  client.start();
  cleanups.push(() => client.stop());
  return { client, seen, status: () => seen.statuses.at(-1), id: thermostat.id };
}

async function onlineThermostat(): Promise<TestThermostat> {
  const thermostat = await TestThermostat.withLogonKeys();
  const socket = await connectThermostat(wsUrl, thermostat);
  cleanups.push(() => closeSocket(socket));
  return thermostat;
}

describe('HouseholdClient against the real broker', () => {
  it('logs on, opens a session and gets a SET confirmed', async () => {
    const thermostat = await onlineThermostat();
    const app = await startApp(thermostat);
    await waitFor(() => expect(app.status()).toBe('live'));
    expect(app.seen.broker).toEqual(['connecting', 'connected']);
    expect(app.seen.states[0]?.target).toBe(21);
    app.client.sendSettings(app.id, { target: 22.5 });
    await waitFor(() => expect(app.seen.pending.at(-1)).toBeNull());
    expect(app.seen.states.at(-1)?.target).toBe(22.5);
    expect(thermostat.received.map((m) => [m.type, m.seq])).toEqual([
      ['START', undefined],
      ['SET', 2],
    ]);
  });

  it('says the thermostat is offline, and connects once it is back', async () => {
    const thermostat = await TestThermostat.withLogonKeys();
    const app = await startApp(thermostat);
    await waitFor(() => expect(app.status()).toBe('thermostat-offline'));
    const socket = await connectThermostat(wsUrl, thermostat);
    cleanups.push(() => closeSocket(socket));
    app.client.retryNow();
    await waitFor(() => expect(app.status()).toBe('live'));
  });

  it('suspects the key when an online thermostat never answers it', async () => {
    const thermostat = await onlineThermostat();
    const app = await startApp(thermostat, { key: makeKey(), commandTimeoutMs: 200 });
    await waitFor(() => expect(app.status()).toBe('wrong-key'), { timeout: 3000 });
    expect(thermostat.received).toEqual([]);
  });

  it('recovers after the thermostat reboots: stale_session, new START, command repeated', async () => {
    const thermostat = await onlineThermostat();
    const app = await startApp(thermostat);
    await waitFor(() => expect(app.status()).toBe('live'));
    thermostat.reboot();
    app.client.sendSettings(app.id, { mode: 'away' });
    await waitFor(() => expect(app.seen.states.at(-1)?.mode).toBe('away'));
    expect(thermostat.received.map((m) => m.type)).toEqual(['START', 'SET', 'START', 'SET']);
  });
});
