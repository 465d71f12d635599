import assert from "node:assert/strict";
import fc from "fast-check";
import { checkSchema, type JsonSchema } from "../../mod.ts";

Deno.test("an issue deep inside names the full path to the bad value", () => {
  const schema: JsonSchema = {
    type: "object",
    properties: {
      items: {
        type: "array",
        items: {
          type: "object",
          required: ["name"],
          properties: { name: { type: "string", minLength: 1 } },
          additionalProperties: { type: "number" },
        },
      },
    },
    additionalProperties: false,
  };
  const fine = { items: [{ name: "a" }, { name: "b", weight: 2 }] };
  assert.equal(checkSchema(schema, fine, "input"), undefined);
  assert.deepEqual(checkSchema(schema, { items: [{ name: "a" }, { name: "" }] }, "input"), {
    path: "input.items[1].name",
    message: "Must be at least 1 characters long",
  });
  assert.deepEqual(checkSchema(schema, { items: [{ name: "a", weight: "x" }] }, "steps[3]"), {
    path: "steps[3].items[0].weight",
    message: "Expected number, got string",
  });
  assert.deepEqual(checkSchema(schema, { items: [{}] }, "input"), {
    path: "input.items[0].name",
    message: "Required field is missing",
  });
  assert.deepEqual(checkSchema(schema, { other: 1 }, "input"), {
    path: "input.other",
    message: "Unknown field",
  });
});

Deno.test("each rule gives its own message at the value's own path", () => {
  const cases: [JsonSchema, unknown, string][] = [
    [{ type: ["string", "null"] }, 3, "Expected string or null, got integer"],
    [{ type: "integer" }, 1.5, "Expected integer, got number"],
    [{ const: { a: 1 } }, { a: 2 }, 'Expected {"a":1}'],
    [{ enum: ["x", 1] }, "y", 'Expected one of "x", 1'],
    [{ minimum: 2 }, 1, "Must be at least 2, got 1"],
    [{ maximum: 2 }, 3, "Must be at most 2, got 3"],
    [{ exclusiveMinimum: 2 }, 2, "Must be more than 2, got 2"],
    [{ exclusiveMaximum: 2 }, 2, "Must be less than 2, got 2"],
    [{ maxLength: 1 }, "ab", "Must be at most 1 characters long"],
    [{ pattern: "^a" }, "ba", "Must match the pattern ^a"],
    [{ minItems: 1 }, [], "Must hold at least 1 items"],
    [{ maxItems: 0 }, [1], "Must hold at most 0 items"],
    [
      { anyOf: [{ type: "string" }, { type: "number" }] },
      true,
      "Matches none of the allowed shapes",
    ],
    [
      { oneOf: [{ type: "number" }, { type: "integer" }] },
      1,
      "Must match exactly one allowed shape, matches 2",
    ],
  ];
  for (const [schema, value, message] of cases) {
    assert.deepEqual(checkSchema(schema, value, "v"), { path: "v", message }, message);
  }
  // Without a rule that applies, anything fits.
  assert.equal(checkSchema({ type: "object" }, { any: [1, { deep: null }] }, "v"), undefined);
});

Deno.test("skipped values are not checked (inputs holding references)", () => {
  const schema: JsonSchema = { type: "object", properties: { n: { type: "number" } } };
  const skip = (v: unknown) => typeof v === "string" && v.includes("${{");
  assert.equal(checkSchema(schema, { n: "${{ steps.a.output }}" }, "input", { skip }), undefined);
  assert.equal(checkSchema(schema, { n: "3" }, "input", { skip })?.path, "input.n");
});

/** The exact schema of a JSON value: closed objects, every field required, typed leaves. */
function schemaOf(value: unknown): JsonSchema {
  if (value === null) return { type: "null" };
  if (Array.isArray(value)) {
    return value.length === 0 ? { type: "array", maxItems: 0 } : {
      type: "array",
      items: { anyOf: value.map(schemaOf) },
      minItems: value.length,
      maxItems: value.length,
    };
  }
  if (typeof value === "object") {
    const properties: Record<string, JsonSchema> = {};
    for (const [k, v] of Object.entries(value)) properties[k] = schemaOf(v);
    return {
      type: "object",
      properties,
      required: Object.keys(properties),
      additionalProperties: false,
    };
  }
  return { const: value };
}

const KEY = fc.string({ minLength: 1, maxLength: 4 }).filter((k) =>
  !["__proto__", "constructor", "prototype"].includes(k)
);
const JSON_VALUE = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.integer(),
    fc.string({ maxLength: 5 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(KEY, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Every leaf of a value with its path relative to the value (`.a[2].b`). */
function leaves(value: unknown, at = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${at}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, `${at}.${k}`));
  }
  return [at];
}

/** The value with the leaf at `path` replaced by an object no leaf schema accepts. */
function replaceLeaf(value: unknown, path: string, at = ""): unknown {
  if (at === path) return { broken: true };
  if (Array.isArray(value)) return value.map((v, i) => replaceLeaf(v, path, `${at}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceLeaf(v, path, `${at}.${k}`)]),
    );
  }
  return value;
}

Deno.test("property: a value fits its exact schema, and a broken leaf is found on its path", () => {
  fc.assert(
    fc.property(
      fc.dictionary(KEY, JSON_VALUE, { minKeys: 1, maxKeys: 4 }),
      fc.nat(),
      (value, pick) => {
        const schema = schemaOf(value);
        assert.equal(checkSchema(schema, value, "input"), undefined);
        // Only leaves outside arrays have one place to blame: inside an array, anyOf answers.
        const spots = leaves(value).filter((p) => !p.includes("["));
        if (spots.length === 0) return;
        const spot = spots[pick % spots.length]!;
        const issue = checkSchema(schema, replaceLeaf(value, spot), "input");
        assert.ok(issue, `no issue for a broken ${spot}`);
        assert.equal(issue.path, `input${spot}`);
      },
    ),
    { numRuns: 300 },
  );
});
