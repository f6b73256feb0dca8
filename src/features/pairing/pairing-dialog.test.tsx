import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { appStore } from '@/stores/app-store';
import { PairingDialog } from './pairing-dialog';

const MEMBER_KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const INVITATION = 'iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiA';
const LIVING = { id: 'LivingLivingLivingLivi', name: 'Living room' };

const dialog = () => screen.getByRole('dialog', { name: 'Add thermostat' });

describe('pairing dialog', () => {
  it('adds the thermostat of an opened invitation, to be joined', async () => {
    const onClose = vi.fn();
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={onClose} />);
    expect(dialog()).toHaveTextContent('Add this thermostat to the app?');
    expect(dialog()).toHaveTextContent('Adding it makes this phone a member of the household, with a key of its own. An invitation works only once.');
    expect(within(dialog()).queryByRole('note')).toBeNull();
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Add' }));
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING.id, key: INVITATION, name: 'Thermostat', joined: false }]);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('keeps the key of a phone that is a member already: the invitation is not used, only a typed name changes', async () => {
    appStore.getState().addThermostat({ ...LIVING, key: MEMBER_KEY, joined: true });
    appStore.getState().setMembership(LIVING.id, 'member');
    const onClose = vi.fn();
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={onClose} />);
    expect(within(dialog()).getByRole('note')).toHaveTextContent(
      'This phone is a member of Living room already, with a key of its own: it needs no invitation. This one is not used, so it still works for the person it was meant for.',
    );
    const name = within(dialog()).getByRole('textbox', { name: 'Thermostat name' });
    expect(name).toHaveValue('Living room');
    await userEvent.clear(name);
    await userEvent.type(name, 'Lounge');
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Add' }));
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING.id, key: MEMBER_KEY, name: 'Lounge', joined: true }]);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('says a code typed by hand for a thermostat this phone is a member of is not used', async () => {
    appStore.getState().addThermostat({ ...LIVING, key: MEMBER_KEY, joined: true });
    const onClose = vi.fn();
    render(<PairingDialog onClose={onClose} />);
    await userEvent.type(within(dialog()).getByRole('textbox', { name: 'Pairing link' }), `#pair=${LIVING.id}.${INVITATION}`);
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Add' }));
    expect(within(dialog()).getByRole('note')).toHaveTextContent('This phone is a member of Living room already');
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING.id, key: MEMBER_KEY, name: 'Living room', joined: true }]);
    expect(onClose).not.toHaveBeenCalled();
  });

  it('does not warn a removed phone off its own new invitation, which replaces the key it lost', async () => {
    appStore.getState().addThermostat({ ...LIVING, key: MEMBER_KEY, joined: true });
    appStore.getState().setMembership(LIVING.id, 'removed');
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={() => undefined} />);
    expect(dialog()).toHaveTextContent('This thermostat is already in the app; adding it again updates its key.');
    expect(within(dialog()).queryByRole('note')).toBeNull();
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Add' }));
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING.id, key: INVITATION, name: 'Living room', joined: false }]);
  });

  it('does not warn about a thermostat this phone has not joined yet', () => {
    appStore.getState().addThermostat({ ...LIVING, key: MEMBER_KEY, joined: false });
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={() => undefined} />);
    expect(dialog()).toHaveTextContent('This thermostat is already in the app; adding it again updates its key.');
    expect(within(dialog()).queryByRole('note')).toBeNull();
  });
});
