import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { challenge, errorPacket, makeLogonKeys, makeNonce, message, verifyLogon, type LogOnPacket, type LogonKeys } from '@protocol';
import { BrokerLink, type BrokerError, type FrameScope, type RoutedFrame } from './broker-link';
import type { BrokerStatus } from './link-status';
import { fakeBroker, forgetBrokers, pass } from './testing/fake-time';
import { TestThermostat } from './testing/test-thermostat';

/** A BrokerLink on a fake broker, with no thermostat session: what it reports, in order. */
async function setUp(handlingFrame?: FrameScope) {
  // The fake broker routes to a thermostat; these tests never address it.
  const broker = fakeBroker(new TestThermostat());
  const identity: LogonKeys = await makeLogonKeys();
  const reports: (['status', BrokerStatus] | ['logged-on'] | ['closed'] | ['routed', RoutedFrame] | ['error', BrokerError] | ['frame', 'in' | 'out'])[] = [];
  const link = new BrokerLink({
    url: 'ws://broker.test/ws',
    identity,
    socketFactory: broker.factory,
    random: () => 0.5,
    ...(handlingFrame === undefined ? {} : { handlingFrame }),
    events: {
      status: (status) => reports.push(['status', status]),
      loggedOn: () => reports.push(['logged-on']),
      closed: () => reports.push(['closed']),
      routed: (frame) => reports.push(['routed', frame]),
      error: (error) => reports.push(['error', error]),
    },
  });
  const statuses = () => reports.filter((report) => report[0] === 'status').map((report) => report[1]);
  return { broker, identity, link, reports, statuses };
}

