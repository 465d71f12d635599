// Timing helpers for the side-by-side benchmark scripts.

/** Median wall time in milliseconds of `runs` calls after `warmup` untimed ones. */
export function median(fn: () => unknown, runs: number, warmup = 1): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Formats milliseconds with sensible precision. */
export function ms(value: number): string {
  return value >= 100
    ? `${value.toFixed(0)} ms`
    : value >= 1
    ? `${value.toFixed(2)} ms`
    : `${(value * 1000).toFixed(0)} µs`;
}

/** Prints rows as an aligned table. */
export function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  for (const row of rows) {
    console.log(
      row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(
        "  ",
      ),
    );
  }
}
