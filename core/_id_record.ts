/**
 * An empty plain object for entries keyed by step id (outputs, states, attempts), made to hold
 * its keys in a hash table from the start.
 *
 * A `{}` filled key by key follows the shape transitions that an earlier object with the same
 * keys left behind (JSON.parse makes them, for one), and then copies its whole property array
 * on every insert: quadratic in the number of steps. Deleting a property other than the last
 * one turns an object into a dictionary, which later inserts do not copy.
 *
 * @returns An ordinary empty object (its prototype is `Object.prototype`).
 */
export function idRecord<T>(): Record<string, T> {
  const record: Record<string, T> = { a: undefined!, b: undefined! };
  delete record.a;
  delete record.b;
  return record;
}
