import { act, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOTICE_ROOM_VARIABLE, OFFLINE_READY_SHOWN_MS, UpdatePrompt } from './update-prompt';

/** What the service worker registration reports when the prompt first renders. */
const registration = vi.hoisted(() => ({ needRefresh: false, offlineReady: false, update: (_reload?: boolean) => Promise.resolve() }));

vi.mock('virtual:pwa-register/react', () => ({
  useRegisterSW: () => ({
    needRefresh: useState(registration.needRefresh),
    offlineReady: useState(registration.offlineReady),
    updateServiceWorker: (reload?: boolean) => registration.update(reload),
  }),
}));

const room = () => document.documentElement.style.getPropertyValue(NOTICE_ROOM_VARIABLE);

beforeEach(() => {
  vi.useFakeTimers();
  registration.needRefresh = false;
  registration.offlineReady = false;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('UpdatePrompt', () => {
  it('says what offline means (the last reading, no thermostat), keeps room for itself, and goes by itself', () => {
    registration.offlineReady = true;
    render(<UpdatePrompt />);
    const notice = screen.getByRole('status');
    expect(notice).toHaveTextContent(/Ready to work offline/);
    expect(notice).toHaveTextContent(/shows the last reading but cannot reach the thermostat/);
    expect(room()).toMatch(/^\d+px$/);

    act(() => vi.advanceTimersByTime(OFFLINE_READY_SHOWN_MS - 1));
    expect(screen.getByRole('status')).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(1));
    expect(screen.queryByRole('status')).toBeNull();
    expect(room()).toBe('');
  });

  it('can be put away at once', () => {
    registration.offlineReady = true;
    render(<UpdatePrompt />);
    fireEvent.click(screen.getByRole('button', { name: 'OK' }));
    expect(screen.queryByRole('status')).toBeNull();
    expect(room()).toBe('');
  });

  it('stays while the pointer is over it or focus is in it, and then goes after the time it had left', () => {
    registration.offlineReady = true;
    render(<UpdatePrompt />);
    const notice = screen.getByRole('status');
    act(() => vi.advanceTimersByTime(OFFLINE_READY_SHOWN_MS - 1000));
    fireEvent.pointerEnter(notice);
    act(() => vi.advanceTimersByTime(10 * OFFLINE_READY_SHOWN_MS));
    expect(screen.getByRole('status')).toBeInTheDocument();
    fireEvent.pointerLeave(notice);

    act(() => screen.getByRole('button', { name: 'OK' }).focus());
    act(() => vi.advanceTimersByTime(10 * OFFLINE_READY_SHOWN_MS));
    expect(screen.getByRole('status')).toBeInTheDocument();
    act(() => screen.getByRole('button', { name: 'OK' }).blur());

    act(() => vi.advanceTimersByTime(999));
    expect(screen.getByRole('status')).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(1));
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('put away from the keyboard, hands focus to the page’s main heading', () => {
    registration.offlineReady = true;
    render(
      <>
        <main>
          <h1>Living room</h1>
        </main>
        <UpdatePrompt />
      </>,
    );
    const ok = screen.getByRole('button', { name: 'OK' });
    act(() => ok.focus());
    fireEvent.click(ok);
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Living room' })).toHaveFocus();
  });

  it('keeps an available update until it is answered, and reloads only when asked', () => {
    registration.needRefresh = true;
    const update = vi.fn(() => Promise.resolve());
    registration.update = update;
    render(<UpdatePrompt />);
    act(() => vi.advanceTimersByTime(10 * OFFLINE_READY_SHOWN_MS));
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('A new version is available.');
    expect(room()).toMatch(/^\d+px$/);
    expect(update).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(update).toHaveBeenCalledWith(true);
    fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(room()).toBe('');
  });
});
