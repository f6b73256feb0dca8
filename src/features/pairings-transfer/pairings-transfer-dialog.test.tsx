import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '@/stores/app-store';
import { PairingsTransferDialog, readText } from './pairings-transfer-dialog';

const CHEAP = { N: 2 ** 14, r: 8, p: 1 };
const NOW = 1_800_000_000_000;
const LIVING = 'LivingLivingLivingLivi';
const HALL = 'HallHallHallHallHallHa';
const MEMBER_KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const INVITATION = 'iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiA';
const OTHER_KEY = 'jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjA';
const PASS = 'a long passphrase';

const dialog = () => screen.getByRole('dialog', { name: 'Move to a new phone' });
const opening = () => within(screen.getByRole('region', { name: 'Open a pairings file' }));
const user = userEvent.setup();
/** Tests that run scrypt more than once. */
const SLOW = 30_000;

let saved: Blob[] = [];
beforeEach(() => {
  saved = [];
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    saved.push(blob as Blob);
    return `blob:file-${saved.length}`;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

/** This phone: a member of the living room with an open invitation it made, and a member of the hall without one. */
function oldPhone() {
  appStore.getState().addThermostat({ id: HALL, key: OTHER_KEY, name: 'Hall', joined: true });
  appStore.getState().addThermostat({ id: LIVING, key: MEMBER_KEY, name: 'Living room', joined: true });
  appStore.getState().receiveMembers(
    LIVING,
    { type: 'MEMBERS', members: [], old_link: false, invitation: { secret: new Uint8Array(32), expires_s: 86_400 }, error: null } as never,
    NOW,
    `https://h.example/#pair=${LIVING}.${INVITATION}&name=Living%20room`,
  );
}

/** scrypt runs for real (at the cheapest cost a file may name), which takes jsdom a while. */
const SCRYPT_WAIT = { timeout: 15_000 };

async function exportFile(): Promise<File> {
  const { unmount } = render(<PairingsTransferDialog onClose={() => undefined} params={CHEAP} now={() => NOW} />);
  await user.type(within(dialog()).getByLabelText('Passphrase for the file'), PASS);
  await user.type(within(dialog()).getByLabelText('Passphrase again'), PASS);
  await user.click(within(dialog()).getByRole('button', { name: 'Make the file' }));
  expect(await within(dialog()).findByRole('link', { name: 'Save hearth-pairings.json' }, SCRYPT_WAIT)).toHaveAttribute('href', `blob:file-${saved.length}`);
  const text = await readText(saved.at(-1) as Blob);
  unmount();
  return new File([text], 'hearth-pairings.json', { type: 'application/json' });
}

async function openFile(file: File, passphrase: string) {
  render(<PairingsTransferDialog onClose={() => undefined} params={CHEAP} now={() => NOW} />);
  await user.upload(within(dialog()).getByLabelText('Pairings file'), file);
  await user.type(within(dialog()).getByLabelText('Passphrase of the file'), passphrase);
  await user.click(within(dialog()).getByRole('button', { name: 'Open file' }));
}

describe('moving to a new phone', () => {
  it('says what the file carries: the open invitation, never a member key, and only the name of the rest', async () => {
    oldPhone();
    render(<PairingsTransferDialog onClose={() => undefined} params={CHEAP} now={() => NOW} />);
    const list = within(dialog()).getByRole('list', { name: 'In the file' });
    expect(list).toHaveTextContent('Living room: the invitation this phone made: the new phone can join it once, until');
    expect(list).toHaveTextContent('Hall: needs an invitation: the file carries only its name');
    expect(dialog()).toHaveTextContent('Keys of this phone work only on this phone');
  });

  it('asks for the same passphrase twice, long enough', async () => {
    oldPhone();
    render(<PairingsTransferDialog onClose={() => undefined} params={CHEAP} now={() => NOW} />);
    await user.type(within(dialog()).getByLabelText('Passphrase for the file'), 'short');
    await user.click(within(dialog()).getByRole('button', { name: 'Make the file' }));
    expect(within(dialog()).getByRole('alert')).toHaveTextContent('at least 8 characters');
    await user.type(within(dialog()).getByLabelText('Passphrase for the file'), ' but longer');
    await user.type(within(dialog()).getByLabelText('Passphrase again'), 'something else');
    await user.click(within(dialog()).getByRole('button', { name: 'Make the file' }));
    expect(within(dialog()).getByRole('alert')).toHaveTextContent('The two passphrases differ');
    expect(saved).toHaveLength(0);
  });

  it('a new phone opens the file and adds the thermostat with the invitation, to join as a member of its own', async () => {
    oldPhone();
    const file = await exportFile();
    const text = await readText(file);
    expect(text).not.toContain(MEMBER_KEY);
    expect(text).not.toContain(INVITATION);

    // The new phone: nothing paired.
    appStore.setState(appStore.getInitialState(), true);
    await openFile(file, 'the wrong passphrase');
    expect(await within(dialog()).findByRole('alert', {}, SCRYPT_WAIT)).toHaveTextContent('Wrong passphrase or damaged file.');
    expect(appStore.getState().thermostats).toEqual([]);

    await user.clear(within(dialog()).getByLabelText('Passphrase of the file'));
    await user.type(within(dialog()).getByLabelText('Passphrase of the file'), PASS);
    await user.click(within(dialog()).getByRole('button', { name: 'Open file' }));
    expect(await within(dialog()).findByText('To add: Living room.', {}, SCRYPT_WAIT)).toBeInTheDocument();
    expect(dialog()).toHaveTextContent('The file carries no invitation that still works for Hall: ask someone in the household for one.');
    await user.click(within(dialog()).getByRole('button', { name: 'Add to this app' }));
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING, key: INVITATION, name: 'Living room', joined: false }]);
    expect(opening().getByRole('status')).toHaveTextContent('Added Living room.');
  }, SLOW);

  it('never loses what this app holds: an entry it has stays unless the person ticks it', async () => {
    oldPhone();
    const file = await exportFile();
    appStore.setState(appStore.getInitialState(), true);
    appStore.getState().addThermostat({ id: LIVING, key: OTHER_KEY, name: 'Lounge', joined: false });

    await openFile(file, PASS);
    const replace = await within(dialog()).findByRole('checkbox', { name: /Lounge is in this app already/ }, SCRYPT_WAIT);
    expect(replace).not.toBeChecked();
    await user.click(within(dialog()).getByRole('button', { name: 'Add to this app' }));
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING, key: OTHER_KEY, name: 'Lounge', joined: false }]);
    expect(opening().getByRole('status')).toHaveTextContent('Nothing was added');

    // The passphrase is cleared once used: the person types it again, and this time ticks the box.
    expect(within(dialog()).getByLabelText('Passphrase of the file')).toHaveValue('');
    await user.type(within(dialog()).getByLabelText('Passphrase of the file'), PASS);
    await user.click(within(dialog()).getByRole('button', { name: 'Open file' }));
    await user.click(await within(dialog()).findByRole('checkbox', { name: /Lounge is in this app already/ }, SCRYPT_WAIT));
    await user.click(within(dialog()).getByRole('button', { name: 'Add to this app' }));
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING, key: INVITATION, name: 'Living room', joined: false }]);
  }, SLOW);

  it('never offers to replace the key of a thermostat this phone has joined: it is a member already', async () => {
    oldPhone();
    const file = await exportFile();
    appStore.setState(appStore.getInitialState(), true);
    appStore.getState().addThermostat({ id: LIVING, key: OTHER_KEY, name: 'Lounge', joined: true });

    await openFile(file, PASS);
    expect(await within(dialog()).findByText(/This phone is a member of Lounge already/, {}, SCRYPT_WAIT)).toBeInTheDocument();
    expect(within(dialog()).queryByRole('checkbox')).toBeNull();
    expect(appStore.getState().thermostats).toEqual([{ id: LIVING, key: OTHER_KEY, name: 'Lounge', joined: true }]);
  }, SLOW);

  it('says when the file could not be made, and lets go of each file it made', async () => {
    oldPhone();
    const { unmount } = render(<PairingsTransferDialog onClose={() => undefined} params={{ N: 3, r: 8, p: 1 }} now={() => NOW} />);
    await user.type(within(dialog()).getByLabelText('Passphrase for the file'), PASS);
    await user.type(within(dialog()).getByLabelText('Passphrase again'), PASS);
    await user.click(within(dialog()).getByRole('button', { name: 'Make the file' }));
    expect(await within(dialog()).findByRole('alert')).toHaveTextContent('The file could not be made');
    expect(within(dialog()).getByRole('button', { name: 'Make the file' })).toBeEnabled();
    unmount();

    const made = await exportFile();
    expect(made.size).toBeGreaterThan(0);
    expect(URL.revokeObjectURL).toHaveBeenCalledWith(`blob:file-${saved.length}`);
  }, SLOW);

  it('refuses a file that is not one, by name', async () => {
    await openFile(new File(['{"hello":1}'], 'x.json', { type: 'application/json' }), PASS);
    expect(await within(dialog()).findByRole('alert', {}, SCRYPT_WAIT)).toHaveTextContent('This is not a Hearth pairings file.');
  });
});
