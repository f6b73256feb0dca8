import { act, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '@/stores/app-store';
import { MembersList } from './members-list';

describe('MembersList', () => {
  // useNow rounds the time up to the next whole second: the STATE arrives on a whole second, so no time has passed.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T08:00:00.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says a report came through OwnTracks, with no distance, and one from the app with its distance', () => {
    render(
      <MembersList
        receivedAt={Date.now()}
        members={[
          { id: 'AnaAnaAnaAnaAnaAnaAnaA', name: 'Ana', home: false, distance: null, age_s: 600, source: 'owntracks' },
          { id: 'BenBenBenBenBenBenBenB', name: 'Ben', home: true, distance: 120, age_s: 42, source: 'app' },
        ]}
      />,
    );
    const [ana, ben] = within(screen.getByRole('list', { name: 'Members' })).getAllByRole('listitem');
    expect(ana).toHaveTextContent(/^Ana\s*Away\s*via OwnTracks · reported 10 min ago$/);
    expect(ana).not.toHaveTextContent('from home');
    expect(ben).toHaveTextContent(/^Ben\s*Home\s*120 m from home · reported 42 s ago$/);
    expect(ben).not.toHaveTextContent('OwnTracks');
  });

  it('marks this phone once its ID is known, which comes as the connection starts, after the list has shown', () => {
    const ana = { id: 'AnaAnaAnaAnaAnaAnaAnaA', name: 'Ana', home: true, distance: 120, age_s: 42, source: 'app' } as const;
    render(<MembersList receivedAt={Date.now()} members={[ana]} />);
    const item = within(screen.getByRole('list', { name: 'Members' })).getByRole('listitem');
    expect(item).not.toHaveTextContent('(you)');
    act(() => appStore.getState().setOwnId(ana.id));
    expect(item).toHaveTextContent(/^Ana \(you\)\s*Home/);
  });
});
