// One call of a tool, bounded by a timeout and its own abort controller.
import type { Clock } from "./clock.ts";
import type { Tool, ToolContext } from "./tool.ts";

/** How to call a tool once. */
export interface ToolCallOptions {
  /** The step, for the timeout message. */
  readonly stepId: string;
  /** Abort the call after this long. */
  readonly timeoutMs: number | undefined;
  /**
   * The call's own controller: the run aborts it to cancel this call (cancellation, the
   * deadline, a replan that replaced the step); the timeout aborts it with a `TimeoutError`.
   */
  readonly controller: AbortController;
  /** Where the timeout's time comes from. */
  readonly clock: Clock;
  /** Everything the tool's context holds but the signal. */
  readonly context: Omit<ToolContext, "signal">;
}

/**
 * Calls `tool.run` and settles when it does, or when its controller aborts (the timeout, or
 * the run), whichever comes first. A tool that ignores its signal is abandoned: its eventual
 * result is dropped.
 *
 * @param tool The tool.
 * @param input Its input (already checked).
 * @param options Timeout, controller, clock and context.
 * @returns The tool's output.
 */
export async function callTool(
  tool: Tool,
  input: unknown,
  options: ToolCallOptions,
): Promise<unknown> {
  const { timeoutMs, stepId, controller, clock } = options;
  const signal = controller.signal;
  const timer = timeoutMs === undefined ? undefined : new AbortController();
  if (timer !== undefined) {
    clock.sleep(timeoutMs!, timer.signal).then(() => {
      const error = new Error(`Step "${stepId}" timed out after ${timeoutMs} ms`);
      error.name = "TimeoutError";
      controller.abort(error);
    }, () => {});
  }
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const ctx: ToolContext = { ...options.context, signal };
    return await Promise.race([
      Promise.resolve().then(() => tool.run(input as never, ctx)),
      abandoned,
    ]);
  } finally {
    timer?.abort();
    signal.removeEventListener("abort", onAbort!);
  }
}
