import { type Clock, systemClock } from "../../core/clock.ts";
import { backoffDelay } from "../../core/_backoff.ts";
import { BatonError } from "../../core/errors.ts";
import type { PlanInput } from "../../core/plan.ts";
import type { Planner, PlanRequest } from "../../core/planner.ts";

/** Options of {@linkcode llmPlanner}. */
export interface LlmPlannerOptions {
  /**
   * The API's base URL, ending before `/chat/completions`: `https://api.openai.com/v1`,
   * `http://localhost:11434/v1` (Ollama), a vLLM, llama.cpp or LM Studio server.
   * @default {the BATON_LLM_BASE_URL environment variable}
   */
  readonly baseUrl?: string;
  /** The model name. @default {the BATON_LLM_MODEL environment variable} */
  readonly model?: string;
  /** Sent as a bearer token when set. @default {the BATON_LLM_API_KEY environment variable} */
  readonly apiKey?: string;
  /** Sampling temperature. @default {0} */
  readonly temperature?: number;
  /** Longest wait for one HTTP reply, in milliseconds. @default {60_000} */
  readonly timeoutMs?: number;
  /** HTTP attempts per request, for 429, 5xx, network errors and timeouts. @default {4} */
  readonly maxAttempts?: number;
  /** Replies that may be sent back with their validation errors before giving up. @default {2} */
  readonly maxRepairs?: number;
  /** The first back-off after a 5xx without Retry-After, doubled each time. @default {500} */
  readonly backoffMs?: number;
  /** The `fetch` to use. @default {globalThis.fetch} */
  readonly fetch?: typeof fetch;
  /** Where back-off time comes from. @default {systemClock} */
  readonly clock?: Clock;
}

/** The JSON Schema of a plan, sent as `response_format`. */
const PLAN_SCHEMA = {
  type: "object",
  required: ["goal", "steps"],
  additionalProperties: false,
  properties: {
    goal: { type: "string" },
    output: { type: "string" },
    steps: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "tool", "input", "dependsOn"],
        additionalProperties: false,
        properties: {
          id: { type: "string" },
          tool: { type: "string" },
          input: { type: "object" },
          dependsOn: { type: "array", items: { type: "string" } },
          when: { type: "string" },
          expect: { type: "string" },
          fallback: { type: "array", items: { type: "string" } },
          estimateMs: { type: "number" },
          title: { type: "string" },
        },
      },
    },
  },
};

const SYSTEM = `You are the planner of Baton, which runs plans of tool calls.
Reply with one JSON object and nothing else: {"goal": string, "steps": [...], "output"?: step id}.
Each step: {"id", "tool", "input", "dependsOn"} and optionally "when" (a CEL condition over
steps and context), "expect" (a CEL condition over output), "fallback" (other tool names),
"estimateMs", "title". Ids: a letter or _, then letters, digits, _, - or .
Use only the tools listed, with inputs that match their JSON Schemas. An input string may read
an earlier step's output with \${{ steps.ID.output.PATH }} or a context value with
\${{ context.KEY }}; a step that reads another step must list it in dependsOn, directly or not.
Steps without a dependency between them run in parallel; no cycles.`;

const SCOPES = {
  step: "Replace the failed step with an alternative; keep the other steps as they are.",
  partial:
    "Replan the failed step and the steps that depend on it; keep every step listed in keep exactly as it is.",
  complete:
    "Replan all remaining work from the current state; completed steps are kept and may be read.",
} as const;

/**
 * A planner that asks a language model through any OpenAI-compatible Chat Completions
 * endpoint (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio). It sends the goal, the tool
 * catalogue and context (and, on replan, the failure and the run so far in brief), asks for a
 * plan under a JSON Schema (falling back to JSON mode when the server does not support
 * schemas), and validates the reply strictly: an invalid plan is sent back with its errors, at
 * most `maxRepairs` times. Token usage of every reply counts against the run's limits; 429
 * (honouring Retry-After), 5xx, network errors and timeouts are retried with back-off; the
 * run's signal aborts the request.
 *
 * @param options Endpoint, model, key and retry settings; the endpoint, model and key default
 *   to the `BATON_LLM_BASE_URL`, `BATON_LLM_MODEL` and `BATON_LLM_API_KEY` environment variables.
 * @returns The planner plugin.
 * @throws {TypeError} When no base URL or model is given or set in the environment.
 *
 * @example A planner for a local Ollama
 * ```ts
 * import { createOrchestrator, llmPlanner, standardTools } from "@baton/baton";
 *
 * const planner = llmPlanner({ baseUrl: "http://localhost:11434/v1", model: "qwen2.5" });
 * const baton = createOrchestrator({ tools: standardTools(), plugins: [planner] });
 * ```
 */
