import assert from "node:assert/strict";
import {
  BatonError,
  completeStrategy,
  createOrchestrator,
  defineTool,
  llmPlanner,
  type LlmPlannerOptions,
  type PlanInput,
  type Tool,
} from "../../mod.ts";
import { chatServer, type Scripted } from "./_chat_server.ts";

const echo: Tool = defineTool({
  name: "echo",
  description: "Returns its text",
  input: { type: "object", required: ["text"], properties: { text: { type: "string" } } },
  run: ({ text }: { text: string }) => ({ text }),
});
const broken: Tool = defineTool({
  name: "broken",
  description: "Always fails",
  input: { type: "object" },
  run: () => {
    throw new Error("down");
  },
});

const good: PlanInput = {
  goal: "Say hi",
  steps: [
    { id: "hi", tool: "echo", input: { text: "hi" }, dependsOn: [] },
    {
      id: "again",
      tool: "echo",
      input: { text: "${{ steps.hi.output.text }}!" },
      dependsOn: ["hi"],
    },
  ],
};
const json = (plan: unknown): Scripted => ({ content: JSON.stringify(plan) });

async function withServer(
  script: Scripted[],
  body: (baseUrl: string, requests: ReturnType<typeof chatServer>["requests"]) => Promise<void>,
): Promise<void> {
  const server = chatServer(script);
  try {
    await body(server.baseUrl, server.requests);
  } finally {
    await server.close();
  }
}

function orchestrator(
  baseUrl: string,
  extra: Partial<LlmPlannerOptions> = {},
  plugins: unknown[] = [],
) {
  return createOrchestrator({
    tools: [echo, broken],
    plugins: [
      llmPlanner({ baseUrl, model: "test-model", apiKey: "sk-test", backoffMs: 1, ...extra }),
      ...plugins,
    ],
  });
}

Deno.test("llmPlanner: a good plan is validated and run; usage is counted", async () => {
  await withServer([json(good)], async (baseUrl, requests) => {
    const baton = orchestrator(baseUrl);
    const run = await baton.runGoal("Say hi");
    const result = await run.result;
    assert.equal(result.status, "completed");
    assert.deepEqual(result.output, { text: "hi!" });
    assert.equal(result.usage.tokens, 30);
    assert.equal(result.usage.apiCalls, 1);
    assert.equal(requests.length, 1);
    const request = requests[0]!;
    assert.equal(request.headers.get("authorization"), "Bearer sk-test");
    assert.equal(request.body.model, "test-model");
    assert.equal(request.body.response_format?.type, "json_schema");
    assert.equal(request.body.messages[0]!.role, "system");
    const user = JSON.parse(request.body.messages[1]!.content);
    assert.equal(user.goal, "Say hi");
    assert.deepEqual(user.tools.map((t: { name: string }) => t.name), ["echo", "broken"]);
    const created = await baton.history(run.id).events({ types: ["plan.created"] });
    assert.deepEqual(created[0]!.data.usage, { tokens: 30, apiCalls: 1, costUsd: 0 });
  });
});

Deno.test("llmPlanner: malformed JSON, a cycle, an unknown tool and a cut-off reply are sent back to be fixed", async () => {
  const cycle = {
    goal: "g",
    steps: [
      { id: "a", tool: "echo", input: { text: "a" }, dependsOn: ["b"] },
      { id: "b", tool: "echo", input: { text: "b" }, dependsOn: ["a"] },
    ],
  };
  const unknown = { goal: "g", steps: [{ id: "a", tool: "shell", input: {}, dependsOn: [] }] };
  const cases: [Scripted, RegExp][] = [
    [{ content: "{ not json" }, /not valid JSON/],
    [json(cycle), /cycle/i],
    [json(unknown), /Unknown tool "shell"/],
    [{ content: '{"goal": "g", "st', finish: "length" }, /cut off \(finish_reason: length\)/],
  ];
  for (const [bad, message] of cases) {
    await withServer([bad, json(good)], async (baseUrl, requests) => {
      const plan = await orchestrator(baseUrl).plan("Say hi");
      assert.deepEqual(plan.steps.map((s) => s.id), ["hi", "again"]);
      assert.equal(requests.length, 2);
      const repair = requests[1]!.body.messages;
      assert.equal(repair.length, 4, "the bad reply and the errors were sent back");
      assert.equal(repair[2]!.role, "assistant");
      assert.match(repair[3]!.content, message);
    });
  }
});

Deno.test("llmPlanner: after two repairs it gives up with the last problem", async () => {
  const bad: Scripted = { content: "nope" };
  await withServer([bad, bad, bad, json(good)], async (baseUrl, requests) => {
    await assert.rejects(
      orchestrator(baseUrl).plan("Say hi"),
      (error: Error) =>
        error instanceof BatonError && /no valid plan in 3 replies/.test(error.message) &&
        /not valid JSON/.test(error.message),
    );
    assert.equal(requests.length, 3);
  });
});

