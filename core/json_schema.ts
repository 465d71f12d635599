/**
 * The JSON Schema subset Baton checks tool inputs and outputs against: `type` (one or a list),
 * `properties`, `required`, `additionalProperties` (boolean or schema), `items`, `enum`,
 * `const`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `minLength`,
 * `maxLength`, `pattern`, `minItems`, `maxItems`, `anyOf`, `oneOf` and `description`.
 */
export interface JsonSchema {
  /** The JSON type or types the value must have (`integer` is a whole `number`). */
  readonly type?: JsonType | readonly JsonType[];
  /** Schemas of an object's fields, by name. */
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  /** Fields an object must have. */
  readonly required?: readonly string[];
  /** `false` to refuse fields not in `properties`, or the schema of every such field. */
  readonly additionalProperties?: boolean | JsonSchema;
  /** The schema of every item of an array. */
  readonly items?: JsonSchema;
  /** The values allowed (compared as JSON). */
  readonly enum?: readonly unknown[];
  /** The one value allowed (compared as JSON). */
  readonly const?: unknown;
  /** The smallest number allowed. */
  readonly minimum?: number;
  /** The largest number allowed. */
  readonly maximum?: number;
  /** Numbers must be greater than this. */
  readonly exclusiveMinimum?: number;
  /** Numbers must be less than this. */
  readonly exclusiveMaximum?: number;
  /** The fewest characters a string may have. */
  readonly minLength?: number;
  /** The most characters a string may have. */
  readonly maxLength?: number;
  /** A regular expression (Unicode mode) a string must match. */
  readonly pattern?: string;
  /** The fewest items an array may hold. */
  readonly minItems?: number;
  /** The most items an array may hold. */
  readonly maxItems?: number;
  /** The value must match at least one of these schemas. */
  readonly anyOf?: readonly JsonSchema[];
  /** The value must match exactly one of these schemas. */
  readonly oneOf?: readonly JsonSchema[];
  /** What the value is for (shown to planners; not checked). */
  readonly description?: string;
}

/** The JSON types a schema can name. */
export type JsonType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";

/** Options of {@linkcode checkSchema}. */
export interface CheckSchemaOptions {
  /** Values for which this returns true pass unchecked (such as unresolved references). */
  readonly skip?: (value: unknown) => boolean;
}

