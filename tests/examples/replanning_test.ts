// The replanning and LLM planner examples must keep working as the docs describe them.
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;

async function example(file: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-net=127.0.0.1",
      `${root}examples/${file}`,
    ],
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
  }).output();
  return {
    code: out.code,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  };
}

Deno.test("examples/replanning.ts shows each replan with its trigger and reason", async () => {
  const { code, text } = await example("replanning.ts");
  assert.equal(code, 0, text);
  assert.match(text, /trying its fallback "search.backup"/);
  assert.match(text, /partial \(v2\): Dropped "primary" and the 1 steps that depend on it/);
  assert.match(text, /intervention -> complete \(v2\)/);
  assert.match(text, /waiting: Replanning "find" keeps failing/);
  assert.match(text, /intervention -> intervention \(v3\): Use the backup index/);
  assert.match(
    text,
    /deadline of "find" -> alternative \(v2\): "find" ran past its share of the run's deadline with tool "search.slow"/,
  );
  assert.doesNotMatch(text, /status failed/);
});

Deno.test("examples/llm_planner.ts says plainly when no model is configured", async () => {
  const { code, text } = await example("llm_planner.ts");
  assert.equal(code, 0, text);
  assert.match(text, /No model is configured: set BATON_LLM_BASE_URL and BATON_LLM_MODEL/);
});

Deno.test("examples/llm_planner.ts plans and runs with the configured endpoint", async () => {
  const { chatServer } = await import("../plugins/_chat_server.ts");
  const plan = {
    goal: "Count and summarise",
    steps: [
      { id: "count", tool: "text.stats", input: { text: "${{ context.text }}" }, dependsOn: [] },
      {
        id: "summary",
        tool: "text.summarize",
        input: { text: "${{ context.text }}", sentences: 1 },
        dependsOn: [],
      },
    ],
  };
  const server = chatServer([{ content: JSON.stringify(plan) }]);
  try {
    const { code, text } = await example("llm_planner.ts", {
      BATON_LLM_BASE_URL: server.baseUrl,
      BATON_LLM_MODEL: "test-model",
    });
    assert.equal(code, 0, text);
    assert.match(text, /The model planned 2 steps/);
    assert.match(text, /Run completed; plan version 1/);
    assert.match(text, /Tokens used: 30/);
  } finally {
    await server.close();
  }
});