describe('BrokerLink', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    forgetBrokers();
  });

  it('answers the CHALLENGE with a LOG_ON signed for its nonce and the URL’s host, and sends only once logged on', async () => {
    const { link, broker, identity, reports } = await setUp();
    const packet = message(identity.id, 'SomeThermostatSomeTher', 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    link.start();
    expect(link.send(packet)).toBe(false);
    await pass();
    const logOn = broker.sentByApp('LOG_ON')[0] as LogOnPacket;
    expect(logOn).toMatchObject({ transmitter: identity.id, public_key: identity.publicKey });
    expect(await verifyLogon(logOn, broker.latest.nonce, 'broker.test')).toEqual({ ok: true, value: identity.id });
    expect(await verifyLogon(logOn, broker.latest.nonce, 'other.test')).toMatchObject({ ok: false });
    expect(reports).toEqual([['status', 'connecting'], ['status', 'connected'], ['logged-on']]);
    expect(link.send(packet)).toBe(true);
    expect(broker.sentByApp('MSG')).toEqual([packet]);
  });

  it('handles each frame from the broker, and whatever it reports of it, inside the scope it was given', async () => {
    const { link, broker, identity, reports } = await setUp((handle) => {
      reports.push(['frame', 'in']);
      handle();
      reports.push(['frame', 'out']);
    });
    link.start();
    await pass();
    broker.push(message('SomeThermostatSomeTher', identity.id, 'v1.sealed'));
    broker.latest.deliver(errorPacket('receiver_offline', 'receiver is not logged on', { ref: 'MSG', receiver: 'SomeThermostatSomeTher' }));
    await pass();
    // The CHALLENGE's LOG_ON is signed after its frame's scope (WebCrypto is asynchronous); the ACK's reports are inside.
    expect(reports.map((report) => report.join(' '))).toEqual([
      'status connecting',
      'frame in',
      'frame out',
      'frame in',
      'status connected',
      'logged-on',
      'frame out',
      'frame in',
      expect.stringMatching(/^routed /),
      'frame out',
      'frame in',
      expect.stringMatching(/^error /),
      'frame out',
    ]);
  });

  it('signs for the host of the URL each socket was opened with, and answers one CHALLENGE per socket', async () => {
    const { link, broker, identity, reports } = await setUp();
    link.start();
    await pass();
    link.setUrl('wss://Other.Example:8443/ws');
    await pass();
    expect(reports.slice(-4)).toEqual([['closed'], ['status', 'connecting'], ['status', 'connected'], ['logged-on']]);
    const socket = broker.latest;
    const logOns = broker.sentByApp('LOG_ON') as LogOnPacket[];
    expect(logOns).toHaveLength(2);
    expect(await verifyLogon(logOns[1]!, socket.nonce, 'other.example:8443')).toEqual({ ok: true, value: identity.id });
    expect(await verifyLogon(logOns[1]!, broker.sockets[0]!.nonce, 'other.example:8443')).toMatchObject({ ok: false });
    socket.deliver(challenge(makeNonce()));
    await pass();
    expect(broker.sentByApp('LOG_ON')).toHaveLength(2);
  });

  it('reconnects with growing delays while the broker is unreachable, then logs on', async () => {
    const { link, broker, statuses, reports } = await setUp();
    broker.reachable = false;
    link.start();
    await pass();
    expect(statuses()).toEqual(['connecting', 'offline']);
    // random() is 0.5, so each delay is 3/4 of 1 s, 2 s, 4 s ...
    await pass(749);
    expect(broker.sockets).toHaveLength(1);
    await pass(1);
    expect(broker.sockets).toHaveLength(2);
    await pass(1499);
    expect(broker.sockets).toHaveLength(2);
    await pass(1);
    expect(broker.sockets).toHaveLength(3);
    broker.reachable = true;
    await pass(3000);
    expect(statuses().at(-1)).toBe('connected');
    expect(broker.sentByApp('LOG_ON')).toHaveLength(1);
    expect(reports.filter((report) => report[0] === 'logged-on')).toHaveLength(1);
  });

  it('after a dropped connection says it is offline, tells that the logged-on link closed, and logs on again', async () => {
    const { link, broker, statuses, reports } = await setUp();
    link.start();
    await pass();
    broker.latest.serverClose(1006);
    expect(statuses().at(-1)).toBe('offline');
    expect(reports.at(-2)).toEqual(['closed']);
    await pass(1000);
    expect(statuses().at(-1)).toBe('connected');
    expect(reports.filter((report) => report[0] === 'logged-on')).toHaveLength(2);
  });

  it('does not fight another window that took over its ID, not even when visible or online again, until the person asks', async () => {
    const { link, broker, statuses } = await setUp();
    link.start();
    await pass();
    broker.latest.serverClose(4002);
    expect(statuses().at(-1)).toBe('replaced');
    await pass(60_000);
    expect(broker.sockets).toHaveLength(1);
    link.resume();
    await pass();
    expect(broker.sockets).toHaveLength(1);
    expect(statuses().at(-1)).toBe('replaced');
    link.reconnectNow();
    await pass();
    expect(broker.sockets).toHaveLength(2);
    expect(statuses().at(-1)).toBe('connected');
  });

  it('says offline and retries when the broker address cannot even be opened', async () => {
    const { identity } = await setUp();
    const statuses: BrokerStatus[] = [];
    const factory = vi.fn(() => {
      throw new SyntaxError('bad URL');
    });
    const link = new BrokerLink({
      url: 'not a url',
      identity,
      socketFactory: factory,
      random: () => 0.5,
      events: { status: (status) => statuses.push(status), loggedOn: () => undefined, closed: () => undefined, routed: () => undefined, error: () => undefined },
    });
    link.start();
    expect(statuses).toEqual(['connecting', 'offline']);
    await pass(750);
    expect(factory).toHaveBeenCalledTimes(2);
    link.stop();
  });

  it('hands on what is routed to it and the broker’s ERRORs with their ref and receiver, knowing nothing of thermostats', async () => {
    const { link, broker, identity, reports } = await setUp();
    link.start();
    await pass();
    const routed = message('SomeThermostatSomeTher', identity.id, 'v1.sealed');
    broker.push(routed);
    broker.latest.deliver(errorPacket('receiver_offline', 'receiver is not logged on', { ref: 'MSG', receiver: 'SomeThermostatSomeTher' }));
    await pass();
    expect(reports.slice(-2)).toEqual([
      ['routed', { packetType: 'MSG', transmitter: 'SomeThermostatSomeTher', receiver: identity.id, data: 'v1.sealed' }],
      ['error', { code: 'receiver_offline', ref: 'MSG', receiver: 'SomeThermostatSomeTher' }],
    ]);
  });
});
