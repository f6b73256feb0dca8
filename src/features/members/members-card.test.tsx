import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encode } from 'uqr';
import { CommandsContext } from '@/lib/link/commands-context';
import { fakeCommands } from '@/lib/link/testing/fake-commands';
import { appStore } from '@/stores/app-store';
import type { selectMembership } from '@/stores/selectors';
import { INVITATION_REFRESH_MS, MembersCard } from './members-card';
import { expiryWords, type MembersView } from './members-words';

const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';
const LIVING = { id: 'LivingLivingLivingLivi', key: KEY, name: 'Living room' };
const HALL = { id: 'HallHallHallHallHallHa', key: KEY, name: 'Hall' };
const ANA = 'AnaAnaAnaAnaAnaAnaAnaA';
const BEN = 'BenBenBenBenBenBenBenB';
const CLEO = 'CleoCleoCleoCleoCleoCl';
const NOW = new Date('2026-12-02T09:00:00Z').getTime();
const LINK = `https://hearth.example/#pair=${LIVING.id}.${'i'.repeat(43)}`;

function view(changes: Partial<MembersView> = {}): MembersView {
  return {
    members: [
      { id: ANA, name: "Ana's phone", heard_s: 2 },
      { id: BEN, name: "Ben's phone", heard_s: 600 },
      { id: CLEO, name: "Cleo's phone", heard_s: null },
    ],
    oldLink: false,
    invitation: null,
    pending: false,
    error: null,
    heardAt: NOW,
    ...changes,
  };
}

function showMembers(changes: Partial<MembersView> = {}, thermostatId = LIVING.id) {
  act(() => appStore.setState((s) => ({ membersOf: { ...s.membersOf, [thermostatId]: view(changes) } })));
}

function setMembership(membership: ReturnType<typeof selectMembership>) {
  act(() => appStore.getState().setMembership(LIVING.id, membership));
}

function renderCard({ membership = 'member' }: { membership?: ReturnType<typeof selectMembership> } = {}) {
  const commands = fakeCommands();
  const state = appStore.getState();
  state.addThermostat(LIVING);
  state.setOwnId(ANA);
  state.setMembership(LIVING.id, membership);
  render(
    <CommandsContext value={commands}>
      <MembersCard />
    </CommandsContext>,
  );
  return commands;
}

const card = () => screen.getByRole('region', { name: 'Household' });
const rows = () => within(within(card()).getByRole('list', { name: 'Household' })).getAllByRole('listitem');
const removeDialog = (name: string) => screen.getByRole('dialog', { name: `Remove ${name}?` });

