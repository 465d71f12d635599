// A local server that speaks the Chat Completions wire format and replays scripted replies.

/** One scripted reply: a plan (as content), raw content, an HTTP error, or silence. */
export type Scripted =
  | { readonly content: string; readonly finish?: string; readonly tokens?: number }
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly hang: true };

/** What the server received. */
export interface ChatRequest {
  readonly headers: Headers;
  readonly body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: { type: string };
    temperature?: number;
  };
}

export interface ChatServer {
  readonly baseUrl: string;
  readonly requests: ChatRequest[];
  close(): Promise<void>;
}

/** A reply in the exact shape OpenAI-compatible servers send. */
export function completion(content: string, finish = "stop", tokens = 30): Response {
  return Response.json({
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "test-model",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finish }],
    usage: { prompt_tokens: tokens - 10, completion_tokens: 10, total_tokens: tokens },
  });
}

/** Starts the server on a free port; it replays `script` in order, then answers 500. */
export function chatServer(script: Scripted[]): ChatServer {
  const requests: ChatRequest[] = [];
  const hanging: (() => void)[] = [];
  let next = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return Response.json({ error: { message: "not found" } }, { status: 404 });
    }
    requests.push({ headers: req.headers, body: await req.json() });
    const reply = script[next++];
    if (reply === undefined) {
      return Response.json({ error: { message: "script exhausted" } }, { status: 500 });
    }
    if ("hang" in reply) {
      return await new Promise<Response>((resolve) =>
        hanging.push(() => resolve(new Response("late", { status: 504 })))
      );
    }
    if ("status" in reply) {
      return new Response(reply.body ?? JSON.stringify({ error: { message: "error" } }), {
        status: reply.status,
        headers: { "content-type": "application/json", ...reply.headers },
      });
    }
    return completion(reply.content, reply.finish, reply.tokens);
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    requests,
    async close() {
      for (const release of hanging) release();
      await server.shutdown();
    },
  };
}
