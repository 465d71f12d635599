import assert from "node:assert/strict";
import {
  createKernel,
  defineTool,
  memoryStore,
  PlanError,
  type PlanTextParser,
  PluginError,
  sequentialScheduler,
} from "../../kernel.ts";
import { createOrchestrator, yamlPlanText } from "../../mod.ts";

const root = new URL("../../", import.meta.url);

interface InfoModule {
  readonly specifier: string;
  readonly kind?: string;
  readonly dependencies?: ReadonlyArray<{
    readonly code?: { readonly specifier: string };
    readonly isDynamic?: boolean;
  }>;
}

/** The modules an entry loads when imported: its static imports, transitively. */
async function staticGraph(entry: string): Promise<InfoModule[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(entry, root).pathname],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const queue = [...info.roots];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dep.code && !dep.isDynamic) queue.push(dep.code.specifier);
    }
  }
  return [...seen].map((s) => bySpecifier.get(s) ?? { specifier: s });
}

const foreign = (m: InfoModule) =>
  m.kind === "npm" || m.kind === "node" || /^(npm|node):/.test(m.specifier);

Deno.test("the kernel entry loads no npm package and no Node.js module; the full entry does", async () => {
  const kernel = await staticGraph("kernel.ts");
  assert.ok(kernel.length > 20, "the graph was read");
  assert.deepEqual(kernel.filter(foreign).map((m) => m.specifier), []);
  const full = (await staticGraph("mod.ts")).filter(foreign).map((m) => m.specifier);
  assert.ok(full.some((s) => s.includes("yaml")), `mod.ts loads YAML: ${full.join(", ")}`);
  assert.ok(full.some((s) => s.includes("cel")), `mod.ts loads CEL: ${full.join(", ")}`);
});

const echo = defineTool({
  name: "echo",
  description: "Returns its input",
  input: { type: "object" },
  run: (input: unknown) => input,
});

Deno.test("a kernel without a plan text plugin runs plans given as objects and refuses text clearly", async () => {
  const kernel = createKernel({ tools: [echo], plugins: [sequentialScheduler(), memoryStore()] });
  const run = kernel.run({ goal: "g", steps: [{ id: "a", tool: "echo", input: { n: 1 } }] });
  assert.deepEqual((await run.result).output, { n: 1 });
  assert.throws(
    () => kernel.run("goal: g\nsteps:\n  - id: a\n    tool: echo\n"),
    (error: unknown) =>
      error instanceof PluginError &&
      /The plan is given as text, and no plan text plugin is loaded/.test(error.message) &&
      /yamlPlanText\(\)/.test(error.message),
  );
  assert.throws(
    () =>
      createKernel({
        tools: [echo],
        plugins: [sequentialScheduler(), memoryStore()],
        replan: "rules: []",
      }),
    /The replan policy is given as text/,
  );
});

Deno.test("yamlPlanText() gives a kernel YAML plans with positions in errors", async () => {
  const kernel = createKernel({
    tools: [echo],
    plugins: [sequentialScheduler(), memoryStore(), yamlPlanText()],
  });
  const run = kernel.run("goal: g\nsteps:\n  - id: a\n    tool: echo\n    input: { n: 2 }\n");
  assert.deepEqual((await run.result).output, { n: 2 });
  assert.throws(
    () => kernel.run("goal: g\nsteps:\n  - id: a\n    tool: nope\n"),
    (error: unknown) => error instanceof PlanError && error.line === 4,
  );
  // createOrchestrator loads it unless another text plugin is given; two are refused.
  const jsonOnly: PlanTextParser = {
    name: "json-text",
    kind: "text",
    parse: (text) => ({ value: JSON.parse(text), locate: () => undefined }),
  };
  const custom = createOrchestrator({ tools: [echo], plugins: [jsonOnly] });
  const fromJson = custom.run(JSON.stringify({ goal: "g", steps: [{ id: "a", tool: "echo" }] }));
  assert.equal((await fromJson.result).status, "completed");
  assert.throws(() => custom.run("goal: g\n"), SyntaxError);
  assert.throws(
    () => createOrchestrator({ tools: [echo], plugins: [jsonOnly, yamlPlanText()] }),
    /Only one text plugin can be loaded/,
  );
});
