/**
 * The JSON rules at the broker over real sockets (docs/protocol.md "JSON rules"): a frame that breaks them
 * gets bad_json naming the rule and reaches nobody, and the sender's good traffic keeps flowing (issue 8,
 * findings 1 and 2). A frame that keeps them is forwarded byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../server.ts';
import { TestClient } from './client.ts';
import { expectRoutes, startTestBroker } from './helpers.ts';

let broker: RunningBroker;
let alice: TestClient;
let bob: TestClient;
let carol: TestClient;

beforeAll(async () => {
  broker = await startTestBroker({
    rateLimitPerSecond: 10_000,
    rateLimitBurst: 10_000,
  });
  alice = await TestClient.logOn(broker.wsUrl);
  bob = await TestClient.logOn(broker.wsUrl);
  carol = await TestClient.logOn(broker.wsUrl);
});

afterAll(async () => {
  await broker.close();
});

/** Sends `frame` from alice: she alone gets bad_json for it, and then her good traffic still routes. */
async function refusedFrame(frame: string): Promise<void> {
  alice.send(frame);
  expect(await alice.barrier()).toEqual([expect.objectContaining({ packet_type: 'ERROR', code: 'bad_json' })]);
  expect(await bob.barrier()).toEqual([]);
  expect(await carol.barrier()).toEqual([]);
  await expectRoutes(alice, bob);
}

describe('finding 2: a key given twice', () => {
  it('the ERROR hidden in a BROADCAST gets bad_json naming the repeated key, and reaches nobody', async () => {
    const frame = `{"packet_type":"ERROR","code":"not_logged_on","packet_type":"MSG","transmitter":"${alice.id}","receiver":"BROADCAST","data":"x"}`;
    alice.send(frame);
    const [answer, ...rest] = await alice.barrier();
    expect(rest).toEqual([]);
    expect(answer).toEqual({
      packet_type: 'ERROR',
      code: 'bad_json',
      message: 'duplicate_key: key "packet_type" appears twice in one object',
    });
    expect(await bob.barrier()).toEqual([]);
    expect(await carol.barrier()).toEqual([]);
    await expectRoutes(alice, bob);
  });

  it('a receiver given twice reaches neither receiver', async () => {
    await refusedFrame(`{"packet_type":"MSG","transmitter":"${alice.id}","receiver":"${bob.id}","data":"x","receiver":"${carol.id}"}`);
  });

  it('a key repeated through a \\u escape is a repeat', async () => {
    await refusedFrame(`{"packet_type":"MSG","transmitter":"${alice.id}","receiver":"BROADCAST","data":"x","p\\u0061cket_type":"ERROR"}`);
  });

  it('a key that C would read as packet_type (\\u0000) is refused', async () => {
    await refusedFrame(`{"packet_type\\u0000":"ERROR","packet_type":"MSG","transmitter":"${alice.id}","receiver":"BROADCAST","data":"x"}`);
  });
});

describe('finding 1: nesting', () => {
  it('a BROADCAST whose data is 999 nested arrays gets bad_json and reaches nobody', async () => {
    const frame = `{"packet_type":"MSG","transmitter":"${alice.id}","receiver":"BROADCAST","data":${'['.repeat(999)}${']'.repeat(999)}}`;
    alice.send(frame);
    const answers = await alice.barrier();
    expect(answers).toEqual([{ packet_type: 'ERROR', code: 'bad_json', message: 'too_deep: nested deeper than 8 levels' }]);
    expect(await bob.barrier()).toEqual([]);
    expect(await carol.barrier()).toEqual([]);
    await expectRoutes(alice, bob);
  });

  it('9 levels are refused; 8 levels are forwarded as sent, spacing and all', async () => {
    await refusedFrame(`{"packet_type":"MSG","transmitter":"${alice.id}","receiver":"${bob.id}","data":${'['.repeat(8)}${']'.repeat(8)}}`);
    const eight = `{ "packet_type" : "MSG", "transmitter":"${alice.id}", "receiver":"${bob.id}", "data": ${'[ '.repeat(7)}"[[{" ${']'.repeat(7)} }`;
    alice.send(eight);
    expect(await bob.next()).toMatchObject({ packet_type: 'MSG', transmitter: alice.id });
    expect(bob.rawFrames.at(-1)).toBe(eight);
  });
});
