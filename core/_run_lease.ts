// How a run starts and keeps the right to write its history: its claim on itself in a shared store
// (taken first, renewed while it runs, given up at the end), and a named run's check that its id is new.
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
  /**
   * Claimed already (a resumed run is claimed before its state is read), or claimed by the run's
   * first batch of events (a new run under a fresh id).
   */
  readonly claimed: boolean;
  /** Whether the run's last batch of events gave the lease up already. */
  readonly released: () => boolean;
  /** Stops the run: its lease was lost, or could not be renewed. */
  lost(reason: string): void;
}

/**
 * Does `work` while holding the run's lease: claimed first (unless it is already, or the first
 * batch claims it), renewed every third of its term, given up when the work ends (unless the
 * last batch did). When another orchestrator took the lease over (this one stalled
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
      if (stop.signal.aborted || o.released()) return;
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
    if (!o.released()) await store.release!(runId, lease.owner).catch(() => {});
  }
}

/** How a run starts: what `startRun` needs. Holding a lease is as in {@linkcode LeaseHolding}. */
export interface RunStart extends Omit<LeaseHolding, "lease"> {
  /** The orchestrator's claim on its runs, when the store keeps leases. */
  readonly lease?: LeaseHolding["lease"];
  /** The caller named a new run: it is refused when the history holds that id already. */
  readonly named: boolean;
}

/**
 * Runs `main` once the run may write its history: it holds its lease (when the store keeps
 * them), and a named new run is not in the history already. `done` settles with `main`, or with
 * the reason the run may not start; `begun` settles as soon as that is known, so that a reader of
 * the run's events reads no other run's log.
 */
export function startRun<T>(
  o: RunStart,
  main: () => Promise<T>,
): { done: Promise<T>; begun: Promise<void> } {
  let began!: () => void;
  const mayWrite = new Promise<void>((resolve) => (began = resolve));
  const work = async () => {
    if (o.named) await refuseRecorded(o.store, o.runId);
    began();
    return await main();
  };
  const done = o.lease ? holdingLease({ ...o, lease: o.lease }, work) : work();
  const begun = Promise.race([mayWrite, done.then(() => {})]);
  begun.catch(() => {});
  return { done, begun };
}

/** A new run under a name the history holds already would write into another run's log. */
async function refuseRecorded(store: HistoryStore, runId: string): Promise<void> {
  const [first] = await store.read(runId, { limit: 1 });
  if (first !== undefined) {
    throw new BatonError(
      `Run "${runId}" is in the history already: resume() continues it, a new run needs another id`,
    );
  }
}
