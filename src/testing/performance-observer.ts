/**
 * A stand-in for the browser's PerformanceObserver that the test drives: each made observer is kept in `made`, records
 * what it was asked to observe, and hands `deliver`'s list to its callback until it is disconnected. A class per call,
 * so each test file's `made` and `supportedEntryTypes` are its own.
 */
export function fakePerformanceObserver<List>(supportedEntryTypes: string[]) {
  return class FakePerformanceObserver {
    static supportedEntryTypes = supportedEntryTypes;
    static made: FakePerformanceObserver[] = [];
    observed: unknown[] = [];
    disconnected = false;
    constructor(private readonly callback: (list: List) => void) {
      FakePerformanceObserver.made.push(this);
    }
    observe(options: unknown) {
      this.observed.push(options);
    }
    disconnect() {
      this.disconnected = true;
    }
    deliver(list: List) {
      if (!this.disconnected) this.callback(list);
    }
  };
}

/** Whether the promise has settled once everything already queued has run. */
export async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}
