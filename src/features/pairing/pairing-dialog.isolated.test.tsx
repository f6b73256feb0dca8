import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '@/stores/app-store';
import { persistOutcome } from '@/lib/persistent-storage';
import { PairingDialog } from './pairing-dialog';

/** The camera and photo decoding are tested beside the scanner; here a scan hands over whatever text the test says. */
const scanned = vi.hoisted(() => ({ text: '' }));
vi.mock('./pairing-dialog-scanner', () => ({
  QrScanSection: ({ onText }: { onText: (text: string) => void }) => (
    <button type="button" onClick={() => onText(scanned.text)}>
      Scan from a photo
    </button>
  ),
}));

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

  it('offers the name an opened link carries, and the person may change it', async () => {
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}&name=Living%20room`} onClose={() => undefined} />);
    const name = within(dialog()).getByRole('textbox', { name: 'Thermostat name' });
    expect(name).toHaveValue('Living room');
    await userEvent.clear(name);
    await userEvent.type(name, 'Downstairs');
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Add' }));
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING.id, key: INVITATION, name: 'Downstairs', joined: false }]);
  });

  it('keeps the name the app already gives a thermostat over the one a link carries', () => {
    appStore.getState().addThermostat({ ...LIVING, name: 'Hall', key: MEMBER_KEY, joined: false });
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}&name=Living%20room`} onClose={() => undefined} />);
    expect(within(dialog()).getByRole('textbox', { name: 'Thermostat name' })).toHaveValue('Hall');
  });

  it('offers the name of a pasted link, unless the person typed one', async () => {
    render(<PairingDialog onClose={() => undefined} />);
    const name = within(dialog()).getByRole('textbox', { name: 'Thermostat name' });
    const link = within(dialog()).getByRole('textbox', { name: 'Pairing link' });
    await userEvent.click(link);
    await userEvent.paste(`https://h.example/#pair=${LIVING.id}.${INVITATION}&name=Living%20room`);
    expect(name).toHaveValue('Living room');
    await userEvent.clear(name);
    await userEvent.type(name, 'Mine');
    await userEvent.clear(link);
    await userEvent.paste(`https://h.example/#pair=${LIVING.id}.${INVITATION}&name=Attic`);
    expect(name).toHaveValue('Mine');
  });

  it('pairs from a scanned code, with its name, and says at once when a scan is no pairing link', async () => {
    render(<PairingDialog onClose={() => undefined} />);
    scanned.text = 'https://example.com/menu';
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Scan from a photo' }));
    expect(within(dialog()).getByRole('alert')).toHaveTextContent('This link has no pairing code');
    scanned.text = `https://h.example/#pair=${LIVING.id}.${INVITATION}&name=Kitchen`;
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Scan from a photo' }));
    expect(within(dialog()).queryByRole('alert')).toBeNull();
    expect(within(dialog()).getByRole('textbox', { name: 'Thermostat name' })).toHaveValue('Kitchen');
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Add' }));
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING.id, key: INVITATION, name: 'Kitchen', joined: false }]);
  });

  it('says what the browser may have kept of an opened link, and on an iPhone tab which app it pairs', () => {
    const { unmount } = render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={() => undefined} iosTab={false} />);
    expect(dialog()).toHaveTextContent('your browser’s history may have kept the link');
    expect(within(dialog()).queryByRole('note')).toBeNull();
    unmount();
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={() => undefined} iosTab />);
    expect(within(dialog()).getByRole('note')).toHaveTextContent('adds it to Safari only. If you use the Hearth app, open it');
  });
});

describe('a name another thermostat has', () => {
  it('warns, without refusing, when the name is taken by another thermostat; its own name is no clash', async () => {
    appStore.getState().addThermostat({ id: 'AtticAtticAtticAtticAt', key: MEMBER_KEY, name: 'Attic' });
    appStore.getState().addThermostat({ ...LIVING, key: MEMBER_KEY });
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={() => undefined} />);
    const name = within(dialog()).getByRole('textbox', { name: 'Thermostat name' });
    expect(name).toHaveValue('Living room');
    expect(name).not.toHaveAccessibleDescription(/called/);
    await userEvent.clear(name);
    await userEvent.type(name, 'Attic');
    expect(name).toHaveAccessibleDescription('Another thermostat here is called Attic already: a different name tells them apart.');
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Add' }));
    expect(appStore.getState().thermostats.find((t) => t.id === LIVING.id)?.name).toBe('Attic');
  });
});

describe('keeping the keys', () => {
  const realStorage = Object.getOwnPropertyDescriptor(navigator, 'storage');
  afterEach(() => {
    if (realStorage === undefined) Reflect.deleteProperty(navigator, 'storage');
    else Object.defineProperty(navigator, 'storage', realStorage);
  });

  it('asks the browser once, after the first pairing, to keep the storage; Add does not wait for the answer', async () => {
    const persist = vi.fn(() => new Promise<boolean>(() => undefined));
    Object.defineProperty(navigator, 'storage', { value: { persist }, configurable: true });
    const onClose = vi.fn();
    render(<PairingDialog fromLink={`#pair=${LIVING.id}.${INVITATION}`} onClose={onClose} />);
    expect(persist).not.toHaveBeenCalled();
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Add' }));
    expect(persist).toHaveBeenCalledTimes(1);
    // The browser has not answered: the thermostat is added and the dialog closed all the same.
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(appStore.getState().thermostats).toHaveLength(1);
    expect(persistOutcome()).toBeNull();
  });
});
