import { afterEach, describe, expect, it, vi } from 'vitest';
import { followLaunches, launchQueueOf, type LaunchParams, type LaunchQueue } from './launch-queue';

/** A queue that hands on what the test launches, as the browser does once the consumer is set. */
function testQueue(): LaunchQueue & { launch(params: LaunchParams): void } {
  let consumer: ((params: LaunchParams) => void) | null = null;
  return {
    setConsumer: (next) => {
      consumer = next;
    },
    launch: (params) => consumer?.(params),
  };
}

const here = (hash = '') => `${location.origin}/${hash}`;

afterEach(() => history.replaceState(null, '', '/'));

describe('followLaunches', () => {
  it('hands the fragment of a launch into the open window as a hashchange, without a new history entry', () => {
    const queue = testQueue();
    const heard = vi.fn((_event: Event) => location.hash);
    window.addEventListener('hashchange', heard);
    const entries = history.length;
    followLaunches(queue, here());
    queue.launch({ targetURL: here() });
    queue.launch({ targetURL: here('#add') });
    window.removeEventListener('hashchange', heard);
    expect(heard).toHaveBeenCalledTimes(1);
    expect(heard.mock.results[0]?.value).toBe('#add');
    expect(history.length).toBe(entries);
  });

  it('skips once the launch that opened the window, whose fragment the app took as it started', () => {
    const queue = testQueue();
    const heard = vi.fn();
    window.addEventListener('hashchange', heard);
    followLaunches(queue, here('#rooms'));
    queue.launch({ targetURL: here('#rooms') });
    expect(heard).not.toHaveBeenCalled();
    queue.launch({ targetURL: here('#rooms') });
    window.removeEventListener('hashchange', heard);
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('takes nothing from another origin, a launch with no fragment or no address', () => {
    const queue = testQueue();
    const heard = vi.fn();
    window.addEventListener('hashchange', heard);
    followLaunches(queue, here());
    queue.launch({ targetURL: here() });
    for (const params of [{ targetURL: 'https://elsewhere.example/#add' }, { targetURL: here() }, {}, { targetURL: 'not a url' }]) queue.launch(params);
    window.removeEventListener('hashchange', heard);
    expect(heard).not.toHaveBeenCalled();
    expect(location.hash).toBe('');
  });

  it('finds no queue where the browser has none', () => {
    expect(launchQueueOf(window)).toBeUndefined();
  });
});
