/** Where the kernel gets time from; tests inject their own. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` (at once for 0 or less), or rejects with the signal's reason when it
   * aborts first.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: `Date.now()` and timers.
 *
 * @example Sleeping
 * ```ts
 * import { systemClock } from "@baton/baton";
 *
 * await systemClock.sleep(1);
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    // No wait asked for, no timer: a zero-delay timer still waits a millisecond or more.
    if (!(ms > 0)) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/** A clock that moves only when told to: for testing timeouts, retries and deadlines. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order and letting the code they wake run. */
  advance(ms: number): Promise<void>;
  /** Timers waiting to fire. */
  readonly pending: number;
}

/**
 * A clock for tests: time starts at `start` and moves only on `advance()`, so timeouts,
 * retry back-off and deadlines are tested without sleeping.
 *
 * @param start The first `now()`, in milliseconds. @default {0}
 * @returns The clock.
 *
 * @example A sleep that ends when time is advanced
 * ```ts
 * import { manualClock } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const clock = manualClock();
 * let woke = false;
 * void clock.sleep(1000).then(() => (woke = true));
 * await clock.advance(999);
 * assert.equal(woke, false);
 * await clock.advance(1);
 * assert.equal(woke, true);
 * ```
 */
export function manualClock(start = 0): ManualClock {
  let now = start;
  let next = 0;
  const timers = new Map<number, { at: number; fire: () => void }>();
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  return {
    now: () => now,
    get pending() {
      return timers.size;
    },
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (!(ms > 0)) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const id = next++;
        const onAbort = () => {
          timers.delete(id);
          reject(signal!.reason);
        };
        timers.set(id, {
          at: now + ms,
          fire: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        });
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    async advance(ms: number): Promise<void> {
      const end = now + ms;
      await settle();
      for (;;) {
        let due: [number, { at: number; fire: () => void }] | undefined;
        for (const entry of timers) {
          if (entry[1].at <= end && (due === undefined || entry[1].at < due[1].at)) due = entry;
        }
        if (due === undefined) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fire();
        await settle();
      }
      now = end;
    },
  };
}
