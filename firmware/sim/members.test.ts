// Issue 11, members the household can see and remove, end to end in the simulator: Node apps join the real
// simulated thermostat through the real broker with one-time invitations (docs/protocol.md "Joining"), list,
// invite and remove with MEMBERS_set ("Members"); a removed member is refused with ERROR not_member while the
// others keep control, a used invitation lets no one else in, a removal ends every open invitation, and the members
// outlive a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../broker/integration/helpers.ts';
import { TestClient } from '../../broker/integration/client.ts';
import type { RunningBroker } from '../../broker/server.ts';
import { SimulatedThermostat } from '../../scripts/system/thermostat.ts';
import type { ErrorMessage, Message, MembersMessage, StateMessage } from '../../protocol/index.ts';
import { Join, PairedApp } from './paired-app.ts';

const APP_URL = 'http://localhost:8080/';
const isMembers = (m: Message): m is MembersMessage => m.type === 'MEMBERS';
const isNotMember = (m: Message): m is ErrorMessage => m.type === 'ERROR' && m.code === 'not_member';
const hasTarget =
  (target: number) =>
  (m: Message): m is StateMessage =>
    m.type === 'STATE' && m.target === target;

describe('members of the simulated thermostat', () => {
  let broker: RunningBroker;
  let stateDir: string;
  let thermostat: SimulatedThermostat;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    broker = await startTestBroker({});
    stateDir = mkdtempSync(join(tmpdir(), 'hearth-members-'));
    // The first start may compile the simulator; start waits for the PAIR line.
    thermostat = await SimulatedThermostat.start({ brokerWsUrl: broker.wsUrl, appUrl: APP_URL, stateDir, speed: 10, name: 'members' });
    await thermostat.waitForOnline(0, 30_000);
  }, 190_000);

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await thermostat?.stop();
    await broker?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const pair = async (name: string, link?: string): Promise<PairedApp> => {
    const app = await PairedApp.pair(broker, thermostat, name, link);
    cleanups.push(() => app.close());
    return app;
  };

  /** Resolves once the thermostat has dropped what `send` sends (a JOIN it does not take). */
  const isDropped = async (send: () => Promise<void>): Promise<void> => {
    const dropped = (await thermostat.state()).dropped_envelopes;
    await send();
    await expect.poll(async () => (await thermostat.state()).dropped_envelopes, { timeout: 10_000 }).toBeGreaterThan(dropped);
  };

  /** Sends a JOIN with `link` from a new app and resolves once the thermostat has dropped it. */
  const joinIsDropped = async (link: string): Promise<void> => {
    const stranger = await TestClient.logOn(broker.wsUrl);
    cleanups.push(() => stranger.close());
    await isDropped(async () => stranger.send((await Join.begin(link, stranger.id, 'Stranger')).packet));
  };

  it('invitations work once; a removed member is refused at once, every open invitation ends, the others keep control; members outlive a restart', async () => {
    // The link the thermostat printed as it started lets the first member in, and nobody after.
    const ana = await pair('Ana', thermostat.pairLink);
    await joinIsDropped(thermostat.pairLink);

    // Ana invites Ben: MEMBERS carries the secret, which makes Ben's link.
    const invited = await ana.request('MEMBERS_set', { invite: true }, isMembers);
    expect(invited).toMatchObject({ error: null, old_link: false, invitation: { expires_s: 86_400 } });
    expect(invited.members).toEqual([{ id: ana.id, name: 'Ana', heard_s: expect.any(Number) }]);
    const bensLink = `${APP_URL}#pair=${thermostat.id}.${invited.invitation?.secret ?? ''}`;
    const ben = await pair('Ben', bensLink);
    await joinIsDropped(bensLink);

    const listed = await ana.request('MEMBERS_set', {}, isMembers);
    expect(listed).toMatchObject({ error: null, invitation: null });
    expect(listed.members.map((member) => [member.id, member.name])).toEqual([
      [ana.id, 'Ana'],
      [ben.id, 'Ben'],
    ]);
    expect(await ben.request('SET', { target: 21 }, hasTarget(21))).toMatchObject({ error: null });
    // An invitation Ben may have seen, not used yet.
    const forCleo = await ana.request('MEMBERS_set', { invite: true }, isMembers);
    const cleosLink = `${APP_URL}#pair=${thermostat.id}.${forCleo.invitation?.secret ?? ''}`;

    // Ana removes Ben: gone from the list at once, and what Ben sends next is refused and acted on not.
    const removed = await ana.request('MEMBERS_set', { remove: ben.id }, isMembers);
    expect(removed).toMatchObject({ error: null, members: [{ id: ana.id, name: 'Ana' }] });
    const refused = ben.next(isNotMember, 'refusing the removed member');
    ben.send('SET', { target: 25 });
    expect(await refused).toEqual({ type: 'ERROR', code: 'not_member' });
    expect((await thermostat.state()).target).toBe(21);
    // The removal ended every open invitation: neither the link Ben joined with nor one he may have seen lets him
    // (or anyone) in again.
    await isDropped(() => ben.sendJoin(bensLink));
    await joinIsDropped(cleosLink);
    const stillRefused = ben.next(isNotMember, 'refusing the removed member after his JOIN');
    ben.send('SET', { target: 25 });
    await stillRefused;

    // Ana still controls the thermostat.
    expect(await ana.request('SET', { target: 22 }, hasTarget(22))).toMatchObject({ error: null });
    expect((await thermostat.state()).target).toBe(22);

    // After a restart Ana is still a member with the same key, and Ben still is not.
    const since = thermostat.process.lineCount;
    await thermostat.control('reboot');
    await thermostat.waitForOnline(since, 30_000);
    await ana.start();
    const afterRestart = await ana.request('MEMBERS_set', {}, isMembers);
    expect(afterRestart.members.map((member) => member.id)).toEqual([ana.id]);
  }, 90_000);
});
