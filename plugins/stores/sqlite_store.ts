import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { BatonError } from "../../core/errors.ts";
import type { RunEvent, RunEventType } from "../../core/events.ts";
import type {
  Checkpoint,
  EventQuery,
  HistoryStore,
  RunLease,
  RunRecord,
} from "../../core/store.ts";
import { batchLease, mayClaim } from "./_store_util.ts";

/**
 * The SQLite history store, a separate entry point (`@baton/baton/sqlite`) so that the root
 * module loads in runtimes without `node:sqlite`.
 *
 * @module
 */

/** Options of {@linkcode sqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file; `":memory:"` for a throwaway one. */
  readonly path: string;
  /**
   * `FULL` makes every committed batch survive a power cut; `NORMAL` (in WAL mode) survives
   * a process crash and is faster.
   * @default {"FULL"}
   */
  readonly synchronous?: "FULL" | "NORMAL";
  /**
   * How long a write waits for another connection's lock, in milliseconds.
   * @default {5000}
   */
  readonly busyTimeoutMs?: number;
}

/** A SQLite history store that can be closed. */
export interface SqliteStore extends HistoryStore {
  /** Closes the database. */
  close(): void;
}

/** Rows per multi-row insert, and the columns of an event row. */
const EVENT_ROWS = 32;
const EVENT_COLUMNS = 8;

const FINAL: Partial<Record<RunEventType, RunRecord["status"]>> = {
  "run.completed": "completed",
  "run.failed": "failed",
  "run.stopped": "stopped",
  "run.cancelled": "cancelled",
};

