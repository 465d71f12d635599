// One call of a tool, bounded by a timeout and its own abort switch.
import type { Clock } from "./clock.ts";
import type { Tool, ToolContext } from "./tool.ts";

/**
 * A call's abort switch. The run aborts it to cancel the call; the tool sees it as an
 * `AbortSignal`, made only when the tool asks for `ctx.signal` (most calls never do, and a
 * signal with its listeners is the costliest part of a short call).
 */
export class CallAbort {
  #controller: AbortController | undefined;
  #listener: ((reason: unknown) => void) | undefined;
  #aborted = false;
  #reason: unknown;

  /** True once aborted. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why it was aborted. */
  get reason(): unknown {
    return this.#reason;
  }

  /** The signal the tool sees; aborted already when the call was. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the call (the first reason wins). */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.#listener?.(reason);
  }

  /** Calls `listener` when aborted (one listener at a time; `undefined` removes it). */
  onAbort(listener: ((reason: unknown) => void) | undefined): void {
    this.#listener = listener;
  }
}

/** How to call a tool once. */
export interface ToolCallOptions {
  /** The step, for the timeout message. */
  readonly stepId: string;
  /** Abort the call after this long. */
  readonly timeoutMs: number | undefined;
  /**
   * The call's own switch: the run aborts it to cancel this call (cancellation, the deadline,
   * a replan that replaced the step); the timeout aborts it with a `TimeoutError`.
   */
  readonly abort: CallAbort;
  /** Where the timeout's time comes from. */
  readonly clock: Clock;
  /** The tool's context; its `signal` should be `abort.signal`, read only when asked for. */
  readonly context: ToolContext;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}

/**
 * Calls `tool.run` and settles when it does, or when its abort switch is thrown (the timeout,
 * or the run), whichever comes first. A tool that ignores its signal is abandoned: its
 * eventual result is dropped. A tool that answers synchronously cannot be interrupted, so its
 * answer is given back as it is, with no timer and no promise.
 *
 * @param tool The tool.
 * @param input Its input (already checked).
 * @param options Timeout, abort switch, clock and context.
 * @returns The tool's output, or a promise of it when the tool answered with one.
 * @throws The abort reason when the call was aborted before it started, or what the tool threw.
 */
export function callTool(
  tool: Tool,
  input: unknown,
  options: ToolCallOptions,
): unknown {
  const { abort } = options;
  if (abort.aborted) throw abort.reason;
  const answer = tool.run(input as never, options.context);
  return isThenable(answer) ? settle(answer, options) : answer;
}

async function settle(answer: PromiseLike<unknown>, options: ToolCallOptions): Promise<unknown> {
  const { timeoutMs, stepId, abort, clock } = options;
  const timer = timeoutMs === undefined ? undefined : new AbortController();
  if (timer !== undefined) {
    clock.sleep(timeoutMs!, timer.signal).then(() => {
      const error = new Error(`Step "${stepId}" timed out after ${timeoutMs} ms`);
      error.name = "TimeoutError";
      abort.abort(error);
    }, () => {});
  }
  try {
    return await new Promise<unknown>((resolve, reject) => {
      abort.onAbort(reject);
      Promise.resolve(answer).then(resolve, reject);
    });
  } finally {
    // A plain reason: an abort without one builds a DOMException and its stack.
    timer?.abort("settled");
    abort.onAbort(undefined);
  }
}
