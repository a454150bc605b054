// Each undocumented part of `pg` that group commit relies on, checked as it is used: an
// upgrade of `pg` that changes one fails here.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { testConfig } from "@aiops/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionOf, prepareValue, Result } from "./pg-internals.js";

const client = new pg.Client({ connectionString: testConfig().config.DATABASE_URL });
beforeAll(() => client.connect());
afterAll(() => client.end());

describe("the pg internals group commit uses", () => {
  it("are those of the exact pg version every package.json pins", () => {
    const require = createRequire(import.meta.url);
    const installed = (require("pg/package.json") as { version: string }).version;
    const root = new URL("../../../../", import.meta.url);
    const manifests = [
      "package.json",
      ...["apps", "packages"].flatMap((dir) =>
        readdirSync(new URL(`${dir}/`, root)).map((name) => `${dir}/${name}/package.json`),
      ),
    ].filter((file) => existsSync(new URL(file, root)));
    const pins = manifests.flatMap((file) => {
      const manifest = JSON.parse(readFileSync(new URL(file, root), "utf8")) as Record<string, Record<string, string>>;
      const pin = manifest.dependencies?.pg ?? manifest.devDependencies?.pg;
      return pin === undefined ? [] : [[file, pin]];
    });
    expect(pins.length).toBeGreaterThan(0);
    for (const [file, pin] of pins) expect({ file, pin }).toEqual({ file, pin: installed });
  });

  it("encodes bind values with utils.prepareValue", () => {
    expect(prepareValue(undefined)).toBeNull();
    expect(prepareValue(null)).toBeNull();
    expect(prepareValue(7)).toBe("7");
    expect(prepareValue({ a: [1] })).toBe('{"a":[1]}');
    expect(prepareValue(Buffer.from("x"))).toEqual(Buffer.from("x"));
  });

  it("exposes the client's connection, its writer and the statements it prepared", async () => {
    const connection = connectionOf(client);
    for (const method of ["parse", "bind", "describe", "execute", "sync"] as const)
      expect(typeof connection[method]).toBe("function");
    for (const method of ["cork", "uncork", "destroy"] as const)
      expect(typeof connection.stream[method]).toBe("function");
    await client.query({ name: "pg_internals_probe", text: "SELECT $1::int AS n", values: [1] });
    expect(connection.parsedStatements.pg_internals_probe).toBe("SELECT $1::int AS n");
  });

  it("runs a Submittable written with that connection, and decodes its rows with pg.Result", async () => {
    const result = new Result();
    const done = new Promise<void>((resolve, reject) => {
      const submittable = {
        submit(connection: ReturnType<typeof connectionOf>) {
          connection.stream.cork();
          connection.parse({ text: "SELECT $1::int AS n, $2::jsonb AS j", types: [] });
          connection.bind({ statement: "", values: [prepareValue(41), prepareValue({ ok: true })] });
          connection.describe({ type: "P" });
          connection.execute({ rows: 0 });
          connection.sync();
          connection.stream.uncork();
        },
        handleRowDescription: (message: { fields: unknown[] }) => result.addFields(message.fields),
        handleDataRow: (message: { fields: unknown[] }) => result.addRow(result.parseRow(message.fields)),
        handleCommandComplete: (message: unknown) => result.addCommandComplete(message),
        handleError: reject,
        handleReadyForQuery: () => resolve(),
      };
      client.query(submittable as unknown as pg.Submittable);
    });
    await done;
    expect(result.rows).toEqual([{ n: 41, j: { ok: true } }]);
    expect(result.rowCount).toBe(1);
    expect(result.command).toBe("SELECT");
  });
});
