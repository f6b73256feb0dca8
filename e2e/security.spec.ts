import { randomBytes } from 'node:crypto';
import { test, expect } from './fixtures/index.ts';
import { AppTraffic } from './fixtures/app-traffic.ts';
import { RawClient } from './fixtures/raw-client.ts';
import {
  makeKey,
  open,
  parseMessage,
  seal,
  start,
  toBase64url,
  type Packet,
  type RoutedPacket,
  type StateMessage,
} from '../protocol/index.ts';

test('security: a wrong secret, a SET replayed at the broker and a replayed LOG_ON change nothing', async ({
  page,
  app,
  broker,
  thermostat,
}) => {
  const traffic = new AppTraffic(page);
  const screen = await app.pair(page);
  await traffic.learnMemberKeys();
  const initial = await thermostat.state();

  // Someone with the thermostat's ID and a secret it never made: the thermostat drops the JOIN (and the START the
  // app tries after it) that it cannot open, and the app says the invitation was not taken.
  const wrongLink = `${broker.httpUrl}#pair=${thermostat.id}.${toBase64url(makeKey())}`;
  const intruder = await app.pairInNewContext({ link: wrongLink, thermostatName: 'Not mine' });
  await expect(intruder.page.getByRole('alert').filter({ hasText: 'Not mine did not take the invitation' })).toBeVisible({ timeout: 30_000 });
  expect((await thermostat.state()).dropped_envelopes).toBeGreaterThan(initial.dropped_envelopes);
  await expect(intruder.screen.target).toBeDisabled();
  expect((await thermostat.state()).target).toBe(initial.target);
  await intruder.context.close();

  // The member sets 20.5, then 21; an attacker at the broker replays the 20.5 SET verbatim.
  await screen.increaseTarget.click();
  await screen.expectConfirmedTarget(20.5);
  await screen.increaseTarget.click();
  await screen.expectConfirmedTarget(21);
  const captured = traffic.setsWithTarget(20.5);
  expect(captured, 'the app sent exactly one SET for 20.5 °C').toHaveLength(1);
  const capturedFrame = captured[0]?.frame as string;

  // The attacker can send as the app (as a malicious broker could): the app's own key signs its logon.
  const attacker = await RawClient.connect(broker.wsUrl);
  const appId = await attacker.logOnSignedBy(app.signerOf(page));
  attacker.send(capturedFrame);
  // A START after the replay, on the same connection: its answer proves the replay was handled first. Only the
  // app and the thermostat hold the app's member key; the test reads it from the app's storage to seal that START.
  const [key] = traffic.memberKeys;
  if (key === undefined) throw new Error('the app holds no member key');
  const nonce = toBase64url(randomBytes(16));
  attacker.send(start(appId, thermostat.id, seal(key, 'START', appId, thermostat.id, { type: 'START', name: 'replay', nonce })));
  // The thermostat also pushes STATE to the app's ID now and then, and the attacker holds that ID now: the answer
  // to this START is the STATE that carries its nonce, whatever push lands before it.
  const stateOf = (packet: Packet): StateMessage | null => {
    if (packet.packet_type !== 'MSG' && packet.packet_type !== 'START') return null;
    if (packet.transmitter !== thermostat.id) return null;
    const opened = open(key, packet.packet_type, packet.transmitter, packet.receiver, packet.data);
    const message = opened.ok ? parseMessage(opened.value) : null;
    return message?.ok && message.value.type === 'STATE' ? message.value : null;
  };
  const reply = await attacker.nextPacket<RoutedPacket>((packet) => stateOf(packet)?.nonce === nonce);
  attacker.close();
  expect(stateOf(reply)).toMatchObject({ nonce, target: 21 });
  expect((await thermostat.state()).target).toBe(21);

  // The attacker's logon with the app's own key replaced the app's connection; the app says so
  // rather than fight another window of itself, and one tap on "Retry now" takes it back.
  await expect(screen.connection).toHaveText(/^Open in another window/);
  await screen.page.getByRole('button', { name: 'Retry now' }).click();
  await expect(screen.connection).toHaveText(/^Connected/);

  // What a TLS-terminating proxy, a log or a broker sees of a logon is no use later: the app's LOG_ON, replayed
  // on a new connection while the app is connected, is refused and does not replace the app. (A relay that passes
  // it on live is refused too, at its Host: broker/integration/logon.test.ts.)
  const capturedLogOn = traffic.logOns().at(-1)?.frame;
  expect(capturedLogOn, 'the app logged on').toBeDefined();
  const replayer = await RawClient.connect(broker.wsUrl);
  await replayer.challenge();
  replayer.send(capturedLogOn as string);
  await expect(replayer.nextPacket((packet) => packet.packet_type === 'ERROR')).resolves.toMatchObject({ code: 'bad_proof' });
  await expect(replayer.closed).resolves.toMatchObject({ code: 4003 });
  expect((await thermostat.state()).online).toBe(true);
  await expect(screen.connection).toHaveText(/^Connected/);
  // The member's app still controls the real thermostat (recovering its session from the replay's START).
  await screen.increaseTarget.click();
  await screen.expectConfirmedTarget(21.5, 20_000);
  expect((await thermostat.state()).target).toBe(21.5);
});
