import type { Tool } from "../../core/tool.ts";
import { csvParseTool } from "./csv_parse_tool.ts";
import { fsTools } from "./fs_tools.ts";
import { httpFetchTool } from "./http_fetch_tool.ts";
import { jsonMergeTool, jsonPickTool } from "./json_tools.ts";
import { textStatsTool, textSummarizeTool } from "./text_tools.ts";

/** Options of {@linkcode standardTools}. */
export interface StandardToolsOptions {
  /** Root directory of `fs.read` / `fs.write`; without it they are left out. */
  readonly root?: string;
  /** Hosts `http.fetch` may call; without them it is left out. */
  readonly allowHosts?: readonly string[];
}

/**
 * The tools that come with Baton: `fs.read`, `fs.write` (given a root), `http.fetch` (given an
 * allow-list), `text.stats`, `text.summarize`, `json.pick`, `json.merge`, `csv.parse`.
 *
 * @param options The root directory and allowed hosts.
 * @returns The tools.
 *
 * @example Everything that needs no configuration
 * ```ts
 * import { standardTools } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(standardTools().map((t) => t.name), ["text.stats", "text.summarize", "json.pick", "json.merge", "csv.parse"]);
 * ```
 */
export function standardTools(options: StandardToolsOptions = {}): Tool[] {
  return [
    ...(options.root === undefined ? [] : fsTools({ root: options.root })),
    ...(options.allowHosts === undefined
      ? []
      : [httpFetchTool({ allowHosts: options.allowHosts })]),
    textStatsTool(),
    textSummarizeTool(),
    jsonPickTool(),
    jsonMergeTool(),
    csvParseTool(),
  ];
}
