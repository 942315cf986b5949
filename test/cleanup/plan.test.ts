import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../src/core/json/value.js";
import { buildPlan, dependentsOf, findLeftovers, formatAge, type LoggedEvent, type ProviderView } from "../../src/cleanup/plan.js";
import { create, destroy, grant, note, revoke } from "./helpers.js";

function logged(events: JsonObject[]): LoggedEvent[] {
  return events.map((event, i) => ({ line: i + 1, event }));
}

function ids(events: JsonObject[]): string[] {
  return findLeftovers(logged(events)).map((l) => `${l.kind}:${l.id}`);
}

describe("findLeftovers", () => {
  it("reports a create with no later destroy, with the creating event and line", () => {
    const c = create("compute.pod", "pod-a");
    const [l] = findLeftovers(logged([note(), c]));
    expect(l?.createdBy).toEqual({ eventId: c.id, line: 2, ts: c.ts });
    expect(l?.tenant).toBe("acme");
    expect(l?.resource).toEqual({ kind: "compute.pod", id: "pod-a" });
  });

  it("counts a destroy without a cleanup block, and ok or absent outcomes, as done", () => {
    expect(
      ids([
        create("compute.pod", "a"),
        create("compute.pod", "b"),
        create("compute.pod", "c"),
        destroy("compute.pod", "a"),
        destroy("compute.pod", "b", { run: "r1", result: "ok" }),
        destroy("compute.pod", "c", { run: "r1", result: "absent" }),
      ]),
    ).toEqual([]);
  });

  it("does not count a failed destroy, and remembers the failure", () => {
    const events = [create("compute.pod", "a"), destroy("compute.pod", "a", { run: "r1", result: "failed", error: "boom" })];
    const [l] = findLeftovers(logged(events));
    expect(l?.id).toBe("a");
    expect(l?.lastFailure).toMatchObject({ run: "r1", error: "boom", line: 2 });
    expect(l?.interrupted).toBeUndefined();
  });

  it("marks a started destroy with no outcome as interrupted (to resume)", () => {
    const events = [create("db.branch", "b1", { source: "main" }), destroy("db.branch", "b1", { run: "r9", result: "started", attempt: 1 })];
    const [l] = findLeftovers(logged(events));
    expect(l?.interrupted).toMatchObject({ run: "r9", line: 2 });
  });

  it("clears the interruption when an outcome follows", () => {
    expect(
      ids([
        create("db.branch", "b1", { source: "main" }),
        destroy("db.branch", "b1", { run: "r1", result: "started" }),
        destroy("db.branch", "b1", { run: "r1", result: "ok" }),
      ]),
    ).toEqual([]);
  });

  it("ignores a destroy that comes before the create (only a later destroy counts)", () => {
    expect(ids([destroy("file", "x"), create("file", "x")])).toEqual(["file:x"]);
  });

  it("matches by kind and id together", () => {
    expect(ids([create("file", "x"), destroy("compute.pod", "x")])).toEqual(["file:x"]);
  });

  it("treats a grant as a create and a revoke (or a destroy) as its end", () => {
    expect(ids([grant("t1"), grant("t2"), grant("t3"), revoke("t1"), destroy("authority.token", "t2", { run: "r", result: "ok" })])).toEqual([
      "authority.token:t3",
    ]);
  });

  it("opens a resource again when the same id is created after being destroyed", () => {
    expect(ids([create("file", "x"), destroy("file", "x"), create("file", "x")])).toEqual(["file:x"]);
  });

  it("keeps the first of two creates of one open resource and lists the second as a duplicate", () => {
    const first = create("file", "x");
    const second = create("file", "x");
    const [l] = findLeftovers(logged([first, second]));
    expect(l?.createdBy.eventId).toBe(first.id);
    expect(l?.duplicates.map((d) => d.eventId)).toEqual([second.id]);
  });
});

describe("buildPlan", () => {
  const view = (over: Partial<ProviderView> = {}): ProviderView => ({ label: "command x", type: "command", vet: () => undefined, ...over });
  const now = new Date("2026-11-20T12:00:00.000Z");

  it("acts newest first, so a branch of a branch goes before its source", () => {
    const events = [create("db.branch", "b1", { source: "main" }), create("db.branch", "b2", { source: "b1" })];
    const plan = buildPlan(findLeftovers(logged(events)), { providers: new Map([["db.branch", view()]]), now });
    expect(plan.map((r) => r.id)).toEqual(["b2", "b1"]);
  });

  it("says skip when no provider is configured for the kind", () => {
    const plan = buildPlan(findLeftovers(logged([create("compute.pod", "a")])), { providers: new Map(), now });
    expect(plan[0]).toMatchObject({ action: "skip", reason: "no provider is configured for kind compute.pod" });
  });

  it("says refuse when the provider's checks refuse the resource", () => {
    const plan = buildPlan(findLeftovers(logged([create("compute.pod", "a")])), {
      providers: new Map([["compute.pod", view({ vet: () => "nope" })]]),
      now,
    });
    expect(plan[0]).toMatchObject({ action: "refuse", reason: "nope" });
  });

  it("says skip when the provider is blocked (e.g. its env var is unset)", () => {
    const plan = buildPlan(findLeftovers(logged([create("compute.pod", "a")])), {
      providers: new Map([["compute.pod", view({ blocked: "KUBECONFIG is not set" })]]),
      now,
    });
    expect(plan[0]).toMatchObject({ action: "skip", reason: "KUBECONFIG is not set" });
  });

  it("says resume for an interrupted destroy", () => {
    const events = [create("compute.pod", "a"), destroy("compute.pod", "a", { run: "r", result: "started" })];
    const plan = buildPlan(findLeftovers(logged(events)), { providers: new Map([["compute.pod", view()]]), now });
    expect(plan[0]?.action).toBe("resume");
  });

  it("filters by --only kinds", () => {
    const events = [create("compute.pod", "a"), create("file", "f"), create("db.branch", "b", { source: "s" })];
    const plan = buildPlan(findLeftovers(logged(events)), { providers: new Map(), now, only: ["file", "db.branch"] });
    expect(plan.map((r) => r.kind).sort()).toEqual(["db.branch", "file"]);
  });

  it("computes the age from the creating event's time", () => {
    const e = create("file", "f");
    e.ts = "2026-11-20T09:00:00.000Z";
    const plan = buildPlan(findLeftovers(logged([e])), { providers: new Map(), now });
    expect(plan[0]?.ageMs).toBe(3 * 3600 * 1000);
    expect(formatAge(plan[0]?.ageMs)).toBe("3h 00m");
  });
});

describe("dependentsOf", () => {
  it("finds the open branches made from a branch", () => {
    const leftovers = findLeftovers(logged([create("db.branch", "b1", { source: "main" }), create("db.branch", "b2", { source: "b1" })]));
    const b1 = leftovers.find((l) => l.id === "b1")!;
    expect(dependentsOf(b1, leftovers).map((l) => l.id)).toEqual(["b2"]);
    const b2 = leftovers.find((l) => l.id === "b2")!;
    expect(dependentsOf(b2, leftovers)).toEqual([]);
  });
});

describe("formatAge", () => {
  it("writes seconds, minutes, hours and days", () => {
    expect(formatAge(45_000)).toBe("45s");
    expect(formatAge(12 * 60_000)).toBe("12m");
    expect(formatAge((3 * 60 + 5) * 60_000)).toBe("3h 05m");
    expect(formatAge((2 * 24 + 4) * 3600_000)).toBe("2d 04h");
    expect(formatAge(undefined)).toBe("?");
  });
});
