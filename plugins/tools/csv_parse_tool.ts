import { defineTool, type Tool } from "../../core/tool.ts";

/** Parses RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else if (c === '"') {
      throw new SyntaxError(`A quote inside an unquoted field, row ${rows.length + 1}`);
    } else field += c;
    i++;
  }
  if (quoted) throw new SyntaxError("A quoted field is never closed");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * `csv.parse`: RFC 4180 CSV (quoted fields, doubled quotes, line breaks inside quotes) into
 * rows, or into objects keyed by the header row.
 *
 * @returns The tool.
 *
 * @example With a header
 * ```ts
 * import { csvParseTool } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const out = await csvParseTool().run({ text: 'name,note\nada,"a, b"\n' }, {} as never);
 * assert.deepEqual(out, { columns: ["name", "note"], rows: [{ name: "ada", note: "a, b" }] });
 * ```
 */
export function csvParseTool(): Tool {
  return defineTool({
    name: "csv.parse",
    description:
      "Parses CSV text into rows (objects keyed by the header row unless header is false)",
    input: {
      type: "object",
      required: ["text"],
      additionalProperties: false,
      properties: {
        text: { type: "string", maxLength: 5_000_000 },
        header: { type: "boolean" },
        delimiter: { type: "string", minLength: 1, maxLength: 1 },
      },
    },
    idempotent: true,
    run: (
      { text, header = true, delimiter = "," }: {
        text: string;
        header?: boolean;
        delimiter?: string;
      },
    ) => {
      if (delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
        throw new TypeError("The delimiter cannot be a quote or a line break");
      }
      const rows = parseCsv(text, delimiter);
      if (!header) return { rows };
      const [columns = [], ...body] = rows;
      const seen = new Set<string>();
      for (const c of columns) {
        if (seen.has(c)) throw new SyntaxError(`The header repeats the column "${c}"`);
        if (c === "__proto__" || c === "constructor" || c === "prototype") {
          throw new SyntaxError(`"${c}" cannot be a column name`);
        }
        seen.add(c);
      }
      return {
        columns,
        rows: body.map((r, i) => {
          if (r.length !== columns.length) {
            throw new SyntaxError(
              `Row ${i + 2} has ${r.length} fields, the header has ${columns.length}`,
            );
          }
          return Object.fromEntries(columns.map((c, k) => [c, r[k]]));
        }),
      };
    },
  });
}
