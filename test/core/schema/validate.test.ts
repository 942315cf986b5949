import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import {
  formatSchemaIssue,
  KNOWN_EVENT_TYPES,
  patternMessage,
  validateBundleHeaderShape,
  validateBundleShape,
  validateEvent,
  validateRecordShape,
  type SchemaIssue,
} from "../../../src/core/schema/validate.js";
import { formatTimestamp, isRfc3339Utc } from "../../../src/core/time.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

// JSON.parse is fine for these trusted, hand-written files.
function readJson(path: string): JsonValue {
  return JSON.parse(readFileSync(path, "utf8")) as JsonValue;
}

function clone<T extends JsonValue>(v: T): T {
  return structuredClone(v);
}

function issue(pointer: string, message: string): SchemaIssue {
  return { pointer, message } as SchemaIssue;
}

const ACTOR = { tenant: "acme", agent: "support-bot", user: "user-1042", session: "ses-7f3a" };

function event(type: string, members: JsonObject): JsonObject {
  return { id: "evt-1", ts: "2026-11-20T09:00:00.000Z", type, actor: { ...ACTOR }, ...members };
}

const VALID: Record<string, JsonObject> = {
  "tool.call": event("tool.call", {
    tool: { name: "refund.issue", version: "3.2.0" },
    decision: { outcome: "approved", reason: "operator approved", policy: "preflight/refunds" },
    args: { order: "ord-1", items: [["sku-1", 1]] },
    result: { status: "ok", latencyMs: 12.5, output: { refundId: "rf-1" } },
  }),
  "db.write": event("db.write", {
    resource: { kind: "db.branch", id: "br-1", provider: "postgres", source: "orders-prod" },
    statement: "UPDATE orders SET status = 'refunded' WHERE id = $1",
    sourceUntouched: true,
  }),
  "compute.run": event("compute.run", {
    resource: { kind: "compute.pod", id: "pod-1" },
    provider: "enclave-cloud",
    attestation: { format: "tdx-quote" },
    runtime: "python:3.12-slim",
    zeroized: true,
  }),
  "authority.grant": event("authority.grant", {
    resource: { kind: "authority.token", id: "tok-1" },
    scopes: ["orders:read"],
    expiresAt: "2026-11-20T09:20:00Z",
    parent: "tok-0",
  }),
  "authority.revoke": event("authority.revoke", { resource: { kind: "authority.token", id: "tok-1" } }),
  "detector.finding": event("detector.finding", {
    detector: "prompt-injection",
    severity: "high",
    disposition: "scoped",
  }),
  "resource.create": event("resource.create", { resource: { kind: "file", id: "/tmp/report.csv" } }),
  "resource.destroy": event("resource.destroy", {
    resource: { kind: "compute.pod", id: "pod-1" },
    cleanup: { run: "cln-1", result: "failed", error: "timeout", attempt: 2 },
  }),
};

/** A copy of the valid example of `type` with `edit` applied. */
function broken(type: string, edit: (e: JsonObject) => void): JsonObject {
  const e = clone(VALID[type] as JsonObject);
  edit(e);
  return e;
}

function obj(v: JsonValue | undefined): JsonObject {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("test: not an object");
  return v;
}

describe("known event types", () => {
  it("lists one type per schema in schemas/events/", () => {
    const files = readdirSync(join(root, "schemas", "events"))
      .filter((f) => f.endsWith(".schema.json"))
      .map((f) => f.slice(0, -".schema.json".length))
      .sort();
    expect([...KNOWN_EVENT_TYPES].sort()).toEqual(files);
    expect([...KNOWN_EVENT_TYPES].sort()).toEqual(Object.keys(VALID).sort());
  });

  it.each(Object.keys(VALID))("accepts a valid %s event as known", (type) => {
    expect(validateEvent(VALID[type] as JsonObject)).toEqual({ known: true, issues: [] });
  });

  it("accepts every event of fixtures/events/examples.jsonl, covering every known type", () => {
    const lines = readFileSync(join(root, "fixtures", "events", "examples.jsonl"), "utf8").trimEnd().split("\n");
    const seen = new Set<string>();
    let previous = "";
    for (const line of lines) {
      const e = obj(JSON.parse(line) as JsonValue);
      const result = validateEvent(e);
      expect(result.issues, line).toEqual([]);
      expect(result.known).toBe(KNOWN_EVENT_TYPES.includes(String(e.type)));
      expect(String(e.ts) > previous, "timestamps ascend").toBe(true);
      previous = String(e.ts);
      seen.add(String(e.type));
    }
    for (const type of KNOWN_EVENT_TYPES) expect(seen.has(type), type).toBe(true);
    expect([...seen].some((t) => !KNOWN_EVENT_TYPES.includes(t)), "an unknown type too").toBe(true);
  });
});

