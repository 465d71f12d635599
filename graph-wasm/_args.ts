// Argument checks that run before anything reaches WebAssembly.

/** The largest node or edge count the graph core accepts. */
export const MAX_COUNT = 2 ** 31 - 1;
/** The largest input the graph core stages, in bytes. */
export const MAX_INPUT_BYTES = 512 * 2 ** 20;

/** A node count: an integer from 0 to 2^31 - 1. */
export function nodeCountArg(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`nodeCount must be an integer, got ${String(value)}`);
  }
  if (value < 0 || value > MAX_COUNT) {
    throw new RangeError(`nodeCount must be from 0 to ${MAX_COUNT}, got ${value}`);
  }
  return value;
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/**
 * A flat edge list `[from0, to0, from1, to1, ...]` as a Uint32Array. A Uint32Array is used as it
 * is (the graph core range-checks it); any other array is checked element by element.
 */
export function edgesArg(
  value: unknown,
  nodeCount: number,
  name = "edges",
  limit = nodeCount,
): Uint32Array {
  if (!isArrayLike(value)) {
    throw new TypeError(`${name} must be an array of node indices [from, to, ...]`);
  }
  if (value.length % 2 !== 0) {
    throw new RangeError(
      `${name} must hold [from, to] pairs, but its length ${value.length} is odd`,
    );
  }
  if (value.length / 2 > MAX_COUNT) {
    throw new RangeError(`${name} holds more than ${MAX_COUNT} edges`);
  }
  if (value instanceof Uint32Array) return value;
  return indicesArg(value, limit, name);
}

/** Node indices below `nodeCount`, as a Uint32Array. */
export function indicesArg(value: unknown, nodeCount: number, name: string): Uint32Array {
  if (!isArrayLike(value)) throw new TypeError(`${name} must be an array of node indices`);
  const out = new Uint32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(`${name}[${i}] must be an integer node index, got ${String(v)}`);
    }
    if (v < 0 || v >= nodeCount) {
      throw new RangeError(
        `${name}[${i}] is ${v}, which is not a node index below nodeCount ${nodeCount}`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** One finite number per node (at least `min`), as a Float64Array. */
export function perNodeArg(
  value: unknown,
  nodeCount: number,
  name: string,
  min = -Infinity,
): Float64Array {
  if (!isArrayLike(value)) throw new TypeError(`${name} must be an array of numbers`);
  if (value.length !== nodeCount) {
    throw new RangeError(
      `${name} must hold one number per node (${nodeCount}), but holds ${value.length}`,
    );
  }
  const same = value instanceof Float64Array;
  const out = same ? value : new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
      const rule = min === -Infinity ? "a finite number" : `a finite number of at least ${min}`;
      throw new RangeError(`${name}[${i}] must be ${rule}, got ${String(v)}`);
    }
    if (!same) out[i] = v;
  }
  return out;
}

/** Refuses inputs larger than the graph core stages. */
export function sizeArg(floatCount: number, intCount: number): void {
  const bytes = floatCount * 8 + intCount * 4;
  if (bytes > MAX_INPUT_BYTES) {
    throw new RangeError(
      `The graph needs ${bytes} bytes of input, more than the ${MAX_INPUT_BYTES} the graph core accepts`,
    );
  }
}
