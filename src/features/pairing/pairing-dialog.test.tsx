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

  it('warns that an invitation opened on a phone that is a member already is used up here', () => {
    appStore.getState().addThermostat({ ...LIVING, key: MEMBER_KEY, joined: true });
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={() => undefined} />);
    expect(within(dialog()).getByRole('note')).toHaveTextContent(
      'This phone is a member of Living room already. An invitation works only once: if it was meant for someone else, cancel and pass the link on to them instead.',
    );
  });

  it('does not warn about a thermostat this phone has not joined yet', () => {
    appStore.getState().addThermostat({ ...LIVING, key: MEMBER_KEY, joined: false });
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={() => undefined} />);
    expect(dialog()).toHaveTextContent('This thermostat is already in the app; adding it again updates its key.');
    expect(within(dialog()).queryByRole('note')).toBeNull();
  });
});
