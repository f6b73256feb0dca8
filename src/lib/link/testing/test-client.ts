import { HouseholdClient, type HouseholdClientOptions, type HouseholdEvents } from '../household-client';
import type { FakeBroker } from './fake-broker';

type RequiredEvents = 'brokerStatus' | 'sessionStatus' | 'state' | 'pendingSettings' | 'commandFailed';

/** What a test says about its household client; the rest is as every test on a fake broker has it. */
export type TestClientOptions = Pick<HouseholdClientOptions, 'identity' | 'thermostats'> & {
  memberName?: string | undefined;
  historyFor?: HouseholdClientOptions['historyFor'];
  events?: Partial<Pick<HouseholdEvents, RequiredEvents>> & Omit<HouseholdEvents, RequiredEvents>;
};

/**
 * A HouseholdClient on `broker`, named Ana’s phone unless said, whose backoff draws are fixed (random 0.5) so that
 * retries come at known times, and which ignores the events the test does not listen to.
 */
export function testClient(broker: FakeBroker, { memberName = 'Ana’s phone', events = {}, ...options }: TestClientOptions): HouseholdClient {
  return new HouseholdClient({
    url: 'ws://broker.test/ws',
    memberName,
    ...options,
    socketFactory: broker.factory,
    random: () => 0.5,
    events: {
      brokerStatus: () => undefined,
      sessionStatus: () => undefined,
      state: () => undefined,
      pendingSettings: () => undefined,
      commandFailed: () => undefined,
      ...events,
    },
  });
}
