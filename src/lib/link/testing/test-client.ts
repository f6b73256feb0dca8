import { ConnectionClient, type ConnectionClientOptions, type ConnectionEvents } from '../connection-client';
import type { FakeBroker } from './fake-broker';

type RequiredEvents = 'status' | 'state' | 'pendingSettings' | 'commandFailed';

/** What a test says about its client; the rest is as every test on a fake broker has it. */
export type TestClientOptions = Pick<ConnectionClientOptions, 'identity' | 'thermostat' | 'presencePeers'> & {
  memberName?: string | undefined;
  events?: Partial<Pick<ConnectionEvents, RequiredEvents>> & Omit<ConnectionEvents, RequiredEvents>;
};

/**
 * A ConnectionClient on `broker`, named Ana’s phone unless said, whose backoff draws are fixed (random 0.5) so that
 * retries come at known times, and which ignores the events the test does not listen to.
 */
export function testClient(broker: FakeBroker, { memberName = 'Ana’s phone', events = {}, ...options }: TestClientOptions): ConnectionClient {
  return new ConnectionClient({
    url: 'ws://broker.test/ws',
    memberName,
    ...options,
    socketFactory: broker.factory,
    random: () => 0.5,
    events: {
      status: () => undefined,
      state: () => undefined,
      pendingSettings: () => undefined,
      commandFailed: () => undefined,
      ...events,
    },
  });
}
