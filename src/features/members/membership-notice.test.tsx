import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { CommandsContext } from '@/lib/link/commands-context';
import { fakeCommands } from '@/lib/link/testing/fake-commands';
import { appStore } from '@/stores/app-store';
import { MembershipNotice } from './membership-notice';

const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const LIVING = { id: 'LivingLivingLivingLivi', key: KEY, name: 'Living room' };
const HALL = { id: 'HallHallHallHallHallHa', key: KEY, name: 'Hall' };

function renderNotice() {
  const commands = fakeCommands();
  const state = appStore.getState();
  state.addThermostat(HALL);
  state.addThermostat(LIVING);
  render(
    <CommandsContext value={commands}>
      <MembershipNotice />
    </CommandsContext>,
  );
  return commands;
}

const setMembership = (membership: Parameters<ReturnType<typeof appStore.getState>['setMembership']>[1], id = LIVING.id) =>
  act(() => appStore.getState().setMembership(id, membership));

describe('membership notice', () => {
  it('says that this phone was removed, and forgets the thermostat when asked', async () => {
    renderNotice();
    setMembership('removed');
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(
      'You were removed from Living roomA member of the household removed this phone: it can no longer control or read the thermostat. To come back, ask a member for a new invitation.',
    );
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Forget this thermostat' }));
    expect(appStore.getState().thermostats.map((t) => t.id)).toEqual([HALL.id]);
  });

  it('says that the invitation was not taken and why it may not have been', async () => {
    const commands = renderNotice();
    setMembership('invitation_refused');
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Living room did not take the invitationIt may have been used already, be more than 24 hours old or from before the thermostat restarted, or the thermostat may be offline.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(commands.retryNow).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole('button', { name: 'Forget this thermostat' }));
    expect(appStore.getState().thermostats.map((t) => t.id)).toEqual([HALL.id]);
  });

  it('says that the household is full, and tries again when asked', async () => {
    const commands = renderNotice();
    setMembership('full');
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Living room has no room for this phone8 members is the most a thermostat keeps: ask a member of the household to remove someone, then try again.',
    );
    expect(screen.queryByRole('button', { name: 'Forget this thermostat' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(commands.retryNow).toHaveBeenCalledTimes(1);
  });

  it('says that this phone is joining, then nothing once it is a member', () => {
    renderNotice();
    setMembership('joining');
    expect(screen.getByRole('status')).toHaveTextContent('Joining Living room…');
    setMembership('member');
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('speaks only of the thermostat on screen', () => {
    renderNotice();
    setMembership('removed', HALL.id);
    setMembership('old_link');
    expect(screen.queryByRole('alert')).toBeNull();
    act(() => appStore.getState().selectThermostat(HALL.id));
    expect(screen.getByRole('alert')).toHaveTextContent('You were removed from Hall');
  });
});