describe('members card', () => {
  let user: ReturnType<typeof userEvent.setup>;
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks the thermostat for its members when shown, and again for another thermostat', () => {
    const commands = renderCard();
    expect(commands.requestMembers).toHaveBeenCalledTimes(1);
    expect(within(card()).getByRole('status')).toHaveTextContent('Asking the thermostat who is in the household…');
    act(() => {
      appStore.getState().addThermostat(HALL);
      appStore.getState().setMembership(HALL.id, 'member');
    });
    expect(commands.requestMembers).toHaveBeenCalledTimes(2);
  });

  it('asks only once this phone is known as a member: only members may (docs/protocol.md "Members")', () => {
    const commands = renderCard({ membership: null });
    expect(within(card()).getByRole('status')).toHaveTextContent('The household shows once this phone is connected to the thermostat.');
    expect(commands.requestMembers).not.toHaveBeenCalled();
    setMembership('member');
    expect(commands.requestMembers).toHaveBeenCalledTimes(1);
    expect(within(card()).getByRole('status')).toHaveTextContent('Asking the thermostat who is in the household…');
  });

  it('says that a phone still on the old link cannot see or change the household, and asks nothing', () => {
    const commands = renderCard({ membership: 'old_link' });
    showMembers();
    expect(card()).toHaveTextContent('This phone still uses the old pairing link: only a phone with a key of its own can see who is in the household');
    // A phone whose JOIN was answered `full` stays on the old link, working as before ("The old shared key").
    expect(card()).toHaveTextContent('The app moves it over when it next connects, if the household has room (8 members at most)');
    expect(within(card()).queryByRole('list')).toBeNull();
    expect(within(card()).queryByRole('button')).toBeNull();
    expect(commands.requestMembers).not.toHaveBeenCalled();
  });

  it('says so while nothing is heard yet, and when the thermostat has no members yet', () => {
    renderCard();
    showMembers({ members: [], heardAt: 0, pending: true });
    expect(within(card()).getByRole('status')).toHaveTextContent('Asking the thermostat who is in the household…');
    expect(within(card()).queryByRole('list')).toBeNull();
    showMembers({ members: [], oldLink: true });
    expect(card()).toHaveTextContent('No members yet: phones on the old link show here once they move over to a key of their own.');
    expect(within(card()).queryByRole('list')).toBeNull();
  });

  it('lists the members by name, this phone marked, with when each was last heard, ageing as time passes', () => {
    renderCard();
    showMembers();
    expect(rows().map((row) => row.textContent)).toEqual([
      "Ana's phone (this phone)Remove Ana's phoneLast heard just now",
      "Ben's phoneRemove Ben's phoneLast heard 10 min ago",
      "Cleo's phoneRemove Cleo's phoneNot heard from since the thermostat last started",
    ]);
    expect(within(card()).getByRole('status')).toHaveTextContent(/^$/);

    act(() => vi.advanceTimersByTime(5 * 60_000));
    expect(rows()[0]).toHaveTextContent('Last heard 5 min ago');
    expect(rows()[1]).toHaveTextContent('Last heard 15 min ago');
    expect(rows()[2]).toHaveTextContent('Not heard from since the thermostat last started');
  });

  it('removes a member only once the person confirms, with the member ID', async () => {
    const commands = renderCard();
    showMembers();
    const remove = within(card()).getByRole('button', { name: "Remove Ben's phone" });

    await user.click(remove);
    expect(removeDialog("Ben's phone")).toHaveTextContent(
      "Ben's phone will no longer be able to control or read Living room. The thermostat refuses its key from the moment it is removed; everyone else stays in.",
    );
    expect(removeDialog("Ben's phone")).not.toHaveTextContent('old shared link');
    await user.click(within(removeDialog("Ben's phone")).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(commands.removeMember).not.toHaveBeenCalled();
    expect(remove).toHaveFocus();

    await user.click(remove);
    await user.click(within(removeDialog("Ben's phone")).getByRole('button', { name: 'Remove' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(commands.removeMember).toHaveBeenCalledExactlyOnceWith(BEN);

    // The answer no longer lists Ben: the focus goes to the card rather than to nowhere.
    showMembers({ members: view().members.filter((member) => member.id !== BEN) });
    expect(within(card()).queryByRole('button', { name: "Remove Ben's phone" })).toBeNull();
    expect(within(card()).getByRole('heading', { name: 'Household' })).toHaveFocus();
  });

  it('works from the keyboard alone', async () => {
    const commands = renderCard();
    showMembers();
    within(card()).getByRole('button', { name: "Remove Cleo's phone" }).focus();
    await user.keyboard('{Enter}');
    // (Escape is the browser's: <dialog> cancels, which closes it like Cancel; jsdom has no such key handling.)
    within(removeDialog("Cleo's phone")).getByRole('button', { name: 'Cancel' }).focus();
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(within(card()).getByRole('button', { name: "Remove Cleo's phone" })).toHaveFocus();
    await user.keyboard(' ');
    within(removeDialog("Cleo's phone")).getByRole('button', { name: 'Remove' }).focus();
    await user.keyboard('{Enter}');
    expect(commands.removeMember).toHaveBeenCalledExactlyOnceWith(CLEO);
  });

  it('says that removing this phone shuts this phone out, and that removing anyone closes the old link while open', async () => {
    renderCard();
    showMembers({ oldLink: true });
    await user.click(within(card()).getByRole('button', { name: "Remove Ana's phone" }));
    expect(removeDialog("Ana's phone")).toHaveTextContent(
      "Ana's phone is this phone: it will no longer be able to control or read Living room. The thermostat refuses its key from the moment it is removed; everyone else stays in. Only a new invitation from another member lets this phone back in.",
    );
    expect(removeDialog("Ana's phone")).toHaveTextContent(
      'This also closes the old shared link for good: phones not yet moved over to a key of their own will need an invitation too.',
    );
  });

  it('asks for an invitation and shows it as a link to copy, share or scan, good once for 24 hours', async () => {
    const commands = renderCard();
    showMembers();
    await user.click(within(card()).getByRole('button', { name: 'Invite someone' }));
    expect(commands.inviteMember).toHaveBeenCalledTimes(1);
    showMembers({ pending: true });
    expect(within(card()).getByRole('status')).toHaveTextContent('Asking the thermostat…');

    const expiresAt = NOW + 86_400_000;
    showMembers({ invitation: { link: LINK, expiresAt } });
    const invitation = within(card()).getByRole('region', { name: 'Invitation' });
    expect(within(invitation).getByRole('heading', { name: 'Invitation' })).toHaveFocus();
    expect(invitation).toHaveTextContent(
      `This link works once, for 24 hours (until ${expiryWords(expiresAt)}), and not after Living room restarts. Whoever opens it joins the household and can control Living room`,
    );
    expect(within(invitation).getByText(LINK)).toBeInTheDocument();
    expect(within(card()).queryByRole('button', { name: 'Invite someone' })).toBeNull();
    // jsdom has no navigator.share: only copying is offered.
    expect(within(invitation).queryByRole('button', { name: 'Share link' })).toBeNull();

    await user.click(within(invitation).getByRole('button', { name: 'Copy link' }));
    expect(await navigator.clipboard.readText()).toBe(LINK);
    expect(within(invitation).getByRole('status')).toHaveTextContent('Link copied.');

    expect(within(invitation).queryByRole('img', { name: 'QR code of the invitation to Living room' })).toBeNull();
    await user.click(within(invitation).getByRole('button', { name: 'Show QR code' }));
    const qr = within(invitation).getByRole('img', { name: 'QR code of the invitation to Living room' });
    // Which thermostat, and how to scan it without the link entering the other phone's browser history.
    expect(invitation).toHaveTextContent('To join Living room');
    expect(invitation).toHaveTextContent('On the other phone, open Hearth, choose Add thermostat, then Scan a QR code.');
    const modules = encode(LINK, { ecc: 'L', border: 4 });
    expect(qr.getAttribute('viewBox')).toBe(`0 0 ${modules.size} ${modules.size}`);
    expect(qr.querySelector('path')?.getAttribute('d')?.match(/M/g)).toHaveLength(modules.data.flat().filter(Boolean).length);

    await user.click(within(invitation).getByRole('button', { name: 'Done' }));
    expect(within(card()).queryByRole('region', { name: 'Invitation' })).toBeNull();
    expect(within(card()).getByRole('heading', { name: 'Household' })).toHaveFocus();

    // Another invitation: the one passed on already never shows again, only the new one once it comes.
    await user.click(within(card()).getByRole('button', { name: 'Invite someone' }));
    expect(commands.inviteMember).toHaveBeenCalledTimes(2);
    expect(within(card()).queryByRole('region', { name: 'Invitation' })).toBeNull();
    const next = `https://hearth.example/#pair=${LIVING.id}.${'j'.repeat(43)}`;
    showMembers({ invitation: { link: next, expiresAt } });
    expect(within(card()).getByRole('region', { name: 'Invitation' })).toHaveTextContent(next);
    expect(within(card()).getByRole('region', { name: 'Invitation' })).not.toHaveTextContent('Link copied.');
  });

  it('asks again every 10 s while its invitation waits, never while a request is out, and puts it away once someone joins', async () => {
    const commands = renderCard();
    const [ana, ben, cleo] = view().members;
    if (ana === undefined || ben === undefined || cleo === undefined) throw new Error('three members');
    showMembers({ members: [ana, cleo] });
    act(() => vi.advanceTimersByTime(INVITATION_REFRESH_MS));
    expect(commands.requestMembers).toHaveBeenCalledTimes(1);
    await user.click(within(card()).getByRole('button', { name: 'Invite someone' }));
    showMembers({ members: [ana, cleo], invitation: { link: LINK, expiresAt: NOW + 86_400_000 } });

    act(() => vi.advanceTimersByTime(INVITATION_REFRESH_MS));
    expect(commands.requestMembers).toHaveBeenCalledTimes(2);
    // Still unanswered 10 s on: a second MEMBERS_set would only double the first.
    showMembers({ members: [ana, cleo], invitation: { link: LINK, expiresAt: NOW + 86_400_000 }, pending: true });
    act(() => vi.advanceTimersByTime(INVITATION_REFRESH_MS));
    expect(commands.requestMembers).toHaveBeenCalledTimes(2);
    expect(within(card()).getByRole('region', { name: 'Invitation' })).toBeInTheDocument();

    showMembers({ invitation: { link: LINK, expiresAt: NOW + 86_400_000 } });
    expect(within(card()).queryByRole('region', { name: 'Invitation' })).toBeNull();
    expect(within(card()).getByRole('status')).toHaveTextContent("Ben's phone joined.");
    expect(rows().map((row) => row.textContent)).toContain("Ben's phoneRemove Ben's phoneLast heard 10 min ago");
    act(() => vi.advanceTimersByTime(3 * INVITATION_REFRESH_MS));
    expect(commands.requestMembers).toHaveBeenCalledTimes(2);
  });

  it('stops asking again once the invitation is put away with Done', async () => {
    const commands = renderCard();
    await user.click(within(card()).getByRole('button', { name: 'Invite someone' }));
    showMembers({ invitation: { link: LINK, expiresAt: NOW + 86_400_000 } });
    await user.click(within(card()).getByRole('button', { name: 'Done' }));
    expect(within(card()).queryByRole('region', { name: 'Invitation' })).toBeNull();
    act(() => vi.advanceTimersByTime(3 * INVITATION_REFRESH_MS));
    expect(commands.requestMembers).toHaveBeenCalledTimes(1);
  });

  it('asks again when the page becomes visible again, unless a request is still out', () => {
    const visibility = vi.spyOn(document, 'visibilityState', 'get');
    try {
      const commands = renderCard();
      showMembers();
      visibility.mockReturnValue('hidden');
      act(() => document.dispatchEvent(new Event('visibilitychange')));
      expect(commands.requestMembers).toHaveBeenCalledTimes(1);
      visibility.mockReturnValue('visible');
      act(() => document.dispatchEvent(new Event('visibilitychange')));
      expect(commands.requestMembers).toHaveBeenCalledTimes(2);
      showMembers({ pending: true });
      act(() => document.dispatchEvent(new Event('visibilitychange')));
      expect(commands.requestMembers).toHaveBeenCalledTimes(2);
    } finally {
      visibility.mockRestore();
    }
  });

  it('shares the invitation through the system share sheet where there is one', async () => {
    const share = vi.fn<(data: ShareData) => Promise<void>>().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', Object.assign(Object.create(navigator) as Navigator, { share }));
    try {
      renderCard();
      showMembers({ invitation: { link: LINK, expiresAt: NOW + 86_400_000 } });
      await user.click(within(card()).getByRole('button', { name: 'Share link' }));
      expect(share).toHaveBeenCalledExactlyOnceWith({ title: 'Hearth: Living room', text: 'An invitation to Living room', url: LINK });
      expect(await within(card()).findByText('Link shared.')).toHaveAttribute('role', 'status');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('no longer offers an invitation once it has expired', () => {
    renderCard();
    showMembers({ invitation: { link: LINK, expiresAt: NOW + 10_000 } });
    expect(within(card()).getByRole('region', { name: 'Invitation' })).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(11_000));
    expect(within(card()).queryByRole('region', { name: 'Invitation' })).toBeNull();
    expect(within(card()).getByRole('button', { name: 'Invite someone' })).toBeInTheDocument();
  });

  it.each([
    ['full', '8 members is the most a thermostat keeps: remove someone first.'],
    ['no_answer', 'The thermostat did not answer: it may be offline.'],
    ['old_link', 'This phone still uses the old pairing link, and the thermostat takes changes to the household only from a phone with a key of its own'],
    ['storage', 'The change is in force, but the thermostat could not store it; it keeps trying every 30 seconds.'],
    ['unknown_member', 'That member was not on the thermostat any more: someone may have removed them already.'],
    ['bad_message', 'The thermostat refused the request (“bad_message”)'],
  ] as const)('says what the error %s means', (error, words) => {
    renderCard();
    showMembers();
    expect(within(card()).queryByRole('alert')).toBeNull();
    showMembers({ error });
    expect(within(card()).getByRole('alert')).toHaveTextContent(words);
  });

  it('explains the old link while it is open, and closes it once the person confirms', async () => {
    const commands = renderCard();
    showMembers();
    expect(within(card()).queryByRole('button', { name: 'Close the old link' })).toBeNull();

    showMembers({ oldLink: true });
    expect(card()).toHaveTextContent('The old pairing link is still open.');
    await user.click(within(card()).getByRole('button', { name: 'Close the old link' }));
    const dialog = screen.getByRole('dialog', { name: 'Close the old link?' });
    expect(dialog).toHaveTextContent('Phones that have not yet moved over to a key of their own will need an invitation');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(commands.closeOldLink).not.toHaveBeenCalled();

    await user.click(within(card()).getByRole('button', { name: 'Close the old link' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Close the old link?' })).getByRole('button', { name: 'Close the old link' }));
    expect(commands.closeOldLink).toHaveBeenCalledTimes(1);
    showMembers({ oldLink: false });
    expect(card()).not.toHaveTextContent('The old pairing link');
    expect(within(card()).getByRole('heading', { name: 'Household' })).toHaveFocus();
  });

  it.each(['removed', 'invitation_refused', 'full', 'joining'] as const)('is not shown while this phone is %s (the notice says why)', (membership) => {
    const commands = renderCard();
    showMembers();
    setMembership(membership);
    expect(screen.queryByRole('region', { name: 'Household' })).toBeNull();
    // Back in: the list is asked for again, since it may have changed meanwhile.
    setMembership('member');
    expect(card()).toBeInTheDocument();
    expect(commands.requestMembers).toHaveBeenCalledTimes(2);
  });
});
