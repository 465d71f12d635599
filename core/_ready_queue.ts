// The ready steps of a run, kept in the order its scheduler takes them, so that a scheduling
// round looks at the steps it may start instead of every step that is waiting.
import type { Plan, Step } from "./plan.ts";
import type { SchedulerQueue } from "./scheduler.ts";

/** What the queue needs of a step's record. */
export interface Queued {
  readonly step: Step;
  readonly state: string;
  /** The record's entry while it is queued (an entry it no longer points to is stale). */
  entry?: object | undefined;
}

interface Entry<R> {
  readonly record: R;
  readonly rank: number;
  /** The step's index in the plan: ties of rank go to the earlier step. */
  readonly index: number;
}

/**
 * Ready records in the order they became ready or, given a rank, lowest rank first (ties in plan
 * order). A record is pushed when it becomes ready; when it leaves the ready state the queue is
 * told (`left`), and its entry is dropped when next met. Taking the first `k` costs
 * `O(k log n)` with a rank and `O(k)` amortized without one.
 */
export class ReadyQueue<R extends Queued> implements ReadyLine<R> {
  readonly #rank: ((step: Step, plan: Plan) => number) | undefined;
  readonly #plan: Plan;
  readonly #index: ReadonlyMap<string, number>;
  /** Without a rank: a list read from `#head` on. With one: a binary heap. */
  #items: Entry<R>[] = [];
  #head = 0;
  #size = 0;

  constructor(
    plan: Plan,
    index: ReadonlyMap<string, number>,
    rank?: (step: Step, plan: Plan) => number,
  ) {
    this.#plan = plan;
    this.#index = index;
    this.#rank = rank;
  }

  /** How many records are ready. */
  get size(): number {
    return this.#size;
  }

  /** Queues a record that became ready. */
  push(record: R): void {
    const step = record.step;
    const rank = this.#rank === undefined ? 0 : this.#rank(step, this.#plan);
    const entry: Entry<R> = { record, rank, index: this.#index.get(step.id) ?? 0 };
    record.entry = entry;
    this.#size++;
    this.#items.push(entry);
    if (this.#rank !== undefined) this.#up(this.#items.length - 1);
  }

  /** A queued record left the ready state. */
  left(record: R): void {
    if (record.entry === undefined) return;
    record.entry = undefined;
    this.#size--;
  }

  /** The first `k` ready records (all of them for `Infinity`), which stay queued. */
  first(k: number): R[] {
    // Stale entries left deep in the heap are cleared once they outnumber the live ones.
    if (this.#rank !== undefined && this.#items.length > 2 * this.#size + 64) this.#sorted();
    if (k >= this.#size) return this.#rank === undefined ? this.#live() : this.#sorted();
    return this.#rank === undefined ? this.#fifo(k) : this.#top(k);
  }

  #valid(entry: Entry<R>): boolean {
    return entry.record.entry === entry && entry.record.state === "ready";
  }

  /** Every ready record in order; entries no longer valid are dropped on the way. */
  #live(): R[] {
    const items = this.#items;
    if (items.length - this.#head !== this.#size) {
      // Stale entries are dropped in place: the list keeps its storage.
      let kept = 0;
      for (let i = this.#head; i < items.length; i++) {
        const entry = items[i]!;
        if (this.#valid(entry)) items[kept++] = entry;
      }
      items.length = kept;
      this.#head = 0;
    }
    const out: R[] = new Array(items.length - this.#head);
    for (let i = 0; i < out.length; i++) out[i] = items[this.#head + i]!.record;
    return out;
  }

  #fifo(k: number): R[] {
    const items = this.#items;
    while (this.#head < items.length && !this.#valid(items[this.#head]!)) this.#head++;
    const out: R[] = [];
    for (let i = this.#head; i < items.length && out.length < k; i++) {
      if (this.#valid(items[i]!)) out.push(items[i]!.record);
    }
    this.#compact();
    return out;
  }

  /** Drops the list's consumed prefix once it is most of the list. */
  #compact(): void {
    if (this.#head > 64 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  #sorted(): R[] {
    this.#items = this.#items.filter((e) => this.#valid(e));
    this.#items.sort((a, b) => a.rank - b.rank || a.index - b.index);
    // A sorted list is a valid heap.
    return this.#items.map((e) => e.record);
  }

  #top(k: number): R[] {
    const taken: Entry<R>[] = [];
    while (taken.length < k && this.#items.length > 0) {
      const entry = this.#pop();
      if (this.#valid(entry)) taken.push(entry);
    }
    for (const entry of taken) {
      this.#items.push(entry);
      this.#up(this.#items.length - 1);
    }
    return taken.map((e) => e.record);
  }

  #before(a: Entry<R>, b: Entry<R>): boolean {
    return a.rank < b.rank || (a.rank === b.rank && a.index < b.index);
  }

  #up(i: number): void {
    const items = this.#items;
    const entry = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(entry, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = entry;
  }

  #pop(): Entry<R> {
    const items = this.#items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= items.length) break;
        const r = l + 1;
        const child = r < items.length && this.#before(items[r]!, items[l]!) ? r : l;
        if (!this.#before(items[child]!, last)) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

/** What a run's board needs of its ready steps. */
export interface ReadyLine<R extends Queued> {
  readonly size: number;
  push(record: R): void;
  left(record: R): void;
  first(k: number): R[];
}

/**
 * Ready records split into lanes by a key (a step's tool, say), each lane a `ReadyQueue`.
 * `first(k)` gives the first `k` of every lane, merged by rank and then plan order: a scheduler
 * that passes over a blocked lane's steps still sees every other lane's next ones, at a cost of
 * `k` per lane instead of every ready step.
 */
export class LanedReadyQueue<R extends Queued> implements ReadyLine<R> {
  readonly #lanes = new Map<string, ReadyQueue<R>>();
  readonly #lane: (step: Step) => string;
  readonly #make: () => ReadyQueue<R>;
  #size = 0;

  constructor(
    plan: Plan,
    index: ReadonlyMap<string, number>,
    lane: (step: Step) => string,
    rank?: (step: Step, plan: Plan) => number,
  ) {
    this.#lane = lane;
    this.#make = () => new ReadyQueue<R>(plan, index, rank);
  }

  get size(): number {
    return this.#size;
  }

  push(record: R): void {
    const key = this.#lane(record.step);
    let queue = this.#lanes.get(key);
    if (queue === undefined) {
      queue = this.#make();
      this.#lanes.set(key, queue);
    }
    queue.push(record);
    this.#size++;
  }

  left(record: R): void {
    if (record.entry === undefined) return;
    this.#lanes.get(this.#lane(record.step))?.left(record);
    this.#size--;
  }

  first(k: number): R[] {
    const out: R[] = [];
    for (const queue of this.#lanes.values()) {
      if (queue.size > 0) out.push(...queue.first(k));
    }
    if (this.#lanes.size > 1) {
      const entry = (r: R) => r.entry as Entry<R>;
      out.sort((a, b) => entry(a).rank - entry(b).rank || entry(a).index - entry(b).index);
    }
    return out;
  }
}

/** The ready line a scheduler's queue asks for: ranked or not, in lanes or not. */
export function readyLine<R extends Queued>(
  plan: Plan,
  index: ReadonlyMap<string, number>,
  queue: Pick<SchedulerQueue, "rank" | "lane"> | undefined,
): ReadyLine<R> {
  return queue?.lane === undefined
    ? new ReadyQueue<R>(plan, index, queue?.rank)
    : new LanedReadyQueue<R>(plan, index, queue.lane, queue.rank);
}
