// Fuzzing the plan parsers: YAML/JSON plan text, plan objects and `${{ }}` references. Whatever
// the input, they answer with a value or a PlanError naming a path, never another exception, and
// leave Object.prototype alone.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  defineTool,
  findReferences,
  normalizePlan,
  parsePlanText,
  PlanError,
  resolveReferences,
} from "../../mod.ts";

const work = defineTool({
  name: "work",
  description: "Takes any object",
  input: { type: "object" },
  run: () => null,
});
const tools = new Map([["work", work]]);
const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join();
const before = prototypeKeys();

function planErrorOrValue(f: () => unknown): void {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof PlanError, `not a PlanError: ${(error as Error)?.stack}`);
    assert.equal(typeof error.path, "string");
    assert.ok(error.message.length > 0);
  }
  assert.equal(prototypeKeys(), before);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
}

// Pieces that plan text and references are made of, so that random text often gets far.
const piece = fc.constantFrom(
  "goal: g\n",
  "steps:\n",
  "  - id: a\n",
  "    tool: work\n",
  "    dependsOn: [a]\n",
  "    input: { x: 1 }\n",
  "    when: steps.a.output > 1\n",
  "__proto__: { polluted: 1 }\n",
  "&a [*a, *a]\n",
  "!!js/function x\n",
  '{"goal": "g", "steps": [',
  '{"id": "b", "tool": "work"}',
  "]}",
  "${{ steps.a.output.x }}",
  "${{",
  "}}",
  "\t",
  "- ",
  ": ",
);

Deno.test("parsePlanText answers random text with a value or a PlanError", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.array(piece, { maxLength: 30 }).map((p) => p.join("")),
      ),
      (text) => planErrorOrValue(() => parsePlanText(text, { maxBytes: 10_000 })),
    ),
    { numRuns: 600 },
  );
});

const stepLike = fc.record({
  id: fc.oneof(
    fc.constantFrom("a", "b", "c", "__proto__", "constructor", ""),
    fc.string({ maxLength: 5 }),
  ),
  tool: fc.constantFrom("work", "missing", 3),
  input: fc.oneof(
    fc.dictionary(
      fc.constantFrom("x", "y", "__proto__", "constructor"),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    fc.constantFrom("${{ steps.a.output }}", { t: "${{ steps.b.output.x }} and ${{ context.k }}" }),
  ),
  dependsOn: fc.oneof(
    fc.constant(undefined),
    fc.array(fc.constantFrom("a", "b", "c", "z", 1), { maxLength: 3 }),
  ),
  when: fc.oneof(fc.constant(undefined), fc.constantFrom("true", "steps.a.output > 1", "1 +", "")),
}, { requiredKeys: ["id", "tool"] });

Deno.test("normalizePlan answers random plan objects with a plan or a PlanError", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.record({
          goal: fc.oneof(fc.string(), fc.integer()),
          steps: fc.array(stepLike, { maxLength: 6 }),
        }),
        fc.anything({ maxDepth: 3, withObjectString: true }),
        fc.jsonValue({ maxDepth: 4 }).map((v) => ({ goal: "g", steps: [v] })),
      ),
      (input) => planErrorOrValue(() => normalizePlan(input, { tools })),
    ),
    { numRuns: 800 },
  );
});

Deno.test("references: found ones resolve, and a lone reference takes the value it names", () => {
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/);
  const expr = fc.oneof(
    fc.tuple(name, fc.array(fc.oneof(name, fc.nat(3)), { maxLength: 3 })).map(([id, path]) =>
      `steps.${id}.output${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`
    ),
    name.map((k) => `context.${k}`),
    fc.string({ maxLength: 12 }),
  );
  const text = fc.array(
    fc.oneof(
      expr.map((e) => `\${{ ${e} }}`),
      fc.string({ maxLength: 6 }),
      fc.constantFrom("${{", "}}", "\n"),
    ),
    { maxLength: 5 },
  ).map((parts) => parts.join(""));
  fc.assert(
    fc.property(text, fc.jsonValue({ maxDepth: 3 }), (value, output) => {
      let found: ReturnType<typeof findReferences> | undefined;
      planErrorOrValue(() => (found = findReferences({ value }, "input")));
      if (found === undefined) return;
      const scope = {
        outputs: new Map(
          found.filter((f) => f.ref.source === "steps").map((f) => [f.ref.name, output]),
        ),
        context: Object.fromEntries(
          found.filter((f) => f.ref.source === "context").map((f) => [f.ref.name, "v"]),
        ),
      };
      const resolved = resolveReferences({ value }, scope) as { value: unknown };
      if (found.length === 0) assert.equal(resolved.value, value);
      const lone = /^\$\{\{(.*?)\}\}$/.exec(value);
      if (
        lone && !lone[1]!.includes("}}") && found.length === 1 &&
        found[0]!.ref.source === "steps" &&
        found[0]!.ref.path.length === 0
      ) {
        assert.deepEqual(resolved.value, output ?? null);
      }
    }),
    { numRuns: 800 },
  );
});
