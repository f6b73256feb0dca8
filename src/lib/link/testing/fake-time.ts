import { vi } from 'vitest';
import { backgroundWorkSettled } from '../background-work';
import { FakeBroker } from './fake-broker';
import type { TestThermostat } from './test-thermostat';

/** The fake brokers of the running test: settle() waits for their logons. */
const brokers: FakeBroker[] = [];

/** A fake broker for `thermostat` whose logons settle() and pass() wait for. */
export function fakeBroker(thermostat: TestThermostat): FakeBroker {
  const broker = new FakeBroker(thermostat);
  brokers.push(broker);
  return broker;
}

/** Forgets the brokers of a finished test (in afterEach). */
export function forgetBrokers(): void {
  brokers.splice(0);
}

/**
 * Lets queued frames arrive (they travel as microtasks), logons be signed and checked, and joins' key agreements be
 * worked out on either side, which take real time.
 */
export async function settle(): Promise<void> {
  for (;;) {
    await vi.advanceTimersByTimeAsync(0);
    const waited = await Promise.all([...brokers.map((broker) => broker.logonsSettled()), backgroundWorkSettled()]);
    if (!waited.includes(true)) return;
  }
}

/** Settles, lets the given (fake) time pass, and settles again: a logon started meanwhile completes at its end. */
export async function pass(ms = 0): Promise<void> {
  await settle();
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}
