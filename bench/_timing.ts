// Timing helpers for the side-by-side benchmark scripts.

/** Wall times in milliseconds of `runs` calls after `warmup` untimed ones. */
export interface Timing {
  /** The median run. */
  readonly median: number;
  /** The fastest run (least disturbed by other load on a shared machine). */
  readonly best: number;
}

/** Wall times in milliseconds of `runs` calls of `fn` after `warmup` untimed ones. */
export function samples(fn: () => unknown, runs: number, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** The median and best of wall times, which may pool several batches of `samples`. */
export function summarize(times: readonly number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, best: sorted[0]! };
}

/** Times `fn`: `runs` timed calls after `warmup` untimed ones. */
export function time(fn: () => unknown, runs: number, warmup = 1): Timing {
  return summarize(samples(fn, runs, warmup));
}

/** Formats milliseconds with sensible precision. */
export function ms(value: number): string {
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 1) return `${value.toFixed(2)} ms`;
  return `${(value * 1000).toFixed(0)} µs`;
}

/** Formats a timing as "median (best)". */
export function fmt(t: Timing): string {
  return `${ms(t.median)} (${ms(t.best)})`;
}

/** Prints rows as an aligned table. */
export function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  for (const row of rows) {
    const cells = row.map((cell, c) =>
      c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)
    );
    console.log(cells.join("  "));
  }
}