/** One way a value fails its schema. */
export interface SchemaIssue {
  /** Where, relative to the checked value's own path: `input.url`, `input.items[2]`. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

function typeOf(value: unknown): JsonType | "other" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      return Number.isFinite(value) ? (Number.isInteger(value) ? "integer" : "number") : "other";
    case "object":
      return "object";
    default:
      return "other";
  }
}

function matchesType(value: unknown, type: JsonType): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks a value against a schema and returns the first issue, or `undefined` when it fits.
 *
 * @param schema The schema.
 * @param value The value to check.
 * @param path The value's path, used as the prefix of the issue's path.
 * @param options Values to skip.
 * @returns The first issue found, depth first, or `undefined`.
 *
 * @example A missing field is named
 * ```ts
 * import { checkSchema } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const schema = { type: "object", required: ["path"], properties: { path: { type: "string" } } } as const;
 * assert.equal(checkSchema(schema, { path: "a.txt" }, "input"), undefined);
 * assert.deepEqual(checkSchema(schema, {}, "input"), {
 *   path: "input.path",
 *   message: "Required field is missing",
 * });
 * ```
 */
export function checkSchema(
  schema: JsonSchema,
  value: unknown,
  path: string,
  options: CheckSchemaOptions = {},
): SchemaIssue | undefined {
  const found = check(schema, value, options.skip);
  return found && { path: path + found.at, message: found.message };
}

/** An issue whose path is relative to the checked value (`""`, `.url`, `[2].name`). */
interface Found {
  at: string;
  readonly message: string;
}

/** Prefixes a nested issue's path with the step that led to it, on the way out. */
function under(found: Found, step: string): Found {
  found.at = step + found.at;
  return found;
}

/**
 * The first issue, depth first. Nothing is allocated while values fit: paths are built only for
 * an issue, as the recursion returns.
 */
function check(
  schema: JsonSchema,
  value: unknown,
  skip: ((value: unknown) => boolean) | undefined,
): Found | undefined {
  if (skip !== undefined && skip(value)) return undefined;
  const type = schema.type;
  if (
    type !== undefined &&
    (typeof type === "string"
      ? !matchesType(value, type as JsonType)
      : !type.some((t) => matchesType(value, t as JsonType)))
  ) {
    const types = typeof type === "string" ? [type] : type;
    const actual = typeOf(value);
    return {
      at: "",
      message: `Expected ${types.join(" or ")}, got ${actual === "other" ? String(value) : actual}`,
    };
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    return { at: "", message: `Expected ${JSON.stringify(schema.const)}` };
  }
  if (schema.enum !== undefined) {
    const text = JSON.stringify(value);
    if (!schema.enum.some((e) => JSON.stringify(e) === text)) {
      const allowed = schema.enum.map((e) => JSON.stringify(e)).join(", ");
      return { at: "", message: `Expected one of ${allowed}` };
    }
  }
  if (typeof value === "number") {
    const message = numberIssue(schema, value);
    if (message !== undefined) return { at: "", message };
  } else if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      return { at: "", message: `Must be at least ${schema.minLength} characters long` };
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      return { at: "", message: `Must be at most ${schema.maxLength} characters long` };
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
      return { at: "", message: `Must match the pattern ${schema.pattern}` };
    }
  } else if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      return { at: "", message: `Must hold at least ${schema.minItems} items` };
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      return { at: "", message: `Must hold at most ${schema.maxItems} items` };
    }
    if (schema.items !== undefined) {
      for (let i = 0; i < value.length; i++) {
        const found = check(schema.items, value[i], skip);
        if (found) return under(found, `[${i}]`);
      }
    }
  } else if (isPlainObject(value)) {
    const found = objectIssue(schema, value, skip);
    if (found) return found;
  }
  if (schema.anyOf !== undefined && !schema.anyOf.some((s) => !check(s, value, skip))) {
    return { at: "", message: "Matches none of the allowed shapes" };
  }
  if (schema.oneOf !== undefined) {
    const matches = schema.oneOf.filter((s) => !check(s, value, skip)).length;
    if (matches !== 1) {
      return { at: "", message: `Must match exactly one allowed shape, matches ${matches}` };
    }
  }
  return undefined;
}

function numberIssue(schema: JsonSchema, value: number): string | undefined {
  if (schema.minimum !== undefined && value < schema.minimum) {
    return `Must be at least ${schema.minimum}, got ${value}`;
  }
  if (schema.maximum !== undefined && value > schema.maximum) {
    return `Must be at most ${schema.maximum}, got ${value}`;
  }
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
    return `Must be more than ${schema.exclusiveMinimum}, got ${value}`;
  }
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
    return `Must be less than ${schema.exclusiveMaximum}, got ${value}`;
  }
  return undefined;
}

function objectIssue(
  schema: JsonSchema,
  value: Record<string, unknown>,
  skip: ((value: unknown) => boolean) | undefined,
): Found | undefined {
  const required = schema.required;
  if (required !== undefined) {
    for (let i = 0; i < required.length; i++) {
      const key = required[i]!;
      if (!Object.hasOwn(value, key) || value[key] === undefined) {
        return { at: `.${key}`, message: "Required field is missing" };
      }
    }
  }
  const properties = schema.properties;
  const extra = schema.additionalProperties;
  // Fields need a look only when some schema applies to them.
  if (properties === undefined && (extra === undefined || extra === true)) return undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const sub = properties !== undefined && Object.hasOwn(properties, key)
      ? properties[key]
      : undefined;
    let found: Found | undefined;
    if (sub !== undefined) {
      found = check(sub, value[key], skip);
    } else if (extra === false) {
      found = { at: "", message: "Unknown field" };
    } else if (typeof extra === "object") {
      found = check(extra, value[key], skip);
    }
    if (found) return under(found, `.${key}`);
  }
  return undefined;
}
