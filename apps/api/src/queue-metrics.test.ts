import { describe, expect, it } from "vitest";
import { CachedQuery } from "./queue-metrics.js";

describe("CachedQuery", () => {
  it("runs the query once per interval, shares one query among concurrent callers, and asks again after it", async () => {
    let now = 1_000_000;
    let runs = 0;
    const cached = new CachedQuery(
      async () => ++runs,
      15_000,
      () => now,
    );
    expect(await Promise.all([cached.get(), cached.get(), cached.get()])).toEqual([1, 1, 1]);
    now += 14_999;
    expect(await cached.get()).toBe(1);
    now += 1;
    expect(await cached.get()).toBe(2);
    expect(runs).toBe(2);
  });

  it("does not keep a failure: the next call asks again", async () => {
    let runs = 0;
    const cached = new CachedQuery(
      async () => {
        runs++;
        if (runs === 1) throw new Error("database away");
        return runs;
      },
      15_000,
      () => 0,
    );
    await expect(cached.get()).rejects.toThrow("database away");
    expect(await cached.get()).toBe(2);
  });
});
