import assert from "node:assert/strict";
import { createOrchestrator, CycleError, parsePlanText, PlanError } from "../../mod.ts";
import { callLog, workTool } from "../_tools.ts";

const baton = () => createOrchestrator({ tools: [workTool(callLog())] });

function assertRefused(text: string, pattern: RegExp, where?: { line: number; column: number }) {
  assert.throws(() => baton().run(text), (error: unknown) => {
    assert.ok(error instanceof PlanError, `expected PlanError, got ${error}`);
    assert.match(error.message, pattern);
    if (where) assert.deepEqual({ line: error.line, column: error.column }, where);
    return true;
  });
}

Deno.test("a YAML plan runs, and JSON text is accepted too", async () => {
  const yaml = `
goal: Sum twice
steps:
  - id: a
    tool: work
    input: { id: a }
  - id: b
    tool: work
    dependsOn: [a]
    input:
      id: b
      values: ["\${{ steps.a.output.sum }}"]
`;
  assert.deepEqual((await baton().run(yaml).result).output, { id: "b", sum: 2 });
  const json = JSON.stringify({
    goal: "g",
    steps: [{ id: "a", tool: "work", input: { id: "a" } }],
  });
  assert.equal((await baton().run(json).result).status, "completed");
});

Deno.test("plan file errors carry the field path, line and column", () => {
  const text = "goal: g\nsteps:\n  - id: a\n    tool: wrok\n";
  assertRefused(text, /^steps\[0\]\.tool \(line 4, column 11\): Unknown tool "wrok"/, {
    line: 4,
    column: 11,
  });
  const badInput = "goal: g\nsteps:\n  - id: a\n    tool: work\n    input:\n      id: 7\n";
  assertRefused(badInput, /steps\[0\]\.input\.id \(line 6, column 11\): Expected string/);
  const missing = "goal: g\nsteps:\n  - id: a\n    tool: work\n    input: {}\n";
  assertRefused(missing, /steps\[0\]\.input\.id \(line 5, column 12\): Required field is missing/);
  const cycle =
    "goal: g\nsteps:\n  - id: a\n    tool: work\n    input: { id: a }\n    dependsOn: [b]\n  - id: b\n    tool: work\n    input: { id: b }\n    dependsOn: [a]\n";
  assert.throws(() => baton().run(cycle), (e: unknown) => {
    assert.ok(e instanceof CycleError);
    assert.deepEqual(e.cycle, ["a", "b"]);
    assert.equal(e.line, 6);
    return true;
  });
  assertRefused("goal: g\nsteps: [\n", /^line \d+, column \d+: /);
  assertRefused("goal: g\ngoal: h\nsteps: []\n", /line 2, column 1: Map keys must be unique/);
});

Deno.test("hostile plan files are refused quickly, Object.prototype untouched", () => {
  const laughs = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (
    const [prev, name] of [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"], ["e", "f"], ["f", "g"], [
      "g",
      "h",
    ], ["h", "i"]]
  ) {
    laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  assertRefused(laughs.join("\n"), /expands aliases too much/);
  assertRefused("goal: !!js/function 'return 1'\nsteps: []\n", /Tags such as .* are not allowed/);
  assertRefused(
    "goal: g\nsteps:\n  - id: a\n    tool: work\n    input:\n      __proto__: { polluted: 1 }\n",
    /line 6, column 7: The key "__proto__" is not allowed/,
  );
  assertRefused(
    `goal: g\nsteps: []\npad: "${"x".repeat(10 * 1024 * 1024)}"\n`,
    /larger than 4000000 bytes/,
  );
  assertRefused(
    "goal: g\nsteps:\n  - id: a\n    tool: work\n    input: " + "[".repeat(10_000) +
      "]".repeat(10_000) + "\n",
    /./,
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("parsePlanText() locates fields and refuses non-text", () => {
  const parsed = parsePlanText("goal: g\nsteps:\n  - id: a\n    tool: work\n");
  assert.deepEqual(parsed.locate("steps[0].id"), { line: 3, column: 9 });
  assert.deepEqual(
    parsed.locate("steps[0].nope"),
    { line: 3, column: 5 },
    "a missing field points at its parent",
  );
  assert.throws(() => parsePlanText(42 as never), /Expected the text of a plan file/);
});

Deno.test("without env permission, parsing plan text says which Deno flag it needs", async () => {
  const script = new URL("../fixtures/parse_plan_text.ts", import.meta.url).pathname;
  const run = (flags: string[]) =>
    new Deno.Command(Deno.execPath(), { args: ["run", ...flags, script], stdout: "piped" })
      .output();
  const denied = new TextDecoder().decode((await run(["--allow-read"])).stdout);
  assert.match(denied, /run Deno with --allow-env=LOG_TOKENS,LOG_STREAM/);
  const allowed = new TextDecoder().decode(
    (await run(["--allow-read", "--allow-env=LOG_TOKENS,LOG_STREAM"])).stdout,
  );
  assert.equal(allowed.trim(), "parsed");
});