describe("invalid events", () => {
  const cases: Array<[string, string, (e: JsonObject) => void, SchemaIssue[]]> = [
    [
      "tool.call",
      "an outcome outside the enum",
      (e) => (obj(e.decision).outcome = "maybe"),
      [issue("/decision/outcome", 'must be one of allowed, blocked, approved, dry_run (got "maybe")')],
    ],
    ["tool.call", "no decision", (e) => delete e.decision, [issue("", 'missing required member "decision"')]],
    ["tool.call", "a tool without a name", (e) => (e.tool = { version: "1" }), [issue("/tool", 'missing required member "name"')]],
    [
      "tool.call",
      "a negative latency",
      (e) => (obj(e.result).latencyMs = -1),
      [issue("/result/latencyMs", "must be >= 0 (got -1)")],
    ],
    [
      "db.write",
      "neither statement nor argsDigest",
      (e) => delete e.statement,
      [issue("", 'missing required member "statement" or "argsDigest"')],
    ],
    [
      "db.write",
      "an upper-case argsDigest",
      (e) => {
        delete e.statement;
        e.argsDigest = "AB".repeat(32);
      },
      [issue("/argsDigest", `must be 64 lower-case hex characters (got "${"AB".repeat(16)}"… (64 characters))`)],
    ],
    ["db.write", "no resource", (e) => delete e.resource, [issue("", 'missing required member "resource"')]],
    [
      "compute.run",
      "zeroized as a string",
      (e) => (e.zeroized = "yes"),
      [issue("/zeroized", 'must be true or false (got "yes")')],
    ],
    [
      "compute.run",
      "an attestation that is a number",
      (e) => (e.attestation = 7),
      [issue("/attestation", "must be a string or an object (got 7)")],
    ],
    ["compute.run", "no provider", (e) => delete e.provider, [issue("", 'missing required member "provider"')]],
    [
      "authority.grant",
      "a grant of something that is not a token",
      (e) => (obj(e.resource).kind = "db.branch"),
      [issue("/resource/kind", 'must be "authority.token" (got "db.branch")')],
    ],
    [
      "authority.grant",
      "an impossible expiry",
      (e) => (e.expiresAt = "2026-02-30T09:00:00Z"),
      [issue("/expiresAt", 'must be a real date and time: no such day or hour (got "2026-02-30T09:00:00Z")')],
    ],
    [
      "authority.grant",
      "scopes that are not strings",
      (e) => (e.scopes = ["orders:read", 3]),
      [issue("/scopes/1", "must be a string (got 3)")],
    ],
    [
      "authority.revoke",
      "an empty token id",
      (e) => (obj(e.resource).id = ""),
      [issue("/resource/id", "must be a non-empty string")],
    ],
    [
      "detector.finding",
      "a disposition outside the enum",
      (e) => (e.disposition = "ignored"),
      [issue("/disposition", 'must be one of open, fixed, scoped, accepted (got "ignored")')],
    ],
    [
      "detector.finding",
      "a severity outside the enum",
      (e) => (e.severity = "severe"),
      [issue("/severity", 'must be one of low, medium, high, critical (got "severe")')],
    ],
    [
      "resource.create",
      "a kind that is not lower-case",
      (e) => (obj(e.resource).kind = "DB.Branch"),
      [issue("/resource/kind", 'must be a lower-case kind like "db.branch" or "file" (got "DB.Branch")')],
    ],
    [
      "resource.create",
      "a resource without an id",
      (e) => delete obj(e.resource).id,
      [issue("/resource", 'missing required member "id"')],
    ],
    [
      "resource.destroy",
      "a cleanup result outside the enum",
      (e) => (obj(e.cleanup).result = "done"),
      [issue("/cleanup/result", 'must be one of started, ok, absent, failed (got "done")')],
    ],
    [
      "resource.destroy",
      "a cleanup attempt 0",
      (e) => (obj(e.cleanup).attempt = 0),
      [issue("/cleanup/attempt", "must be >= 1 (got 0)")],
    ],
    [
      "resource.destroy",
      "a fractional cleanup attempt",
      (e) => (obj(e.cleanup).attempt = 1.5),
      [issue("/cleanup/attempt", "must be an integer (got 1.5)")],
    ],
    [
      "resource.destroy",
      "a cleanup without its run",
      (e) => delete obj(e.cleanup).run,
      [issue("/cleanup", 'missing required member "run"')],
    ],
  ];

  it.each(cases)("%s: refuses %s", (type, _what, edit, expected) => {
    expect(validateEvent(broken(type, edit))).toEqual({ known: true, issues: expected });
  });

  it("accepts a resource.destroy without cleanup (the runtime destroyed it itself)", () => {
    const e = broken("resource.destroy", (x) => delete x.cleanup);
    expect(validateEvent(e)).toEqual({ known: true, issues: [] });
  });

  it("accepts members a newer runtime adds, at the top and inside objects", () => {
    const e = broken("tool.call", (x) => {
      x.traceId = "t-1";
      obj(x.decision).ruleVersion = 3;
      obj(x.actor).role = "support";
    });
    expect(validateEvent(e).issues).toEqual([]);
  });

  it("checks the envelope of a known type too", () => {
    const e = broken("tool.call", (x) => delete obj(x.actor).tenant);
    expect(validateEvent(e)).toEqual({ known: true, issues: [issue("/actor", 'missing required member "tenant"')] });
  });

  it("reports every problem, not just the first", () => {
    const e = broken("tool.call", (x) => {
      delete x.id;
      obj(x.decision).outcome = "maybe";
      obj(x.tool).name = "";
    });
    expect(validateEvent(e).issues).toEqual(
      expect.arrayContaining([
        issue("", 'missing required member "id"'),
        issue("/decision/outcome", 'must be one of allowed, blocked, approved, dry_run (got "maybe")'),
        issue("/tool/name", "must be a non-empty string"),
      ]),
    );
    expect(validateEvent(e).issues).toHaveLength(3);
  });
});

