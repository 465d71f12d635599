import assert from "node:assert/strict";
import { idRecord } from "../../core/_id_record.ts";

Deno.test("idRecord gives an ordinary empty object that keeps its keys in insertion order", () => {
  const ids = Array.from({ length: 2000 }, (_, i) => `s${(i * 7919) % 2000}`);
  // Shapes for these keys exist before the record is filled, as after reading a checkpoint.
  JSON.parse(JSON.stringify(Object.fromEntries(ids.map((id) => [id, 0]))));
  const record = idRecord<number>();
  assert.equal(Object.getPrototypeOf(record), Object.prototype);
  assert.deepEqual(Object.keys(record), []);
  ids.forEach((id, i) => (record[id] = i));
  assert.deepEqual(Object.keys(record), ids);
  assert.deepEqual(record, Object.fromEntries(ids.map((id, i) => [id, i])));
  assert.equal(
    JSON.stringify(record),
    JSON.stringify(Object.fromEntries(ids.map((id, i) => [id, i]))),
  );
});
