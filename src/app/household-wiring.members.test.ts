import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeKey, makeLogonKeys, toBase64url } from '@protocol';
import { FakeBroker } from '@/lib/link/testing/fake-broker';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { parsePairingLink } from '@/lib/pairing-link';
import { appStore } from '@/stores/app-store';
import { selectCommandError, selectMembers, selectMembership, selectPendingSettings } from '@/stores/selectors';
import { startHousehold } from './household-wiring';

const APP_URL = 'https://hearth.example/app/';

const stops: (() => void)[] = [];
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
});

/** Pairs `living` (selected, with an invitation) and `hall` (with its old shared key), and connects. */
async function household() {
  const living = new TestThermostat();
  const hall = new TestThermostat();
  const broker = new FakeBroker(living);
  broker.others.set(hall.id, { thermostat: hall, online: true });
  appStore.getState().addThermostat({ id: hall.id, key: hall.keyText, name: 'Hall' });
  appStore.getState().addThermostat({ id: living.id, key: living.invite(), name: 'Living room' });
  const identity = await makeLogonKeys();
  const connection = startHousehold(appStore, identity, broker.factory, APP_URL);
  stops.push(connection.stop);
  await vi.waitFor(() => expect(appStore.getState().sessionOf[living.id]).toBe('live'));
  return { living, hall, identity, connection };
}

const recordOf = (id: string) => appStore.getState().thermostats.find((thermostat) => thermostat.id === id);

describe('members through the store', () => {
  it('keeps the member key each join agrees, for the selected thermostat and the one that only hears presence', async () => {
    const { living, hall, identity, connection } = await household();
    expect(selectMembership(appStore.getState())).toBe('member');
    expect(recordOf(living.id)).toEqual({
      id: living.id,
      key: toBase64url(living.memberKeys.get(identity.id)?.key ?? makeKey()),
      name: 'Living room',
      joined: true,
    });

    // The hall thermostat joins when the courier first has something for it.
    connection.commands.sendPresence({ home: false, distance: 900 });
    await vi.waitFor(() => expect(hall.members.find((member) => member.id === identity.id)?.home).toBe(false));
    expect(recordOf(hall.id)).toEqual({ id: hall.id, key: toBase64url(hall.memberKeys.get(identity.id)?.key ?? makeKey()), name: 'Hall', joined: true });
    expect(appStore.getState().membershipOf[hall.id]).toBe('member');
  });

  it('shows the members, an invitation as a pairing link to this app with its expiry, and a removal', async () => {
    const { living, identity, connection } = await household();
    const other = 'BensPhoneBensPhoneBens';
    living.memberKeys.set(other, { key: makeKey(), name: 'Ben’s phone' });
    expect(selectMembers(appStore.getState())).toBeNull();

    connection.commands.requestMembers();
    expect(selectMembers(appStore.getState())).toMatchObject({ pending: true, error: null });
    await vi.waitFor(() => expect(selectMembers(appStore.getState())?.pending).toBe(false));
    expect(selectMembers(appStore.getState())).toMatchObject({
      members: [
        { id: identity.id, name: appStore.getState().preferences.memberName, heard_s: 0 },
        { id: other, name: 'Ben’s phone', heard_s: 0 },
      ],
      oldLink: true,
      invitation: null,
      error: null,
    });

    connection.commands.inviteMember();
    await vi.waitFor(() => expect(selectMembers(appStore.getState())?.invitation).not.toBeNull());
    const view = selectMembers(appStore.getState());
    const link = view?.invitation?.link ?? '';
    expect(link.startsWith(`${APP_URL}#pair=`)).toBe(true);
    const code = parsePairingLink(link);
    expect(code.ok && code.value.id).toBe(living.id);
    // The thermostat's name as this app calls it travels with the link (docs/protocol.md "Keys and pairing").
    expect(link.endsWith('&name=Living%20room')).toBe(true);
    expect(code.ok && code.value.name).toBe('Living room');
    expect(living.invitations.map((invitation) => toBase64url(invitation.secret))).toContain(code.ok ? code.value.key : '');
    expect(view?.invitation?.expiresAt).toBe((view?.heardAt ?? 0) + 86_400_000);

    connection.commands.removeMember(other);
    await vi.waitFor(() => expect(selectMembers(appStore.getState())?.members.map((member) => member.id)).toEqual([identity.id]));
    // Removing a member closes the old shared key; the invitation shown stays until a new one replaces it.
    expect(selectMembers(appStore.getState())).toMatchObject({ oldLink: false, invitation: { link } });
  });

  it('shows a removal from the thermostat: the record stays, the change fails with the reason', async () => {
    const { living, identity, connection } = await household();
    living.removeMember(identity.id);
    connection.commands.sendSettings({ target: 23 });
    await vi.waitFor(() => expect(selectMembership(appStore.getState())).toBe('removed'));
    expect(selectCommandError(appStore.getState())).toBe('not-member');
    expect(selectPendingSettings(appStore.getState())).toBeNull();
    expect(recordOf(living.id)?.joined).toBe(true);

    // Forgetting it forgets what this phone was to it too.
    appStore.getState().removeThermostat(living.id);
    expect(appStore.getState().membershipOf[living.id]).toBeUndefined();
  });
});