export function llmPlanner(options: LlmPlannerOptions = {}): Planner {
  const baseUrl = options.baseUrl ?? env("BATON_LLM_BASE_URL");
  const model = options.model ?? env("BATON_LLM_MODEL");
  const apiKey = options.apiKey ?? env("BATON_LLM_API_KEY");
  if (!baseUrl || !model) {
    throw new TypeError(
      "llmPlanner needs a baseUrl and a model (or BATON_LLM_BASE_URL and BATON_LLM_MODEL)",
    );
  }
  const url = `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 4;
  const maxRepairs = options.maxRepairs ?? 2;
  const backoffMs = options.backoffMs ?? 500;
  const doFetch = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  let format: "json_schema" | "json_object" = "json_schema";

  async function post(body: Record<string, unknown>, request: PlanRequest): Promise<unknown> {
    const signal = request.signal;
    for (let attempt = 1;; attempt++) {
      const responseFormat = format === "json_schema"
        ? { type: "json_schema", json_schema: { name: "baton_plan", schema: PLAN_SCHEMA } }
        : { type: "json_object" };
      let response: Response;
      try {
        response = await doFetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          },
          body: JSON.stringify({ ...body, response_format: responseFormat }),
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const timedOut = (error as Error)?.name === "TimeoutError";
        const problem = timedOut
          ? `no answer within ${timeoutMs} ms`
          : `network error: ${(error as Error)?.message ?? error}`;
        if (attempt >= maxAttempts) {
          throw new BatonError(`Chat Completions request to ${url} failed: ${problem}`, {
            cause: error,
          });
        }
        await clock.sleep(backoffDelay(backoffMs, attempt), signal);
        continue;
      }
      if (response.ok) {
        try {
          return await response.json();
        } catch (error) {
          throw new BatonError(`Chat Completions reply from ${url} is not JSON`, { cause: error });
        }
      }
      const text = await response.text().catch(() => "");
      if (
        response.status === 400 && format === "json_schema" &&
        /response_format|json_schema/i.test(text)
      ) {
        // The server does not take JSON Schemas: ask for plain JSON mode from now on.
        format = "json_object";
        continue;
      }
      if ((response.status === 429 || response.status >= 500) && attempt < maxAttempts) {
        await clock.sleep(retryAfterMs(response) ?? backoffDelay(backoffMs, attempt), signal);
        continue;
      }
      throw new BatonError(
        `Chat Completions request to ${url} failed: HTTP ${response.status} ${text.slice(0, 300)}`,
      );
    }
  }

  return {
    name: "llm",
    kind: "planner",
    async plan(request) {
      const messages: { role: string; content: string }[] = [
        { role: "system", content: SYSTEM },
        { role: "user", content: prompt(request) },
      ];
      let problem = "";
      for (let reply = 0; reply <= maxRepairs; reply++) {
        const body = await post({
          model,
          messages,
          temperature: options.temperature ?? 0,
        }, request);
        const { content, finish, usage } = readReply(body);
        if (usage !== undefined) request.report({ tokens: usage, apiCalls: 1 });
        else request.report({ apiCalls: 1 });
        let plan: unknown;
        if (finish === "length") {
          problem = "the reply was cut off (finish_reason: length); reply with a shorter plan";
        } else if (content === undefined) {
          problem = "the reply has no message content";
        } else {
          try {
            plan = JSON.parse(stripFences(content));
            const errors = request.validate(plan);
            problem = errors.length === 0 ? "" : `the plan is invalid: ${errors.join("; ")}`;
          } catch (error) {
            problem = `the reply is not valid JSON: ${(error as Error).message}`;
          }
        }
        if (problem === "") return plan as PlanInput;
        messages.push(
          { role: "assistant", content: content ?? "" },
          {
            role: "user",
            content: `Rejected: ${problem}. Reply with the corrected plan as one JSON object.`,
          },
        );
      }
      throw new BatonError(
        `The model gave no valid plan in ${maxRepairs + 1} replies; last problem: ${problem}`,
      );
    },
  };
}

/** What the model is told: the goal, tools, context and, on replan, what happened. */
function prompt(request: PlanRequest): string {
  const { replan } = request;
  const task = replan === undefined
    ? "Write a plan that reaches the goal."
    : `Replan (${replan.trigger.kind}): ${SCOPES[replan.scope]}`;
  return JSON.stringify({
    task,
    goal: request.goal,
    tools: request.tools,
    context: request.context,
    ...(replan === undefined ? {} : {
      replan: {
        trigger: replan.trigger,
        failedStep: replan.failedStep,
        currentPlan: replan.plan,
        version: replan.version,
        completed: replan.completed,
        keep: replan.keep,
        recentEvents: replan.recent,
      },
    }),
  });
}

function readReply(
  body: unknown,
): { content: string | undefined; finish: unknown; usage: number | undefined } {
  const b = body as {
    choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
    usage?: { total_tokens?: unknown; prompt_tokens?: unknown; completion_tokens?: unknown };
  } | null;
  const choice = Array.isArray(b?.choices) ? b.choices[0] : undefined;
  const content = choice?.message?.content;
  const u = b?.usage;
  const total = typeof u?.total_tokens === "number"
    ? u.total_tokens
    : typeof u?.prompt_tokens === "number" && typeof u?.completion_tokens === "number"
    ? u.prompt_tokens + u.completion_tokens
    : undefined;
  return {
    content: typeof content === "string" ? content : undefined,
    finish: choice?.finish_reason,
    usage: total,
  };
}

/** Models sometimes wrap JSON in a Markdown fence. */
function stripFences(text: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return m ? m[1]! : text;
}

/** Retry-After in milliseconds: seconds, or an HTTP date. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 300_000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.min(date - Date.now(), 300_000));
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
