/**
 * A language model plans a goal and replans a failure, through any OpenAI-compatible Chat
 * Completions endpoint (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio):
 *
 * ```sh
 * BATON_LLM_BASE_URL=http://localhost:11434/v1 BATON_LLM_MODEL=qwen2.5 \
 *   deno run --allow-env --allow-net --allow-read examples/llm_planner.ts
 * ```
 *
 * `BATON_LLM_API_KEY` is sent as a bearer token when set (OpenAI needs it). Without
 * `BATON_LLM_BASE_URL` and `BATON_LLM_MODEL` the example says so and exits: it never pretends.
 *
 * @module
 */
import { completeStrategy, createOrchestrator, llmPlanner, standardTools } from "../mod.ts";

const env = (name: string) => {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
};

if (!env("BATON_LLM_BASE_URL") || !env("BATON_LLM_MODEL")) {
  console.log(
    "No model is configured: set BATON_LLM_BASE_URL and BATON_LLM_MODEL (and BATON_LLM_API_KEY " +
      "for OpenAI) to run this example against a real endpoint. Nothing was run.",
  );
} else {
  const baton = createOrchestrator({
    tools: standardTools(),
    plugins: [llmPlanner(), completeStrategy()],
    limits: { maxTokens: 50_000, maxDurationMs: 300_000 },
  });
  const text = "Baton turns a goal into a plan of tool calls and runs it in parallel. " +
    "It records every event, replans when a step fails, and stops loops before they burn tokens.";
  const run = await baton.runGoal(
    "Count the words of the text in context.text, summarise it in one sentence, and return both",
    { context: { text } },
  );
  console.log(`The model planned ${run.plan.steps.length} steps:`);
  for (const step of run.plan.steps) {
    console.log(`  ${step.id}: ${step.tool} ${JSON.stringify(step.input)}`);
  }
  const result = await run.result;
  console.log(`\nRun ${result.status}; plan version ${result.planVersion}`);
  console.log(`Tokens used: ${result.usage.tokens}`);
  console.log(JSON.stringify(result.outputs, null, 2));
}
