import { defineTool, type Tool } from "../../core/tool.ts";

/** Options of {@linkcode httpFetchTool}. */
export interface HttpFetchOptions {
  /** Hosts the tool may call, as `host` or `host:port` (`127.0.0.1:8080`, `api.example.com`). */
  readonly allowHosts: readonly string[];
  /** Largest response body kept, in bytes. @default {2_000_000} */
  readonly maxBytes?: number;
  /** Timeout of one request, in milliseconds. @default {30_000} */
  readonly timeoutMs?: number;
}

/**
 * `http.fetch`: GET or POST to an allow-listed host; the body comes back as JSON when the
 * response says so, as text otherwise. Only http and https; redirects are not followed (a
 * redirect could leave the allow-list); bodies are capped; the request honours the step's
 * abort signal.
 *
 * @param options The allow-list and caps.
 * @returns The tool.
 * @throws {TypeError} When the allow-list is empty.
 *
 * @example Only one host
 * ```ts
 * import { httpFetchTool } from "@baton/baton";
 *
 * const fetchTool = httpFetchTool({ allowHosts: ["127.0.0.1:8701"] });
 * ```
 */
export function httpFetchTool(options: HttpFetchOptions): Tool {
  if (!Array.isArray(options?.allowHosts) || options.allowHosts.length === 0) {
    throw new TypeError("httpFetchTool: allowHosts must list at least one host");
  }
  const allowed = new Set(options.allowHosts.map((h) => h.toLowerCase()));
  const maxBytes = options.maxBytes ?? 2_000_000;
  return defineTool({
    name: "http.fetch",
    description: "Fetches a URL on an allow-listed host (GET, or POST with a JSON body)",
    input: {
      type: "object",
      required: ["url"],
      additionalProperties: false,
      properties: {
        url: { type: "string", maxLength: 8192 },
        method: { enum: ["GET", "POST"] },
        body: {},
        headers: { type: "object", additionalProperties: { type: "string" } },
      },
    },
    timeoutMs: options.timeoutMs ?? 30_000,
    run: async (
      input: {
        url: string;
        method?: "GET" | "POST";
        body?: unknown;
        headers?: Record<string, string>;
      },
      ctx,
    ) => {
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw new TypeError(`"${input.url}" is not a URL`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new TypeError(`Only http and https URLs are allowed, got ${url.protocol}`);
      }
      if (!allowed.has(url.host.toLowerCase()) && !allowed.has(url.hostname.toLowerCase())) {
        throw new TypeError(`The host "${url.host}" is not on the allow-list`);
      }
      const method = input.method ?? "GET";
      const response = await fetch(url, {
        method,
        redirect: "manual",
        signal: ctx.signal,
        headers: {
          ...(input.body === undefined ? {} : { "content-type": "application/json" }),
          ...input.headers,
        },
        ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
      });
      const reader = response.body?.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > maxBytes) {
          await reader.cancel();
          throw new RangeError(`The response from ${url.host} is larger than ${maxBytes} bytes`);
        }
        chunks.push(value);
      }
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        bytes.set(c, at);
        at += c.length;
      }
      const text = new TextDecoder().decode(bytes);
      const type = response.headers.get("content-type") ?? "";
      const body = type.includes("json") ? JSON.parse(text) : text;
      if (!response.ok) {
        throw new Error(`${method} ${url.href} answered ${response.status} ${response.statusText}`);
      }
      return { status: response.status, body };
    },
  });
}