Deno.test("llmPlanner: 429 with Retry-After and 5xx are retried", async () => {
  await withServer(
    [
      { status: 429, headers: { "retry-after": "0" } },
      { status: 500 },
      { status: 503 },
      json(good),
    ],
    async (baseUrl, requests) => {
      const plan = await orchestrator(baseUrl).plan("Say hi");
      assert.equal(plan.steps.length, 2);
      assert.equal(requests.length, 4);
    },
  );
  await withServer(
    [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }],
    async (baseUrl) => {
      await assert.rejects(orchestrator(baseUrl).plan("Say hi"), /HTTP 500/);
    },
  );
  await withServer(
    [{ status: 401, body: '{"error":{"message":"bad key"}}' }],
    async (baseUrl, requests) => {
      await assert.rejects(orchestrator(baseUrl).plan("Say hi"), /HTTP 401 .*bad key/);
      assert.equal(requests.length, 1, "a client error is not retried");
    },
  );
});

Deno.test("llmPlanner: a server that never answers times out, and is retried", async () => {
  await withServer([{ hang: true }, { hang: true }], async (baseUrl, requests) => {
    await assert.rejects(
      orchestrator(baseUrl, { timeoutMs: 100, maxAttempts: 2 }).plan("Say hi"),
      /no answer within 100 ms/,
    );
    assert.equal(requests.length, 2);
  });
});

Deno.test("llmPlanner: a server without JSON Schema support gets JSON mode", async () => {
  await withServer(
    [
      { status: 400, body: '{"error":{"message":"response_format json_schema is not supported"}}' },
      json(good),
    ],
    async (baseUrl, requests) => {
      await orchestrator(baseUrl).plan("Say hi");
      assert.equal(requests[0]!.body.response_format?.type, "json_schema");
      assert.equal(requests[1]!.body.response_format?.type, "json_object");
    },
  );
});

Deno.test("llmPlanner replans a failure: it is told the failed step, error and results", async () => {
  const first: PlanInput = {
    goal: "g",
    steps: [
      { id: "hi", tool: "echo", input: { text: "hi" } },
      { id: "bad", tool: "broken", input: {}, dependsOn: ["hi"] },
    ],
  };
  const fixed: PlanInput = {
    goal: "g",
    steps: [{
      id: "ok",
      tool: "echo",
      input: { text: "${{ steps.hi.output.text }} again" },
      dependsOn: ["hi"],
    }],
  };
  await withServer([json(fixed)], async (baseUrl, requests) => {
    const baton = orchestrator(baseUrl, {}, [completeStrategy()]);
    const run = baton.run(first);
    const result = await run.result;
    assert.equal(result.status, "completed");
    assert.deepEqual(result.output, { text: "hi again" });
    const user = JSON.parse(requests[0]!.body.messages[1]!.content);
    assert.equal(user.replan.trigger.kind, "failure");
    assert.equal(user.replan.trigger.stepId, "bad");
    assert.match(user.replan.trigger.error, /down/);
    assert.equal(user.replan.failedStep.id, "bad");
    assert.deepEqual(user.replan.completed, [{ id: "hi", tool: "echo", output: { text: "hi" } }]);
    assert.equal(result.usage.tokens, 30, "the replan's tokens count");
  });
});

Deno.test("llmPlanner: replan tokens count against maxTokens, and cancel aborts a waiting request", async () => {
  const first: PlanInput = { goal: "g", steps: [{ id: "bad", tool: "broken", input: {} }] };
  await withServer([{ content: "{}", tokens: 500 }], async (baseUrl) => {
    const baton = createOrchestrator({
      tools: [echo, broken],
      plugins: [llmPlanner({ baseUrl, model: "m" }), completeStrategy()],
      limits: { maxTokens: 100 },
    });
    const result = await baton.run(first).result;
    assert.equal(result.status, "stopped");
    assert.equal(result.limit, "maxTokens");
  });
  await withServer([{ hang: true }], async (baseUrl, requests) => {
    const baton = orchestrator(baseUrl, { timeoutMs: 60_000 }, [completeStrategy()]);
    const run = baton.run(first);
    while (requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    run.cancel("Enough");
    const result = await run.result;
    assert.equal(result.status, "cancelled");
    assert.equal(result.reason, "Enough");
  });
});

Deno.test("llmPlanner needs an endpoint and a model", () => {
  assert.throws(() => llmPlanner({ baseUrl: "http://localhost:1/v1" }), TypeError);
});
