// A run's claim on itself in a shared store: taken first, renewed while it runs, given up at the end.
import type { Clock } from "./clock.ts";
import { BatonError } from "./errors.ts";
import type { HistoryStore, RunLease } from "./store.ts";

/** Claims (or renews) a run's lease for `lease.owner` for a term from now; the lease in force. */
export function claimRun(
  store: HistoryStore,
  clock: Clock,
  runId: string,
  lease: { readonly owner: string; readonly ms: number },
): Promise<RunLease> {
  const now = clock.now();
  return store.claim!(runId, { owner: lease.owner, until: now + lease.ms }, now);
}

/** What holding a run's lease needs. */
export interface LeaseHolding {
  readonly runId: string;
  readonly store: HistoryStore;
  readonly clock: Clock;
  /** The orchestrator's owner id and the term of its claims. */
  readonly lease: { readonly owner: string; readonly ms: number };
  /** Claimed already (a resumed run is claimed before its state is read). */
  readonly claimed: boolean;
  /** Stops the run: its lease was lost, or could not be renewed. */
  lost(reason: string): void;
}

/**
 * Does `work` while holding the run's lease: claimed first (unless it is already), renewed every
 * third of its term,
 * given up when the work ends. When another orchestrator took the lease over (this one stalled
 * past its term) or the store cannot renew it, the run is stopped; the store then refuses its
 * further writes, so the new holder's log stays whole.
 *
 * @throws {BatonError} When another orchestrator holds the lease at the start.
 */
export async function holdingLease<T>(o: LeaseHolding, work: () => Promise<T>): Promise<T> {
  const { store, clock, runId, lease } = o;
  const renew = () => claimRun(store, clock, runId, lease);
  if (!o.claimed && (await renew()).owner !== lease.owner) {
    throw new BatonError(`Run "${runId}" is being run by another orchestrator`);
  }
  const stop = new AbortController();
  const keep = async () => {
    while (!stop.signal.aborted) {
      await clock.sleep(lease.ms / 3, stop.signal);
      let held: RunLease;
      try {
        held = await renew();
      } catch (error) {
        return o.lost(`The history store failed: ${(error as Error).message}`);
      }
      if (held.owner !== lease.owner) {
        return o.lost("Another orchestrator took the run over after its lease lapsed");
      }
    }
  };
  keep().catch(() => {});
  try {
    return await work();
  } finally {
    stop.abort();
    await store.release!(runId, lease.owner).catch(() => {});
  }
}
