import { afterAll, describe, expect, it } from "vitest";
import { CLOCK_STEP_SHOWN_MS, clockStep, diskState, watchHost } from "../../src/platform/host-node";
import { nodeHarness } from "../support/node-harness";

const GiB = 1024 ** 3;

describe("the disk under the embedded file", () => {
  it("is low when one more copy of the database would not fit, and never has room below 1 GiB", () => {
    expect(diskState(5 * GiB, 3 * GiB).low).toBe(false);
    expect(diskState(2.9 * GiB, 3 * GiB).low).toBe(true);
    expect(diskState(0.9 * GiB, 0.01 * GiB).low).toBe(true);
    expect(diskState(1.1 * GiB, 0.01 * GiB).low).toBe(false);
  });

  it("is said in the log when it becomes low and when there is room again, once each", async () => {
    let free = 10 * GiB;
    const lines: string[] = [];
    const host = watchHost("/srv/tsuzuku/shop.db", { log: (l) => lines.push(l), probe: { free: async () => free, size: async () => 2 * GiB } });
    try {
      expect((await host.state()).disk).toEqual({ freeBytes: 10 * GiB, databaseBytes: 2 * GiB, low: false });
      free = 1.5 * GiB;
      expect((await host.state()).disk?.low).toBe(true);
      await host.state();
      expect(lines).toEqual(["Disk space is low where the database is (/srv/tsuzuku/shop.db): 1,536 MiB free for a database of 2,048 MiB. A backup to this disk would not fit, and once it is full every write fails: free space or move the database."]);
      free = 20 * GiB;
      expect((await host.state()).disk?.low).toBe(false);
      expect(lines[1]).toBe("Disk space where the database is has room again: 20,480 MiB free.");
    } finally {
      host.stop();
    }
  });

  it("a libSQL server has no disk of ours to report", async () => {
    const host = watchHost(null);
    expect(await host.state()).toEqual({});
    host.stop();
  });
});

describe("the wall clock", () => {
  it("a move against the monotonic clock of more than 2 s is a step; NTP's slew is not", () => {
    expect(clockStep(1_000_000, 1_000_400)).toBeUndefined();
    expect(clockStep(1_000_000, 1_000_000 - 3_600_000)).toBe(-3_600_000);
    expect(clockStep(1_000_000, 1_005_000)).toBe(5_000);
  });

  it("a step back is logged with what it means, shown for 24 h, and a later step replaces it", async () => {
    let wall = Date.parse("2026-12-03T10:00:00.000Z");
    let mono = 50_000;
    const lines: string[] = [];
    const host = watchHost(null, { log: (l) => lines.push(l), probe: { wall: () => wall, monotonic: () => mono } });
    try {
      wall += 60_000;
      mono += 60_000;
      expect((await host.state()).clock).toBeUndefined();
      wall -= 3_600_000; // an operator's `date -s` an hour back
      expect((await host.state()).clock).toEqual({ steppedSeconds: -3600, detectedAt: "2026-12-03T09:01:00.000Z" });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^The system clock was stepped back by 3600 s \(seen 2026-12-03T09:01:00.000Z\): changes, events and cancel flows recorded since are dated before some recorded earlier/);
      // Seen once: the next look says nothing new.
      await host.state();
      expect(lines).toHaveLength(1);
      wall += CLOCK_STEP_SHOWN_MS - 1_000;
      mono += CLOCK_STEP_SHOWN_MS - 1_000;
      expect((await host.state()).clock?.steppedSeconds).toBe(-3600);
      wall += 2_000;
      mono += 2_000;
      expect((await host.state()).clock).toBeUndefined();
      wall += 10_000; // a VM resumed: forward
      expect((await host.state()).clock).toMatchObject({ steppedSeconds: 10 });
      expect(lines[1]).toMatch(/^The system clock was stepped forward by 10 s/);
    } finally {
      host.stop();
    }
  });
});

describe("GET /health on Node", async () => {
  const h = await nodeHarness();
  afterAll(() => h.close());

  it("says the space left where the database lives, and no clock step when there was none", async () => {
    const res = await h.request("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body.disk.freeBytes).toBeGreaterThan(0);
    expect(res.body.disk.databaseBytes).toBeGreaterThan(0);
    expect(typeof res.body.disk.low).toBe("boolean");
    expect(res.body.clock).toBeUndefined();
  });

  it("a disk nearly full is `low` while the service still answers 200, and a clock step is shown", async () => {
    let wall = Date.now();
    const low = await nodeHarness({
      host: watchHost(h.dbPath, { probe: { free: async () => 200 * 1024 ** 2, wall: () => wall, monotonic: () => 0 } }).state,
    });
    try {
      wall -= 7_200_000;
      const res = await low.request("GET", "/health");
      expect(res.status).toBe(200);
      expect(res.body.disk).toMatchObject({ freeBytes: 200 * 1024 ** 2, low: true });
      expect(res.body.clock).toMatchObject({ steppedSeconds: -7200 });
    } finally {
      await low.close();
    }
  });
});
