import { testConfig } from "@aiops/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchClient, GroupCommit } from "./group-commit.js";

const url = testConfig().config.DATABASE_URL;
const table = `group_commit_test_${process.pid}`;
const pool = new pg.Pool({ connectionString: url, max: 4 });
const runOne = (text: string, values: unknown[]) => pool.query(text, values);
const INSERT = `INSERT INTO ${table} (key, value) VALUES ($1, $2) RETURNING txid_current()::text AS tx`;

function groupCommit(maxBatch = 64, deadlineMs?: number) {
  let opened = 0;
  const group = new GroupCommit({
    connect: async () => {
      opened++;
      return batchClient(url);
    },
    runOne,
    nameOf: (text) => (text === INSERT ? "group_commit_test_insert" : undefined),
    maxBatch,
    deadlineMs,
  });
  return { group, opened: () => opened };
}

const rows = async () =>
  (await pool.query<{ key: string; value: number }>(`SELECT key, value FROM ${table} ORDER BY key`)).rows;

beforeAll(async () => {
  await pool.query(`CREATE TABLE ${table} (key text PRIMARY KEY, value int NOT NULL CHECK (value >= 0))`);
});
afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
});

describe("group commit", () => {
  it("sends statements issued together in one transaction and answers each with its own result", async () => {
    await pool.query(`TRUNCATE ${table}`);
    const { group } = groupCommit();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => group.run(INSERT, [`k${i}`, i])));
    await group.close();

    expect(await rows()).toHaveLength(10);
    // The first went alone, at once; the nine issued while it was in flight went together.
    const transactions = new Set(results.map((result) => result.rows[0].tx));
    expect(transactions.size).toBe(2);
    expect(group.stats).toMatchObject({ batches: 2, statements: 10, takenApart: 0 });
  });

  it("never strands a statement issued just as a batch finishes", async () => {
    await pool.query(`TRUNCATE ${table}`);
    const { group } = groupCommit();
    // Each statement is issued a few microtasks after the one before was answered, so that
    // one of them lands between the batch's end and its connection being free again.
    for (let i = 0; i < 20; i++) {
      await group.run(INSERT, [`k${i}`, i]);
      for (let tick = 0; tick < i; tick++) await null;
    }
    await group.close();
    expect(await rows()).toHaveLength(20);
  });

  it("keeps batches to the largest size allowed", async () => {
    await pool.query(`TRUNCATE ${table}`);
    const { group } = groupCommit(3);
    await Promise.all(Array.from({ length: 10 }, (_, i) => group.run(INSERT, [`k${i}`, i])));
    await group.close();
    expect(group.stats.batches).toBe(4); // 1 alone, then 3 + 3 + 3
    expect(await rows()).toHaveLength(10);
  });

  it("gives a failing statement its own error and commits the others' work", async () => {
    await pool.query(`TRUNCATE ${table}`);
    const { group } = groupCommit();
    const outcomes = await Promise.allSettled([
      group.run(INSERT, ["first", 1]),
      group.run(INSERT, ["a", 1]),
      group.run(INSERT, ["bad", -1]), // violates the check constraint
      group.run(INSERT, ["b", 2]),
      group.run(INSERT, ["a", 3]), // duplicate key of a statement in the same batch
    ]);
    await group.close();

    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
    ]);
    expect(((outcomes[2] as PromiseRejectedResult).reason as { code: string }).code).toBe("23514");
    expect(((outcomes[4] as PromiseRejectedResult).reason as { code: string }).code).toBe("23505");
    expect(await rows()).toEqual([
      { key: "a", value: 1 },
      { key: "b", value: 2 },
      { key: "first", value: 1 },
    ]);
    expect(group.stats.takenApart).toBe(1);
  });

  it("gives a value pg cannot send its own error and commits the others' work", async () => {
    await pool.query(`TRUNCATE ${table}`);
    const { group } = groupCommit();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const outcomes = await Promise.allSettled([
      group.run(INSERT, ["first", 1]),
      group.run(INSERT, ["a", 1]),
      group.run(INSERT, ["bad", circular]),
      group.run(INSERT, ["b", 2]),
    ]);
    await group.close();

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    expect((await rows()).map((row) => row.key)).toEqual(["a", "b", "first"]);
    expect(group.stats.takenApart).toBe(1);
  });

  it("fails a batch whose connection breaks, then carries on over a new connection", async () => {
    await pool.query(`TRUNCATE ${table}`);
    const { group, opened } = groupCommit();
    await group.run(INSERT, ["before", 1]);
    const pid = (await group.run("SELECT pg_backend_pid() AS pid", [])).rows[0].pid as number;
    // The backend is killed while its batch waits on a lock another session holds.
    const blocker = await pool.connect();
    await blocker.query("BEGIN");
    await blocker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const stuck = Promise.allSettled([group.run(INSERT, ["lost-1", 1]), group.run(INSERT, ["lost-2", 2])]);
    for (let i = 0; i < 100; i++) {
      const waiting = await pool.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [
        pid,
      ]);
      if (waiting.rowCount) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await pool.query("SELECT pg_terminate_backend($1)", [pid]);
    await blocker.query("ROLLBACK");
    blocker.release();

    const outcomes = await stuck;
    expect(outcomes.every((outcome) => outcome.status === "rejected")).toBe(true);
    await group.run(INSERT, ["after", 3]);
    await group.close();
    expect(opened()).toBe(2);
    expect((await rows()).map((row) => row.key)).toEqual(["after", "before"]);
  });

  it("breaks off a batch Postgres leaves unanswered past its deadline, then carries on over a new connection", async () => {
    await pool.query(`TRUNCATE ${table}`);
    const { group, opened } = groupCommit(64, 300);
    await group.run(INSERT, ["before", 1]);
    // A lock another session holds keeps the batch waiting, as a silent server would.
    const blocker = await pool.connect();
    await blocker.query("BEGIN");
    await blocker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const outcomes = await Promise.allSettled([group.run(INSERT, ["stuck-1", 1]), group.run(INSERT, ["stuck-2", 2])]);
    await blocker.query("ROLLBACK");
    blocker.release();

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect((outcomes[0] as PromiseRejectedResult).reason.message).toMatch(/did not answer a batch within 300 ms/);
    await group.run(INSERT, ["after", 3]);
    await group.close();
    // The first stuck statement went alone, at once, the second in the next batch: each
    // broke its connection off, and "after" went over a third.
    expect(opened()).toBe(3);
  });

  it("refuses statements once closed", async () => {
    const { group } = groupCommit();
    await group.close();
    await expect(group.run(INSERT, ["late", 1])).rejects.toThrow(/closed/);
  });
});
