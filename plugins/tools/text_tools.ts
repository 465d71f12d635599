import { defineTool, type Tool } from "../../core/tool.ts";

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const STOP = new Set(
  "a an and are as at be but by for from has have he her his i in is it its of on or she that the their them they this to was were will with you your we our not no so if than then there these those which who what when where how can could would should may might do does did been being into over under about after before more most such only also very just"
    .split(" "),
);

function words(text: string): string[] {
  return (text.match(WORD) ?? []).map((w) => w.toLowerCase());
}

function sentences(text: string): string[] {
  return text.replace(/\s+/g, " ").split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'“(])/u).map((s) => s.trim())
    .filter(Boolean);
}

const textInput = (extra: Record<string, unknown> = {}) => ({
  type: "object",
  required: ["text"],
  additionalProperties: false,
  properties: { text: { type: "string", maxLength: 5_000_000 }, ...extra },
} as const);

/**
 * `text.stats`: characters, words, lines, sentences, reading time and the most frequent words
 * (without common stop words).
 *
 * @returns The tool.
 *
 * @example Counting
 * ```ts
 * import { textStatsTool } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const ctx = {} as never;
 * const stats = await textStatsTool().run({ text: "Plans run. Plans replan." }, ctx) as { words: number };
 * assert.equal(stats.words, 4);
 * ```
 */
export function textStatsTool(): Tool {
  return defineTool({
    name: "text.stats",
    description: "Counts characters, words, lines and sentences and lists the most frequent words",
    input: textInput({ top: { type: "integer", minimum: 1, maximum: 100 } }),
    idempotent: true,
    run: ({ text, top = 5 }: { text: string; top?: number }) => {
      const all = words(text);
      const counts = new Map<string, number>();
      for (const w of all) {
        if (!STOP.has(w) && w.length > 2) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      const topWords = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(
        0,
        top,
      )
        .map(([word, count]) => ({ word, count }));
      return {
        characters: text.length,
        words: all.length,
        lines: text === "" ? 0 : text.split("\n").length,
        sentences: sentences(text).length,
        readingMinutes: Math.ceil(all.length / 230),
        topWords,
      };
    },
  });
}

/**
 * `text.summarize`: an extractive summary: the sentences that carry the text's most frequent
 * content words, in their original order. No model needed.
 *
 * @returns The tool.
 *
 * @example Two sentences out of four
 * ```ts
 * import { textSummarizeTool } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const text = "Baton runs plans. Plans are graphs. Graphs have cycles sometimes. Baton rejects cycles in plans.";
 * const out = await textSummarizeTool().run({ text, sentences: 2 }, {} as never) as { sentences: string[] };
 * assert.equal(out.sentences.length, 2);
 * ```
 */
export function textSummarizeTool(): Tool {
  return defineTool({
    name: "text.summarize",
    description: "Picks the most representative sentences of a text (extractive summary)",
    input: textInput({ sentences: { type: "integer", minimum: 1, maximum: 50 } }),
    idempotent: true,
    run: ({ text, sentences: count = 3 }: { text: string; sentences?: number }) => {
      const all = sentences(text);
      const freq = new Map<string, number>();
      for (const w of words(text)) if (!STOP.has(w)) freq.set(w, (freq.get(w) ?? 0) + 1);
      const scored = all.map((sentence, index) => {
        const ws = words(sentence).filter((w) => !STOP.has(w));
        const score = ws.reduce((sum, w) => sum + (freq.get(w) ?? 0), 0) /
          Math.max(1, Math.sqrt(ws.length));
        return { sentence, index, score };
      });
      const chosen = [...scored].sort((a, b) => b.score - a.score || a.index - b.index).slice(
        0,
        count,
      )
        .sort((a, b) => a.index - b.index);
      return {
        summary: chosen.map((c) => c.sentence).join(" "),
        sentences: chosen.map((c) => c.sentence),
      };
    },
  });
}
