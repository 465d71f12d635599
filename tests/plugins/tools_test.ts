import assert from "node:assert/strict";
import { symlink } from "node:fs/promises";
import {
  createOrchestrator,
  csvParseTool,
  fsTools,
  httpFetchTool,
  jsonMergeTool,
  jsonPickTool,
  PlanError,
  standardTools,
  textStatsTool,
  textSummarizeTool,
  type Tool,
  type ToolContext,
} from "../../mod.ts";

const ctx = (signal = new AbortController().signal): ToolContext => ({
  signal,
  runId: "r",
  stepId: "s",
  attempt: 1,
  context: {},
  report: () => {},
  emit: () => {},
});
const call = async (tool: Tool, input: unknown) => await tool.run(input as never, ctx());
const byName = (tools: Tool[], name: string) => tools.find((t) => t.name === name)!;

Deno.test("fs.read and fs.write stay inside their root", async () => {
  const base = await Deno.makeTempDir({ prefix: "baton-fs-" });
  const root = `${base}/root`;
  await Deno.mkdir(root);
  await Deno.writeTextFile(`${base}/secret.txt`, "outside");
  try {
    const [read, write] = [
      byName(fsTools({ root }), "fs.read"),
      byName(fsTools({ root, maxBytes: 10 }), "fs.write"),
    ];
    assert.deepEqual(await call(write, { path: "notes/a.txt", text: "hi" }), {
      path: "notes/a.txt",
      bytes: 2,
    });
    assert.deepEqual(await call(read, { path: "notes/a.txt" }), {
      path: "notes/a.txt",
      text: "hi",
      bytes: 2,
    });
    await assert.rejects(call(read, { path: "../secret.txt" }), /leads outside the tool's root/);
    await assert.rejects(call(read, { path: "notes/../../secret.txt" }), /leads outside/);
    await assert.rejects(call(read, { path: `${base}/secret.txt` }), /must be relative/);
    await assert.rejects(call(write, { path: "../x.txt", text: "x" }), /leads outside/);
    await assert.rejects(call(write, { path: "big.txt", text: "x".repeat(11) }), /more than 10/);
    await assert.rejects(call(read, { path: "a\0b" }), /NUL/);
    await symlink(`${base}/secret.txt`, `${root}/link.txt`);
    await symlink(base, `${root}/dirlink`);
    await assert.rejects(
      call(read, { path: "link.txt" }),
      /outside the tool's root through a link/,
    );
    await assert.rejects(call(write, { path: "dirlink/new.txt", text: "x" }), /through a link/);
    await assert.rejects(call(read, { path: "missing.txt" }), /ENOENT|No such file/);
    await assert.rejects(call(read, { path: "notes" }), /is not a file/);
    assert.equal(await Deno.readTextFile(`${base}/secret.txt`), "outside");
    assert.throws(() => fsTools({ root: "" }), /root must be a directory/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("tool inputs are checked against their schemas before a run starts", () => {
  const baton = createOrchestrator({
    tools: standardTools({ root: ".", allowHosts: ["127.0.0.1:1"] }),
  });
  const plan = (tool: string, input: unknown) => ({
    goal: "g",
    steps: [{ id: "a", tool, input: input as never }],
  });
  assert.throws(
    () => baton.run(plan("fs.read", { path: 3 })),
    (e: unknown) => e instanceof PlanError && e.path === "steps[0].input.path",
  );
  assert.throws(
    () => baton.run(plan("fs.read", { path: "a", mode: "x" })),
    /steps\[0\]\.input\.mode: Unknown field/,
  );
  assert.throws(
    () => baton.run(plan("http.fetch", { url: "http://x", method: "DELETE" })),
    /Expected one of "GET", "POST"/,
  );
  assert.throws(
    () => baton.run(plan("text.stats", {})),
    /steps\[0\]\.input\.text: Required field is missing/,
  );
  assert.throws(
    () => baton.run(plan("csv.parse", { text: "a", delimiter: ";;" })),
    /at most 1 characters/,
  );
  assert.throws(() => baton.run(plan("json.merge", { values: [] })), /at least 1 items/);
});

Deno.test("http.fetch calls only allow-listed hosts, caps bodies and reports HTTP errors", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/json") return Response.json({ ok: true, method: req.method });
    if (path === "/big") return new Response("x".repeat(5000));
    if (path === "/redirect") return Response.redirect("http://example.com/", 302);
    return new Response("nope", { status: 404 });
  });
  const host = `127.0.0.1:${server.addr.port}`;
  try {
    const tool = httpFetchTool({ allowHosts: [host], maxBytes: 1000 });
    assert.deepEqual(await call(tool, { url: `http://${host}/json` }), {
      status: 200,
      body: { ok: true, method: "GET" },
    });
    assert.deepEqual(
      await call(tool, { url: `http://${host}/json`, method: "POST", body: { a: 1 } }),
      {
        status: 200,
        body: { ok: true, method: "POST" },
      },
    );
    await assert.rejects(call(tool, { url: `http://${host}/big` }), /larger than 1000 bytes/);
    await assert.rejects(call(tool, { url: `http://${host}/missing` }), /answered 404/);
    await assert.rejects(call(tool, { url: `http://${host}/redirect` }), /answered 302/);
    await assert.rejects(call(tool, { url: "http://127.0.0.2:9/" }), /not on the allow-list/);
    await assert.rejects(call(tool, { url: "file:///etc/passwd" }), /Only http and https/);
    await assert.rejects(call(tool, { url: "not a url" }), /is not a URL/);
    assert.throws(() => httpFetchTool({ allowHosts: [] }), /at least one host/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("text.stats and text.summarize", async () => {
  const text =
    "Baton runs plans in parallel. Plans are graphs of steps.\nGraphs with cycles are refused. " +
    "Baton records every event of a plan run. Weather is nice.";
  const stats = await call(textStatsTool(), { text, top: 2 }) as Record<string, unknown>;
  assert.equal(stats.words, 26);
  assert.equal(stats.lines, 2);
  assert.equal(stats.sentences, 5);
  // Ties are broken alphabetically: baton, graphs and plans all appear twice.
  assert.deepEqual(stats.topWords, [{ word: "baton", count: 2 }, { word: "graphs", count: 2 }]);
  const summary = await call(textSummarizeTool(), { text, sentences: 2 }) as {
    sentences: string[];
  };
  assert.equal(summary.sentences.length, 2);
  assert.ok(!summary.sentences.includes("Weather is nice."));
  assert.deepEqual(await call(textStatsTool(), { text: "" }), {
    characters: 0,
    words: 0,
    lines: 0,
    sentences: 0,
    readingMinutes: 0,
    topWords: [],
  });
});

Deno.test("json.pick and json.merge refuse prototype paths and merge deeply", async () => {
  assert.deepEqual(
    await call(jsonPickTool(), { value: { a: [{ b: 1 }] }, paths: { x: "a[0].b", y: "a[3].b" } }),
    { x: 1, y: null },
  );
  await assert.rejects(
    call(jsonPickTool(), { value: {}, paths: { x: "__proto__.polluted" } }),
    /cannot be read/,
  );
  await assert.rejects(call(jsonPickTool(), { value: {}, paths: { x: "a..b" } }), /is not a path/);
  const merged = await call(jsonMergeTool(), {
    values: [
      { a: { x: 1, l: [1] } },
      { a: { y: 2, l: [2] } },
      JSON.parse('{"__proto__": {"polluted": 1}}'),
    ],
  });
  assert.deepEqual(merged, { a: { x: 1, y: 2, l: [1, 2] } });
  assert.deepEqual(
    await call(jsonMergeTool(), { values: [{ l: [1] }, { l: [2] }], arrays: "replace" }),
    { l: [2] },
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("csv.parse handles quotes and line breaks and refuses malformed input", async () => {
  const text = 'name,note\r\nada,"says ""hi"", twice"\nbob,"two\nlines"\n';
  assert.deepEqual(await call(csvParseTool(), { text }), {
    columns: ["name", "note"],
    rows: [{ name: "ada", note: 'says "hi", twice' }, { name: "bob", note: "two\nlines" }],
  });
  assert.deepEqual(
    await call(csvParseTool(), { text: "a;b\n1;2", header: false, delimiter: ";" }),
    { rows: [["a", "b"], ["1", "2"]] },
  );
  await assert.rejects(call(csvParseTool(), { text: 'a\n"open' }), /never closed/);
  await assert.rejects(
    call(csvParseTool(), { text: "a,b\n1" }),
    /Row 2 has 1 fields, the header has 2/,
  );
  await assert.rejects(call(csvParseTool(), { text: "a,a\n1,2" }), /repeats the column "a"/);
  await assert.rejects(call(csvParseTool(), { text: "__proto__\n1" }), /cannot be a column name/);
  await assert.rejects(call(csvParseTool(), { text: 'a\nx"y' }), /quote inside an unquoted field/);
});
