import { describe, expect, it } from 'vitest';
import { InFlightTracker } from '../../bench/responder-latency';

describe('InFlightTracker (responder-latency bench)', () => {
  it('counts a round trip only when a call starts while none is in flight', async () => {
    const tracker = new InFlightTracker();
    tracker.reset();
    const call = (name: string) => tracker.track(name, 5, () => Promise.resolve(name));
    // Two sequential calls, then three together, then one that starts while another is still in flight.
    await call('a');
    await call('b');
    expect(await Promise.all([call('c'), call('d'), call('e')])).toEqual(['c', 'd', 'e']);
    const first = tracker.track('f', 20, () => Promise.resolve('f'));
    await new Promise((resolve) => setTimeout(resolve, 2));
    await Promise.all([first, call('g')]);
    expect(tracker.roundTrips).toBe(4);
    expect(tracker.calls.map((c) => [c.name, c.roundTrip])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 3],
      ['e', 3],
      ['f', 4],
      ['g', 4],
    ]);
    // Busy time covers each round trip once, not each call: at least 5 + 5 + 5 + 20 ms.
    expect(tracker.busyMs).toBeGreaterThanOrEqual(34);
    tracker.reset();
    expect([tracker.roundTrips, tracker.calls.length, tracker.busyMs]).toEqual([0, 0, 0]);
  });

  it('ends the call even when it fails, so the next call opens a new round trip', async () => {
    const tracker = new InFlightTracker();
    tracker.reset();
    await expect(tracker.track('x', 1, () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    await tracker.track('y', 1, () => Promise.resolve(null));
    expect(tracker.roundTrips).toBe(2);
  });
});
