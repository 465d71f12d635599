// One call of a tool, bounded by a timeout and the run's abort signal.
import type { Tool, ToolContext } from "./tool.ts";

/** How to call a tool once. */
export interface ToolCallOptions {
  /** The step, for the timeout message. */
  readonly stepId: string;
  /** Abort the call after this long. */
  readonly timeoutMs: number | undefined;
  /** The run's signal (cancellation, deadline). */
  readonly signal: AbortSignal;
  /** Everything the tool's context holds but the signal. */
  readonly context: Omit<ToolContext, "signal">;
}

/**
 * Calls `tool.run` and settles when it does, when the timeout passes (a `TimeoutError`) or
 * when the run's signal aborts, whichever comes first. A tool that ignores its signal is
 * abandoned: its eventual result is dropped.
 *
 * @param tool The tool.
 * @param input Its input (already checked).
 * @param options Timeout, signal and context.
 * @returns The tool's output.
 */
export async function callTool(
  tool: Tool,
  input: unknown,
  options: ToolCallOptions,
): Promise<unknown> {
  const { timeoutMs, stepId } = options;
  // Combining signals is not free: only calls with a timeout need their own.
  const local = timeoutMs === undefined ? undefined : new AbortController();
  const signal = local ? AbortSignal.any([options.signal, local.signal]) : options.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    if (local !== undefined) {
      timer = setTimeout(() => {
        const error = new Error(`Step "${stepId}" timed out after ${timeoutMs} ms`);
        error.name = "TimeoutError";
        local.abort(error);
        reject(error);
      }, timeoutMs);
    }
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const ctx: ToolContext = { ...options.context, signal };
    return await Promise.race([
      Promise.resolve().then(() => tool.run(input as never, ctx)),
      abandoned,
    ]);
  } finally {
    clearTimeout(timer);
    // The run's signal outlives the call: do not leave a listener per call on it.
    signal.removeEventListener("abort", onAbort!);
  }
}
