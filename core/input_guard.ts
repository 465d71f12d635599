import { PlanError } from "./errors.ts";

/** Hard caps on untrusted plan input, checked before anything else looks at it. */
export interface InputCaps {
  /**
   * Largest input in bytes (UTF-8 text, or the JSON size of an object).
   * @default {4_000_000}
   */
  readonly maxBytes?: number;
  /**
   * Deepest nesting of objects and arrays.
   * @default {64}
   */
  readonly maxDepth?: number;
  /**
   * Most object keys and array items in total.
   * @default {500_000}
   */
  readonly maxKeys?: number;
}

/** The defaults of {@linkcode InputCaps}. */
export const DEFAULT_INPUT_CAPS: Required<InputCaps> = {
  maxBytes: 4_000_000,
  maxDepth: 64,
  maxKeys: 500_000,
};

/** Options of {@linkcode guardInput}: the caps, and more. */
export interface GuardOptions extends InputCaps {
  /** The path of the value, for errors. @default {""} */
  readonly root?: string;
  /**
   * Objects for which it returns true are taken as checked already: they are skipped, and not
   * counted against the caps (a validated plan's steps given back unchanged, say). `index` is
   * the object's place in the array holding it, or -1.
   */
  readonly checked?: (value: object, index: number) => boolean;
}

/** Keys that could reach or replace an object's prototype. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Checks untrusted input before use: only JSON values (plain objects, arrays, strings, finite
 * numbers, booleans, null; `undefined` fields count as absent), no `__proto__`,
 * `constructor` or `prototype` keys, and within the caps. Walks iteratively, so a 10,000-deep
 * nesting is refused without exhausting the stack. Returns the value's approximate JSON size.
 *
 * @param value The input.
 * @param options The caps, the value's path and what is checked already.
 * @returns The approximate JSON size in bytes.
 * @throws {PlanError} With the path of the first offending field.
 *
 * @example Refusing a prototype key
 * ```ts
 * import { guardInput, PlanError } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const hostile = JSON.parse('{"steps": [{"__proto__": {"polluted": true}}]}');
 * assert.throws(() => guardInput(hostile), PlanError);
 * assert.equal(({} as Record<string, unknown>).polluted, undefined);
 * ```
 */
export function guardInput(value: unknown, options: GuardOptions = {}): number {
  const { root = "", checked } = options;
  const caps = options;
  const maxBytes = caps.maxBytes ?? DEFAULT_INPUT_CAPS.maxBytes;
  const maxDepth = caps.maxDepth ?? DEFAULT_INPUT_CAPS.maxDepth;
  const maxKeys = caps.maxKeys ?? DEFAULT_INPUT_CAPS.maxKeys;
  let bytes = 0;
  let keys = 0;
  // Paths are built only for an error: each frame knows its parent and its key.
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: root }];
  const at = (frame: Frame, key?: string) => pathOf(frame, key);
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const item = frame.value;
    if (item === null || typeof item === "boolean") {
      bytes += 5;
    } else if (typeof item === "number") {
      if (!Number.isFinite(item)) {
        throw new PlanError(`Expected a finite number, got ${item}`, { path: at(frame) });
      }
      bytes += 8;
    } else if (typeof item === "string") {
      bytes += item.length + 2;
    } else if (typeof item === "object") {
      if (checked?.(item, typeof frame.key === "number" ? frame.key : -1)) continue;
      const depth = frame.depth;
      if (depth >= maxDepth) {
        throw new PlanError(`Nested deeper than ${maxDepth} levels`, { path: at(frame) });
      }
      if (Array.isArray(item)) {
        keys += item.length;
        bytes += 2 + item.length;
        checkCounts(keys, bytes, maxKeys, maxBytes, root);
        for (let i = item.length - 1; i >= 0; i--) {
          const child: unknown = item[i];
          // Strings, booleans and null are checked here, with no frame of their own.
          if (typeof child === "string") {
            bytes += child.length + 2;
            continue;
          }
          if (typeof child === "boolean" || child === null) {
            bytes += 5;
            continue;
          }
          // A checked item (a reused step in a long list, say) needs no frame.
          if (checked !== undefined && typeof child === "object" && child !== null) {
            if (checked(child, i)) continue;
          }
          stack.push({ value: child, depth: depth + 1, parent: frame, key: i });
        }
      } else {
        const proto = Object.getPrototypeOf(item);
        if (proto !== Object.prototype && proto !== null) {
          throw new PlanError("Expected a plain object", { path: at(frame) });
        }
        const entries = Object.keys(item);
        keys += entries.length;
        bytes += 2;
        checkCounts(keys, bytes, maxKeys, maxBytes, root);
        for (let i = entries.length - 1; i >= 0; i--) {
          const key = entries[i]!;
          if (FORBIDDEN_KEYS.has(key)) {
            throw new PlanError(`The key "${key}" is not allowed`, { path: at(frame, key) });
          }
          const child = (item as Record<string, unknown>)[key];
          if (child === undefined) continue;
          bytes += key.length + 4;
          if (typeof child === "string") bytes += child.length + 2;
          else if (typeof child === "boolean" || child === null) bytes += 5;
          else if (typeof child === "number" && Number.isFinite(child)) bytes += 8;
          else stack.push({ value: child, depth: depth + 1, parent: frame, key });
        }
        // JSON.parse turns "__proto__" into an own key; it is caught above. An object literal
        // can hide one behind its prototype instead:
        if (proto === Object.prototype && Object.hasOwn(item, "__proto__")) {
          throw new PlanError('The key "__proto__" is not allowed', {
            path: at(frame, "__proto__"),
          });
        }
      }
    } else {
      throw new PlanError(`Expected a JSON value, got ${typeof item}`, { path: at(frame) });
    }
    checkCounts(keys, bytes, maxKeys, maxBytes, root);
  }
  return bytes;
}

/** A value waiting to be checked, with how it was reached. */
interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  /** Its key in the parent, or the root path for the root. */
  readonly key: string | number;
}

/** The path of a frame (and a key in it), as in `steps[2].input.url`. */
function pathOf(frame: Frame, key?: string): string {
  const parts: (string | number)[] = key === undefined ? [] : [key];
  for (let f: Frame | undefined = frame; f !== undefined; f = f.parent) parts.push(f.key);
  let path = "";
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    if (typeof part === "number") path += `[${part}]`;
    else if (part !== "") path = path === "" ? part : `${path}.${part}`;
  }
  return path;
}

function checkCounts(keys: number, bytes: number, maxKeys: number, maxBytes: number, root: string) {
  if (keys > maxKeys) {
    throw new PlanError(`Holds more than ${maxKeys} keys and items`, { path: root });
  }
  if (bytes > maxBytes) throw new PlanError(`Larger than ${maxBytes} bytes`, { path: root });
}
