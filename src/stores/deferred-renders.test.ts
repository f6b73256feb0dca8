import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand';
import { deferredRenders } from './deferred-renders';

/** A store, its deferred renders on a task queue the test runs, and what a component subscribed through them was told. */
function setUp() {
  const store = createStore<{ n: number }>()(() => ({ n: 0 }));
  const tasks: (() => void)[] = [];
  const renders = deferredRenders(store, (run) => tasks.push(run));
  const told: [number, number][] = [];
  renders.subscribe((state, previous) => told.push([state.n, previous.n]));
  const runTasks = () => tasks.splice(0).forEach((run) => run());
  return { store, renders, told, tasks, runTasks };
}

describe('deferredRenders', () => {
  it('tells components of a change at once, as a tap needs', () => {
    const { store, told, tasks } = setUp();
    store.setState({ n: 1 });
    expect(told).toEqual([[1, 0]]);
    expect(tasks).toHaveLength(0);
  });

  it('tells them of the changes a frame made in the next task, once, while the store and its other subscribers have them at once', () => {
    const { store, renders, told, tasks, runTasks } = setUp();
    const seenOutsideReact: number[] = [];
    store.subscribe((state) => seenOutsideReact.push(state.n));
    renders.deferWhile(() => {
      store.setState({ n: 1 });
      store.setState({ n: 2 });
    });
    expect(store.getState().n).toBe(2);
    expect(seenOutsideReact).toEqual([1, 2]);
    expect(told).toEqual([]);
    expect(tasks).toHaveLength(1);
    runTasks();
    expect(told).toEqual([[2, 0]]);
  });

  it('tells the waiting changes with a change made at once, and its task then tells nothing more', () => {
    const { store, renders, told, runTasks } = setUp();
    renders.deferWhile(() => store.setState({ n: 1 }));
    store.setState({ n: 2 });
    expect(told).toEqual([[2, 0]]);
    runTasks();
    expect(told).toEqual([[2, 0]]);
  });

  it('stops deferring when the work throws, and stops telling a component that unsubscribed', () => {
    const { store, renders, told, runTasks } = setUp();
    expect(() =>
      renders.deferWhile(() => {
        store.setState({ n: 1 });
        throw new Error('bad frame');
      }),
    ).toThrow('bad frame');
    store.setState({ n: 2 });
    expect(told).toEqual([[2, 0]]);
    const later: number[] = [];
    const unsubscribe = renders.subscribe((state) => later.push(state.n));
    unsubscribe();
    store.setState({ n: 3 });
    runTasks();
    expect(later).toEqual([]);
  });
});