// Runs are numbered in the order they start, and events are keyed by (run number, seq): a new
// run's events go to the end of the table, so a file holding many runs is written at its end
// instead of split in the middle (a random run id as the key halved the write speed there).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  run_no INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE,
  goal TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  last_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  run_no INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  ts INTEGER NOT NULL,
  step_id TEXT,
  plan_version INTEGER NOT NULL,
  impact TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (run_no, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_by_step ON events (run_no, step_id, seq);
CREATE TABLE IF NOT EXISTS checkpoints (
  run_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS leases (
  run_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  until INTEGER NOT NULL
);`;

/** Moves a file written by 0.1 (events keyed by run id) to the layout above, in one transaction. */
const MIGRATE_FROM_RUN_IDS = `
ALTER TABLE runs RENAME TO runs_by_id;
ALTER TABLE events RENAME TO events_by_id;
DROP INDEX IF EXISTS events_by_step;
${SCHEMA}
INSERT INTO runs (run_id, goal, started_at, status, last_seq)
  SELECT run_id, goal, started_at, status, last_seq FROM runs_by_id ORDER BY started_at, run_id;
INSERT INTO events (run_no, seq, type, ts, step_id, plan_version, impact, data)
  SELECT r.run_no, e.seq, e.type, e.ts, e.step_id, e.plan_version, e.impact, e.data
  FROM events_by_id e JOIN runs r ON r.run_id = e.run_id;
DROP TABLE events_by_id;
DROP TABLE runs_by_id;`;

interface Row {
  seq: number;
  type: string;
  ts: number;
  step_id: string | null;
  plan_version: number;
  impact: string;
  data: string;
}

/**
 * History in one SQLite file through Deno's built-in `node:sqlite`: nothing to install. WAL
 * journal, `synchronous=FULL` by default, a busy timeout, and the primary key (run, seq) so a
 * gap or a duplicate cannot be stored; each batch of events is one transaction. Rows hold plain
 * JSON. Use one store (one writer) per process and file; processes may share the file, and run
 * leases (`claim`, `release`, and writes refused from an owner that lost its lease) keep each run
 * to one orchestrator at a time.
 *
 * @param options The file and durability.
 * @returns The store plugin.
 *
 * @example A throwaway database
 * ```ts
 * import { createOrchestrator, defineTool } from "@baton/baton";
 * import { sqliteStore } from "@baton/baton/sqlite";
 * import assert from "node:assert/strict";
 *
 * const store = sqliteStore({ path: ":memory:" });
 * const noop = defineTool({ name: "noop", description: "Does nothing", input: { type: "object" }, run: () => null });
 * const run = createOrchestrator({ tools: [noop], store }).run({ goal: "g", steps: [{ id: "a", tool: "noop" }] });
 * await run.result;
 * assert.equal((await store.runs())[0]?.status, "completed");
 * store.close();
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  const synchronous = options.synchronous ?? "FULL";
  if (synchronous !== "FULL" && synchronous !== "NORMAL") {
    throw new RangeError(
      `sqliteStore: synchronous must be "FULL" or "NORMAL", got ${String(synchronous)}`,
    );
  }
  const db = new DatabaseSync(options.path);
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  const byRunId = db.prepare(
    "SELECT 1 FROM pragma_table_info('events') WHERE name = 'run_id'",
  ).get();
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(byRunId === undefined ? SCHEMA : MIGRATE_FROM_RUN_IDS);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    db.close();
    throw error;
  }
  const runRow = db.prepare("SELECT run_no, last_seq, status FROM runs WHERE run_id = ?");
  const insertRun = db.prepare(
    "INSERT INTO runs (run_id, goal, started_at, status, last_seq) VALUES (?, ?, ?, 'running', 0)",
  );
  const updateRun = db.prepare("UPDATE runs SET last_seq = ?, status = ? WHERE run_no = ?");
  const insertEvent = db.prepare(
    "INSERT INTO events (run_no, seq, type, ts, step_id, plan_version, impact, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  // Events go in EVENT_ROWS at a time through one statement: a quarter less time per event
  // than one statement per event.
  const insertEvents = db.prepare(
    `INSERT INTO events (run_no, seq, type, ts, step_id, plan_version, impact, data) VALUES ${
      Array(EVENT_ROWS).fill("(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")
    }`,
  );
  const values: SQLInputValue[] = Array(EVENT_ROWS * EVENT_COLUMNS).fill(null);
  const saveCp = db.prepare(
    "INSERT INTO checkpoints (run_id, seq, state) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET seq = excluded.seq, state = excluded.state",
  );
  const loadCp = db.prepare("SELECT seq, state FROM checkpoints WHERE run_id = ?");
  const leaseRow = db.prepare("SELECT owner, until FROM leases WHERE run_id = ?");
  const setLease = db.prepare(
    "INSERT INTO leases (run_id, owner, until) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, until = excluded.until",
  );
  const dropLease = db.prepare("DELETE FROM leases WHERE run_id = ? AND owner = ?");
  const queries = new Map<string, StatementSync>();

  function transaction<T>(work: () => T): T {
    db.exec("BEGIN IMMEDIATE");
    try {
      const out = work();
      db.exec("COMMIT");
      return out;
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }

  /**
   * Runs a write without waiting for the disk: leases matter only while processes live, and a
   * power cut ends them all. WAL keeps it atomic, and the next synced commit makes it durable.
   */
  function unsynced<T>(work: () => T): T {
    if (synchronous === "NORMAL") return work();
    db.exec("PRAGMA synchronous = NORMAL");
    try {
      return work();
    } finally {
      db.exec("PRAGMA synchronous = FULL");
    }
  }

  function toEvent(runId: string, row: Row): RunEvent {
    return {
      seq: row.seq,
      runId,
      type: row.type as RunEventType,
      ts: row.ts,
      ...(row.step_id === null ? {} : { stepId: row.step_id }),
      planVersion: row.plan_version,
      data: JSON.parse(row.data),
      impact: row.impact as RunEvent["impact"],
    };
  }

  return {
    name: "sqlite",
    kind: "store",
    append(runId, events, options = {}) {
      if (events.length === 0) return Promise.resolve();
      try {
        transaction(() => {
          const holder = leaseRow.get(runId) as RunLease | undefined;
          const claimed = batchLease(runId, holder, options);
          if (claimed !== undefined) setLease.run(runId, claimed.owner, claimed.until);
          const row = runRow.get(runId) as
            | { run_no: number; last_seq: number; status: string }
            | undefined;
          let last = row?.last_seq ?? 0;
          let status = (row?.status ?? "running") as RunRecord["status"];
          const runNo = row?.run_no ??
            Number(
              insertRun.run(runId, String(events[0]!.data.goal ?? ""), events[0]!.ts)
                .lastInsertRowid,
            );
          let filled = 0;
          for (const e of events) {
            if (e.runId !== runId || e.seq !== last + 1) {
              throw new BatonError(
                `Run "${runId}": event seq ${e.seq} does not follow ${last} (no gaps or duplicates allowed)`,
              );
            }
            const at = filled++ * EVENT_COLUMNS;
            values[at] = runNo;
            values[at + 1] = e.seq;
            values[at + 2] = e.type;
            values[at + 3] = e.ts;
            values[at + 4] = e.stepId ?? null;
            values[at + 5] = e.planVersion;
            values[at + 6] = e.impact;
            values[at + 7] = JSON.stringify(e.data);
            if (filled === EVENT_ROWS) {
              insertEvents.run(...values);
              filled = 0;
            }
            last = e.seq;
            status = FINAL[e.type] ??
              (e.type === "run.started" || e.type === "run.resumed" ? "running" : status);
          }
          for (let r = 0; r < filled; r++) {
            insertEvent.run(...values.slice(r * EVENT_COLUMNS, (r + 1) * EVENT_COLUMNS));
          }
          values.fill(null);
          updateRun.run(last, status, runNo);
          if (options.release && options.owner !== undefined) dropLease.run(runId, options.owner);
        });
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    read(runId, query: EventQuery = {}) {
      const where = ["run_no = (SELECT run_no FROM runs WHERE run_id = ?)", "seq > ?"];
      const params: (string | number)[] = [runId, query.afterSeq ?? 0];
      if (query.stepId !== undefined) {
        where.push("step_id = ?");
        params.push(query.stepId);
      }
      if (query.types !== undefined) {
        where.push(`type IN (${query.types.map(() => "?").join(", ") || "NULL"})`);
        params.push(...query.types);
      }
      if (query.since !== undefined) {
        where.push("ts >= ?");
        params.push(query.since);
      }
      if (query.until !== undefined) {
        where.push("ts < ?");
        params.push(query.until);
      }
      const limit = query.limit === undefined ? "" : " LIMIT ?";
      if (query.limit !== undefined) params.push(Math.max(0, Math.floor(query.limit)));
      // Without statistics SQLite prefers the primary key's seq range even when a step is given;
      // the step index is far better then (a few rows instead of a scan of the run).
      const index = query.stepId === undefined ? "" : " INDEXED BY events_by_step";
      const sql =
        `SELECT seq, type, ts, step_id, plan_version, impact, data FROM events${index} WHERE ${
          where.join(" AND ")
        } ORDER BY seq${limit}`;
      let statement = queries.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        queries.set(sql, statement);
      }
      return Promise.resolve(
        (statement.all(...params) as unknown as Row[]).map((row) => toEvent(runId, row)),
      );
    },
    runs() {
      const rows = db.prepare(
        "SELECT run_id, goal, started_at, status, last_seq FROM runs ORDER BY started_at",
      )
        .all() as unknown as Array<
          { run_id: string; goal: string; started_at: number; status: string; last_seq: number }
        >;
      return Promise.resolve(rows.map((r) => ({
        runId: r.run_id,
        goal: r.goal,
        startedAt: r.started_at,
        status: r.status as RunRecord["status"],
        lastSeq: r.last_seq,
      })));
    },
    saveCheckpoint(runId, checkpoint: Checkpoint) {
      saveCp.run(runId, checkpoint.seq, JSON.stringify(checkpoint.state));
      return Promise.resolve();
    },
    loadCheckpoint(runId) {
      const row = loadCp.get(runId) as { seq: number; state: string } | undefined;
      return Promise.resolve(
        row === undefined ? undefined : { seq: row.seq, state: JSON.parse(row.state) },
      );
    },
    claim(runId, lease, now) {
      try {
        return Promise.resolve(unsynced(() =>
          transaction(() => {
            const found = leaseRow.get(runId) as RunLease | undefined;
            const current = found && { owner: found.owner, until: found.until };
            if (!mayClaim(current, lease, now)) return current!;
            setLease.run(runId, lease.owner, lease.until);
            return { owner: lease.owner, until: lease.until };
          })
        ));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    release(runId, owner) {
      try {
        unsynced(() => dropLease.run(runId, owner));
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    close() {
      db.close();
    },
  };
}