describe("unknown event types (DESIGN §3: the runtime may be newer)", () => {
  const note = event("agent.note", { text: "anything at all", nested: { a: [1, 2] } });

  it("accepts an unknown type with a valid envelope, as unknown", () => {
    expect(validateEvent(note)).toEqual({ known: false, issues: [] });
  });

  it("refuses an unknown type whose envelope is broken", () => {
    const e = clone(note);
    delete e.ts;
    obj(e.actor).agent = 7;
    expect(validateEvent(e)).toEqual({
      known: false,
      issues: [issue("", 'missing required member "ts"'), issue("/actor/agent", "must be a string (got 7)")],
    });
  });

  it("refuses a type that is not dotted lower-case", () => {
    for (const type of ["toolcall", "Tool.Call", "tool.", ".call", "tool..call", "tool.call "]) {
      expect(validateEvent({ ...note, type }), type).toEqual({
        known: false,
        issues: [issue("/type", `must be a dotted lower-case name like "tool.call" (got ${JSON.stringify(type)})`)],
      });
    }
  });

  it("refuses a type inherited from Object.prototype rather than treating it as known", () => {
    expect(validateEvent({ ...note, type: "constructor" }).known).toBe(false);
  });

  it("refuses an event that is not an object", () => {
    expect(validateEvent([1, 2])).toEqual({ known: false, issues: [issue("", "must be an object (got an array of 2 items)")] });
    expect(validateEvent("tool.call").issues).toEqual([issue("", 'must be an object (got "tool.call")')]);
  });
});

