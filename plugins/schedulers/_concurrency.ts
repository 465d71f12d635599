// The `concurrency` option every scheduler shares.

/** Checks a scheduler's concurrency option: a whole number of at least 1, or Infinity. */
export function concurrencyOption(
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  const n = value ?? fallback;
  if (!(n === Infinity || (Number.isInteger(n) && n >= 1))) {
    throw new RangeError(
      `${name}: concurrency must be a whole number of at least 1, got ${String(value)}`,
    );
  }
  return n;
}