describe("timestamps (DESIGN §2)", () => {
  const accepted = [
    "2026-11-20T09:00:00Z",
    "2026-11-20T09:00:00.000Z",
    "2026-11-20T23:59:59.999999999Z",
    "2028-02-29T12:00:00Z", // leap year
    "2000-02-29T00:00:00Z", // divisible by 400
    "2026-01-31T00:00:00Z",
    "2026-04-30T00:00:00Z",
    "0000-01-01T00:00:00Z",
  ];
  const refused = [
    "2026-02-30T09:00:00Z",
    "2026-02-29T09:00:00Z", // 2026 is not a leap year
    "1900-02-29T09:00:00Z", // divisible by 100, not by 400
    "2026-13-01T09:00:00Z",
    "2026-00-10T09:00:00Z",
    "2026-04-31T09:00:00Z",
    "2026-11-00T09:00:00Z",
    "2026-11-20T24:00:00Z",
    "2026-11-20T09:60:00Z",
    "2026-11-20T23:59:60Z", // leap second: refused, see time.ts
    "2026-11-20t09:00:00Z",
    "2026-11-20T09:00:00z",
    "2026-11-20T09:00:00+01:00",
    "2026-11-20T09:00:00+00:00",
    "2026-11-20T09:00:00",
    "2026-11-20 09:00:00Z",
    "2026-11-20T09:00:00.Z",
    "2026-11-20T9:00:00Z",
    "20261120T090000Z",
    " 2026-11-20T09:00:00Z",
    "2026-11-20T09:00:00Z\n",
    "２０２６-11-20T09:00:00Z", // full-width digits
  ];

  it.each(accepted)("accepts %s", (s) => {
    expect(isRfc3339Utc(s)).toBe(true);
    expect(validateEvent({ ...(VALID["tool.call"] as JsonObject), ts: s }).issues).toEqual([]);
  });

  it.each(refused)("refuses %j", (s) => {
    expect(isRfc3339Utc(s)).toBe(false);
    const { issues } = validateEvent({ ...(VALID["tool.call"] as JsonObject), ts: s });
    // One issue per bad timestamp: the spelling or, when that is right, the calendar.
    expect(issues).toHaveLength(1);
    expect(issues[0]?.pointer).toBe("/ts");
  });

  it("says whether the spelling or the calendar is wrong", () => {
    const at = (ts: string) => validateEvent({ ...(VALID["tool.call"] as JsonObject), ts }).issues;
    expect(at("2026-11-20T09:00:00+01:00")).toEqual([
      issue("/ts", 'must be an RFC 3339 UTC timestamp like 2026-11-20T09:00:00.000Z (got "2026-11-20T09:00:00+01:00")'),
    ]);
    expect(at("2026-11-20T24:00:00Z")).toEqual([
      issue("/ts", 'must be a real date and time: no such day or hour (got "2026-11-20T24:00:00Z")'),
    ]);
  });

  it("checks timestamps inside bundles too (issuedAt, createdAt)", () => {
    const doc = share();
    obj(doc.statement).issuedAt = "2026-02-29T00:00:00.000Z";
    obj(doc.redaction).createdAt = "2026-11-20T09:00:00.000z";
    expect(validateBundleShape(doc).map((i) => i.pointer)).toEqual(["/statement/issuedAt", "/redaction/createdAt"]);
  });

  it("writes milliseconds and Z", () => {
    expect(formatTimestamp(new Date(Date.UTC(2026, 10, 20, 9)))).toBe("2026-11-20T09:00:00.000Z");
    expect(formatTimestamp(new Date(Date.UTC(2028, 1, 29, 23, 59, 59, 7)))).toBe("2028-02-29T23:59:59.007Z");
    expect(isRfc3339Utc(formatTimestamp(new Date()))).toBe(true);
  });

  it("refuses to write what RFC 3339 cannot spell", () => {
    expect(() => formatTimestamp(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => formatTimestamp(new Date(Date.UTC(10000, 0, 1)))).toThrow(RangeError);
    expect(() => formatTimestamp(new Date(Date.UTC(-1, 0, 1)))).toThrow(RangeError);
  });
});

describe("messages never carry a long value verbatim", () => {
  const long = Array.from({ length: 200 }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]).join("");
  const window = long.slice(0, 41); // more than the 40 characters a preview may show

  function expectNoLeak(issues: SchemaIssue[]): void {
    expect(issues.length).toBeGreaterThan(0);
    for (const i of issues) {
      expect(i.message).not.toContain(window);
      expect(formatSchemaIssue(i)).not.toContain(window);
    }
  }

  it("in an enum, a pattern, a type and a timestamp", () => {
    expectNoLeak(validateEvent(broken("tool.call", (e) => (obj(e.decision).outcome = long))).issues);
    expectNoLeak(validateEvent(broken("tool.call", (e) => (e.type = long))).issues);
    expectNoLeak(validateEvent(broken("tool.call", (e) => (e.ts = `2026-11-20T09:00:00.${"1".repeat(200)}z`))).issues);
    expectNoLeak(validateEvent(broken("db.write", (e) => (e.argsDigest = long))).issues);
  });

  it("in a member name", () => {
    const doc = full();
    doc[long] = 1;
    expectNoLeak(validateBundleShape(doc));
    const rec = clone(partialRecord);
    obj(rec.salts)[long] = "A".repeat(22);
    expectNoLeak(validateRecordShape(rec));
  });

  it("says how long the value was and never splits a character", () => {
    const emoji = "🔑".repeat(100);
    const [first] = validateEvent(broken("tool.call", (e) => (obj(e.decision).outcome = emoji))).issues;
    expect(first?.message).toContain("… (100 characters)");
    expect(first?.message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

// --- bundles and records ------------------------------------------------------------------------

const SEED = "q".repeat(42) + "A";
const SALT = "Z".repeat(21) + "w";
const DIGEST = "0123456789abcdef".repeat(4);
const SIGNATURE = { protected: "eyJhbGciOiJFZDI1NTE5In0", signature: "c2lnbmF0dXJl" };

const disclosedRecord: JsonObject = { seq: 0, seed: SEED, event: clone(VALID["tool.call"] as JsonObject) };
const partialRecord: JsonObject = {
  seq: 1,
  event: { ...clone(VALID["db.write"] as JsonObject), statement: null },
  salts: { "/id": SALT, "/ts": SALT, "/resource/kind": SALT },
  redacted: { "/statement": DIGEST },
};
const elidedRecord: JsonObject = { seq: 2, digest: DIGEST };

function statement(): JsonObject {
  return {
    format: "imladri.statement/v1",
    chain: "acme/support-bot",
    length: 3,
    head: DIGEST,
    issuedAt: "2026-11-20T10:00:00.000Z",
    issuer: { tenant: "acme", workspace: "support" },
  };
}

function full(): JsonObject {
  return {
    format: "imladri.proof/v1",
    kind: "full",
    statement: statement(),
    signatures: [{ ...SIGNATURE }],
    events: [clone(disclosedRecord), { ...clone(disclosedRecord), seq: 1 }],
  };
}

function share(): JsonObject {
  return {
    format: "imladri.proof/v1",
    kind: "share",
    statement: statement(),
    signatures: [{ ...SIGNATURE }],
    events: [clone(disclosedRecord), clone(partialRecord), clone(elidedRecord)],
    redaction: {
      format: "imladri.redaction/v1",
      source: DIGEST,
      policy: { name: "auditor" },
      policyDigest: DIGEST,
      createdAt: "2026-11-20T11:00:00.000Z",
      stats: { redacted: 1, elided: 1 },
      accepted: [{ id: "fnd-1", detector: "email" }],
      signatures: [{ ...SIGNATURE }],
    },
  };
}

function header(doc: JsonObject): JsonObject {
  const h = clone(doc);
  delete h.events;
  return h;
}

describe("bundle shape (DESIGN §6)", () => {
  it("accepts a full bundle, a share, and their JSON Lines headers", () => {
    expect(validateBundleShape(full())).toEqual([]);
    expect(validateBundleShape(share())).toEqual([]);
    expect(validateBundleHeaderShape(header(full()))).toEqual([]);
    expect(validateBundleHeaderShape(header(share()))).toEqual([]);
  });

  it("accepts v2 (DESIGN §12): a full bundle, an excerpt and a checkpoint", () => {
    const v2 = (kind: string, extra: JsonObject): JsonObject => ({ format: "imladri.proof/v2", kind, statement: { ...statement(), format: "imladri.statement/v2", tree: DIGEST }, signatures: [], ...extra });
    expect(validateBundleShape(v2("full", { events: [clone(disclosedRecord)] }))).toEqual([]);
    expect(validateBundleShape(v2("excerpt", { events: [{ ...clone(partialRecord), proof: [DIGEST] }], redaction: clone(share().redaction as JsonObject) }))).toEqual([]);
    expect(validateBundleHeaderShape(v2("checkpoint", { consistency: { length: 1, tree: DIGEST, proof: [] } }))).toEqual([]);
    expect(validateBundleShape(v2("checkpoint", {}))).toEqual([]);
    expect(validateBundleShape(v2("checkpoint", { events: [] })).length).toBeGreaterThan(0);
    expect(validateBundleShape(v2("excerpt", { events: [clone(elidedRecord)], redaction: clone(share().redaction as JsonObject) })).length).toBeGreaterThan(0);
  });

  it("accepts an empty chain, no signatures, an empty issuer and a redaction block without signatures", () => {
    const doc = share();
    doc.events = [];
    doc.signatures = [];
    obj(doc.statement).issuer = {};
    obj(doc.statement).length = 0;
    delete obj(doc.redaction).signatures;
    expect(validateBundleShape(doc)).toEqual([]);
  });

  const cases: Array<[string, () => JsonObject, SchemaIssue[]]> = [
    [
      "an unknown top-level member",
      () => ({ ...full(), comment: "hi" }),
      [issue("", 'unexpected member "comment"')],
    ],
    [
      "a redaction block in a full bundle",
      () => ({ ...full(), redaction: share().redaction as JsonValue }),
      [issue("", 'unexpected member "redaction"')],
    ],
    [
      "a share without a redaction block",
      () => {
        const d = share();
        delete d.redaction;
        return d;
      },
      [issue("", 'missing required member "redaction"')],
    ],
    ["no events", () => header(full()), [issue("", 'missing required member "events"')]],
    [
      "a kind outside the enum",
      () => ({ ...full(), kind: "partial" }),
      [issue("/kind", 'must be one of full, share (got "partial")'), issue("/kind", 'must be one of full, share, excerpt, checkpoint (got "partial")')],
    ],
    [
      "another format",
      () => ({ ...full(), format: "imladri.proof/v3" }),
      [issue("/format", 'must be one of imladri.proof/v1, imladri.proof/v2 (got "imladri.proof/v3")')],
    ],
    [
      "a v1 statement in a v2 bundle (DESIGN §12)",
      () => ({ ...full(), format: "imladri.proof/v2" }),
      [issue("/statement/format", 'must be "imladri.statement/v2" (got "imladri.statement/v1")')],
    ],
    [
      "a statement with an extra member",
      () => {
        const d = full();
        obj(d.statement).note = "x";
        return d;
      },
      [issue("/statement", 'unexpected member "note"')],
    ],
    [
      "a statement with a fractional length and an upper-case head",
      () => {
        const d = full();
        obj(d.statement).length = 2.5;
        obj(d.statement).head = DIGEST.toUpperCase();
        return d;
      },
      [
        issue("/statement/length", "must be an integer (got 2.5)"),
        issue("/statement/head", `must be 64 lower-case hex characters (got "${DIGEST.toUpperCase().slice(0, 32)}"… (64 characters))`),
      ],
    ],
    [
      "an issuer with a member the design does not name",
      () => {
        const d = full();
        obj(d.statement).issuer = { tenant: "acme", region: "eu" };
        return d;
      },
      [issue("/statement/issuer", 'unexpected member "region"')],
    ],
    [
      "a header beside a signature",
      () => {
        const d = full();
        d.signatures = [{ ...SIGNATURE, header: { kid: "k" } }];
        return d;
      },
      [issue("/signatures/0", 'unexpected member "header"')],
    ],
    [
      "a padded signature",
      () => {
        const d = full();
        d.signatures = [{ ...SIGNATURE, signature: "c2lnbmF0dXJlMQ==" }];
        return d;
      },
      [issue("/signatures/0/signature", 'must be non-empty base64url without padding (got "c2lnbmF0dXJlMQ==")')],
    ],
    [
      "a redaction block with an unknown member and a bad policy digest",
      () => {
        const d = share();
        obj(d.redaction).extra = true;
        obj(d.redaction).policyDigest = "sha256:" + DIGEST;
        return d;
      },
      [
        issue("/redaction", 'unexpected member "extra"'),
        issue("/redaction/policyDigest", `must be 64 lower-case hex characters (got "sha256:${DIGEST.slice(0, 25)}"… (71 characters))`),
      ],
    ],
    [
      "a disclosed record with an extra member",
      () => {
        const d = full();
        obj((d.events as JsonValue[])[1]).note = "x";
        return d;
      },
      [issue("/events/1", 'unexpected member "note"')],
    ],
    [
      "a partial record with a seed",
      () => {
        const d = share();
        obj((d.events as JsonValue[])[1]).seed = SEED;
        return d;
      },
      [issue("/events/1", 'unexpected member "seed"')],
    ],
    [
      "an elided record with an event",
      () => {
        const d = share();
        obj((d.events as JsonValue[])[2]).event = {};
        return d;
      },
      [issue("/events/2", 'unexpected member "event"')],
    ],
    [
      "a partial record in a full bundle",
      () => ({ ...full(), events: [clone(disclosedRecord), clone(partialRecord)] }),
      [issue("/events/1", "must be a disclosed record {seq, seed, event}: a full bundle holds no partial record")],
    ],
    [
      "an elided record in a full bundle",
      () => ({ ...full(), events: [clone(elidedRecord)] }),
      [issue("/events/0", "must be a disclosed record {seq, seed, event}: a full bundle holds no elided record")],
    ],
    [
      "a record that is not an object",
      () => ({ ...share(), events: [clone(disclosedRecord), "x"] }),
      [issue("/events/1", 'must be an object (got "x")')],
    ],
    ["events that are not an array", () => ({ ...share(), events: {} }), [issue("/events", "must be an array (got an object)")]],
  ];

  it.each(cases)("refuses %s", (_what, make, expected) => {
    expect(validateBundleShape(make())).toEqual(expected);
  });

  it("refuses events in a JSON Lines header", () => {
    expect(validateBundleHeaderShape(full())).toEqual([issue("", 'unexpected member "events"')]);
  });

  it("refuses a document that is not an object", () => {
    expect(validateBundleShape([])).toEqual([issue("", "must be an object (got an empty array)")]);
  });
});

describe("record shape (DESIGN §6)", () => {
  it("accepts each form", () => {
    expect(validateRecordShape(disclosedRecord)).toEqual([]);
    expect(validateRecordShape(partialRecord)).toEqual([]);
    expect(validateRecordShape(elidedRecord)).toEqual([]);
    expect(validateRecordShape(disclosedRecord, { kind: "full" })).toEqual([]);
  });

  const cases: Array<[string, JsonObject, SchemaIssue[]]> = [
    ["a disclosed record with an extra member", { ...disclosedRecord, salts: {} }, [issue("", 'unexpected member "salts"')]],
    ["a partial record with a seed", { ...partialRecord, seed: SEED }, [issue("", 'unexpected member "seed"')]],
    ["an elided record with an event", { ...elidedRecord, event: {} }, [issue("", 'unexpected member "event"')]],
    [
      "a record of no form",
      { seq: 0, event: {} },
      [
        issue(
          "",
          "must have exactly the members of one record form: {seq, seed, event} (disclosed), {seq, event, salts, redacted} (partial) or {seq, digest} (elided)",
        ),
      ],
    ],
    ["a partial record without redacted", { seq: 1, event: {}, salts: {} }, [issue("", 'missing required member "redacted"')]],
    [
      "a record with both a seed and a digest, closest to elided",
      { seq: 0, seed: SEED, digest: DIGEST },
      [issue("", 'unexpected member "seed"')],
    ],
    ["a negative seq", { ...elidedRecord, seq: -1 }, [issue("/seq", "must be >= 0 (got -1)")]],
    ["a fractional seq", { ...elidedRecord, seq: 1.5 }, [issue("/seq", "must be an integer (got 1.5)")]],
    ["a seq as a string", { ...elidedRecord, seq: "2" }, [issue("/seq", 'must be an integer (got "2")')]],
    [
      "a seed of 31 bytes",
      { ...disclosedRecord, seed: "q".repeat(42) },
      [issue("/seed", `must be a 32-byte seed in base64url (43 characters) (got "${"q".repeat(32)}"… (42 characters))`)],
    ],
    [
      "a seed with non-zero trailing bits",
      { ...disclosedRecord, seed: "q".repeat(42) + "B" },
      [issue("/seed", `must be a 32-byte seed in base64url (43 characters) (got "${"q".repeat(32)}"… (43 characters))`)],
    ],
    ["an event that is not an object", { ...disclosedRecord, event: [] }, [issue("/event", "must be an object (got an empty array)")]],
    [
      "a salt keyed by a non-pointer",
      { ...partialRecord, salts: { id: SALT } },
      [issue("/salts", 'member name "id" must be a JSON Pointer below the root in canonical spelling, like /args/to')],
    ],
    [
      "a salt keyed by a non-canonical pointer",
      { ...partialRecord, salts: { "/a~2b": SALT } },
      [issue("/salts", 'member name "/a~2b" must be a JSON Pointer below the root in canonical spelling, like /args/to')],
    ],
    [
      "a redacted root pointer (redacting the root is eliding)",
      { ...partialRecord, redacted: { "": DIGEST } },
      [issue("/redacted", 'member name "" must be a JSON Pointer below the root in canonical spelling, like /args/to')],
    ],
    [
      "a salt that is too long",
      { ...partialRecord, salts: { "/id": SALT + "A" } },
      [issue("/salts/~1id", `must be a 16-byte salt in base64url (22 characters) (got "${SALT}A")`)],
    ],
    [
      "a redacted digest in the wrong form",
      { ...partialRecord, redacted: { "/a~1b": "xyz" } },
      [issue("/redacted/~1a~01b", 'must be 64 lower-case hex characters (got "xyz")')],
    ],
  ];

  it.each(cases)("refuses %s", (_what, record, expected) => {
    expect(validateRecordShape(record)).toEqual(expected);
  });

  it("puts issues below the record's place when told where it is", () => {
    expect(validateRecordShape({ ...elidedRecord, seq: -1 }, { at: "/events/2" as SchemaIssue["pointer"] })).toEqual([
      issue("/events/2/seq", "must be >= 0 (got -1)"),
    ]);
  });

  it("checks a record of a full bundle against the disclosed form only", () => {
    expect(validateRecordShape(partialRecord, { kind: "full" })).toEqual([
      issue("", "must be a disclosed record {seq, seed, event}: a full bundle holds no partial record"),
    ]);
    expect(validateRecordShape({ ...disclosedRecord, digest: DIGEST }, { kind: "full" })).toEqual([
      issue("", 'unexpected member "digest"'),
    ]);
  });
});

describe("readable output", () => {
  it("prints an issue as pointer: message, the root as (root)", () => {
    expect(formatSchemaIssue(issue("/actor", 'missing required member "tenant"'))).toBe('/actor: missing required member "tenant"');
    expect(formatSchemaIssue(issue("", 'missing required member "id"'))).toBe('(root): missing required member "id"');
  });

  it("has words for every pattern the schemas use", () => {
    const patterns = new Set<string>();
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (typeof v === "object" && v !== null) {
        for (const [k, x] of Object.entries(v)) {
          if (k === "pattern" && typeof x === "string") patterns.add(x);
          else collect(x);
        }
      }
    };
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".schema.json")) collect(readJson(path));
      }
    };
    // The schemas this module reports on; other schemas (config) are reported by their owners.
    for (const name of ["common", "event", "record", "bundle", "bundle-header"]) {
      collect(readJson(join(root, "schemas", `${name}.schema.json`)));
    }
    walk(join(root, "schemas", "events"));
    expect(patterns.size).toBeGreaterThanOrEqual(8);
    for (const p of patterns) expect(patternMessage(p), p).not.toBe(patternMessage("(?:not a schema pattern)"));
  });
});

describe("generated validators", () => {
  it("load no module but core/time.js, so the core stays portable", () => {
    const text = readFileSync(join(root, "src", "core", "schema", "generated", "validators.ts"), "utf8");
    expect(text.startsWith("// @ts-nocheck\n// generated by scripts/gen-schemas.mjs")).toBe(true);
    const imports = [...text.matchAll(/^\s*import\b.*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]);
    expect(imports).toEqual(["../../time.js"]);
    expect(text).not.toMatch(/\brequire\s*\(|\bimport\s*\(|["']node:/);
  });
});
