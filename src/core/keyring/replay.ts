/**
 * Replaying a keyring's log (DESIGN §7, normative). The log is the only source of trust: each
 * entry is checked against the state the entries before it derived, the key states are derived
 * from it, and the document's `keys` must equal that derivation (order aside).
 *
 * Like the bundle verifier, nothing here throws for a bad keyring: every problem becomes a finding
 * with a stable code (`keyring.*`, listed in docs/keys.md) and a JSON Pointer into the keyring
 * document, and a keyring with any `invalid` finding gives no trust at all.
 *
 * @example
 * const r = replayKeyring(crypto, parseJson(text), { root: pinnedKid });
 * if (r.ok) addKeyringToTrust(trust, r, "keyring.json");
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { hexDigest, isHexDigest } from "../encoding/hex.js";
import { canonicalBytes, canonicalize } from "../json/canonical.js";
import { appendPointer, type JsonPointer } from "../json/pointer.js";
import { hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../json/value.js";
import { readSignatureEntry, verifyDetached } from "../jws/detached.js";
import { isKid, readPublicJwk, type Kid, type PublicKey } from "../jws/jwk.js";
import { isRfc3339Utc } from "../time.js";
import { FindingList, type Finding } from "../verify/finding.js";
import { MAX_LISTED_PROBLEMS } from "../limits.js";
import { KEYRING_FORMAT, ROTATION_FORMAT, type DerivedKey, type Keyring, type Revocation, type RotationStatement } from "./types.js";

/** One key as the replay derived it, with the decoded public key for signature checks. */
export interface ReplayedKey {
  jwk: DerivedKey;
  key: PublicKey;
  /** seq of the entry that added it. */
  addedIn: number;
}

export interface LogReplay {
  findings: Finding[];
  /** Every key the log adds, in the order it adds them (the order writers give `keys`). */
  keys: ReplayedKey[];
  /** The kids entry 0 adds: the keys a reader trusts as given unless `--root` pins one. */
  root: Kid[];
}

export interface KeyringReplay extends LogReplay {
  /**
   * How many findings of each code were counted past MAX_FINDINGS_PER_CODE and not listed in
   * `findings` (issue 12: a keyring with a million bad members); `ok` weighs them all.
   */
  dropped: Record<string, number>;
  /** True when no finding is `invalid`: only then may the keys be trusted. */
  ok: boolean;
  /** Number of log entries. */
  entries: number;
  /** Whether a `--root` was given (and, when `ok`, matched). */
  pinned: boolean;
  /** The document, typed, when `ok`. */
  keyring?: Keyring;
}

export interface ReplayOptions {
  /** DESIGN §7: `--root KID`, which entry 0 must add. */
  root?: Kid;
}

export const ROTATION_TYP = "imladri-rotation+json";

const KEYRING_MEMBERS = ["format", "keys", "log"] as const;
const ENTRY_MEMBERS = ["statement", "signatures"] as const;
const STATEMENT_MEMBERS = ["format", "seq", "prev", "at", "add", "retire", "revoke"] as const;
const JWK_MEMBERS = ["kty", "crv", "x", "kid"] as const;
const REVOKE_MEMBERS = ["kid", "reason"] as const;

/** Replays a whole keyring document: structure, log, `keys` against the log, the root pin. */
export function replayKeyring(crypto: CryptoProvider, doc: JsonValue, options: ReplayOptions = {}): KeyringReplay {
  const findings: Finding[] = [];
  // DESIGN §7: a keyring never holds a private member; loading one that does is refused.
  findPrivateMembers(doc, "" as JsonPointer, findings);
  let replay: LogReplay = { findings: [], keys: [], root: [] };
  let entries = 0;
  if (!isJsonObject(doc)) {
    findings.push(structure("", "a keyring must be a JSON object {format, keys, log}"));
  } else {
    exactMembers(doc, KEYRING_MEMBERS, "" as JsonPointer, "the keyring", findings);
    if (hasMember(doc, "format") && doc.format !== KEYRING_FORMAT) {
      findings.push(structure("/format", `must be "${KEYRING_FORMAT}" (got ${preview(doc.format)})`));
    }
    const log = doc.log;
    if (hasMember(doc, "log") && !isJsonArray(log)) findings.push(structure("/log", "must be an array of log entries"));
    else if (isJsonArray(log)) {
      entries = log.length;
      if (log.length === 0) findings.push(invalid("keyring.log-empty", "/log", "the log is empty: entry 0, which adds the first key, is required"));
      else replay = replayLog(crypto, log);
      for (const f of replay.findings) findings.push(f);
    }
    const keys = doc.keys;
    if (hasMember(doc, "keys") && !isJsonArray(keys)) findings.push(structure("/keys", "must be an array of keys"));
    else if (isJsonArray(keys)) for (const f of compareKeys(keys, replay.keys)) findings.push(f);
  }
  if (replay.root.length > 0) {
    const roots = replay.root.join(", ");
    if (options.root !== undefined) {
      if (!replay.root.includes(options.root)) {
        findings.push(
          invalid(
            "keyring.root-mismatch",
            "/log/0/statement/add",
            `entry 0 adds ${roots}, not the pinned root ${options.root}: this is not the keyring you pinned (it may have been replaced)`,
          ),
        );
      }
    } else {
      findings.push({
        code: "keyring.root-unpinned",
        effect: "info",
        pointer: "/log/0/statement/add",
        message: `no --root given: the keyring's first entry (root key ${roots}) is trusted as given; pin it with --root ${replay.root[0]} so a replaced keyring is refused`,
      });
    }
  }
  const capped = new FindingList();
  capped.addAll(findings);
  const ok = !capped.has("invalid");
  const result: KeyringReplay = { findings: [...capped.findings], dropped: capped.dropped(), keys: replay.keys, root: replay.root, ok, entries, pinned: options.root !== undefined };
  if (ok) result.keyring = doc as unknown as Keyring;
  return result;
}

/**
 * Replays a log (the `log` array of a keyring) and derives each key's state. Used by the reader
 * and by the writers, which replay what they are about to write: one set of rules.
 */
export function replayLog(crypto: CryptoProvider, log: readonly JsonValue[]): LogReplay {
  return new LogReplayer(crypto, log).run();
}

class LogReplayer {
  private readonly findings: Finding[] = [];
  private readonly state = new Map<Kid, ReplayedKey>();
  private readonly order: ReplayedKey[] = [];
  private root: Kid[] = [];
  /** The seq each entry claims, where readable: to tell a reordered log from a missing entry. */
  private readonly seqs: (number | undefined)[];
  /** The last position at which each seq is claimed (one pass, so a huge forged log stays linear). */
  private readonly lastPosition = new Map<number, number>();

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly log: readonly JsonValue[],
  ) {
    this.seqs = log.map((e) => {
      const s = isJsonObject(e) && isJsonObject(e.statement) ? e.statement.seq : undefined;
      return typeof s === "number" && Number.isSafeInteger(s) ? s : undefined;
    });
    this.seqs.forEach((seq, i) => seq !== undefined && this.lastPosition.set(seq, i));
  }

  run(): LogReplay {
    let previous: JsonValue | undefined;
    let previousAt: string | undefined;
    this.log.forEach((entry, i) => {
      const p = `/log/${i}` as JsonPointer;
      const statement = isJsonObject(entry) && hasMember(entry, "statement") ? entry.statement : undefined;
      if (!isJsonObject(entry)) this.findings.push(structure(p, "a log entry must be an object {statement, signatures}"));
      else exactMembers(entry, ENTRY_MEMBERS, p, `log entry ${i}`, this.findings);
      if (isJsonObject(statement)) {
        this.checkPosition(statement, i, previous, previousAt);
        const typed = this.readStatement(statement, i);
        if (typed && isJsonObject(entry)) this.replayEntry(typed.statement, typed.keys, entry.signatures, i);
        if (typeof statement.at === "string" && isRfc3339Utc(statement.at)) previousAt = statement.at;
      } else if (statement !== undefined) {
        this.findings.push(structure(`${p}/statement`, "the statement must be an object"));
      }
      previous = statement;
    });
    return { findings: this.findings, keys: this.order, root: this.root };
  }

  /** seq, prev and time order: where the entry sits in the log (DESIGN §7). */
  private checkPosition(s: JsonObject, i: number, previous: JsonValue | undefined, previousAt: string | undefined): void {
    const p = `/log/${i}/statement`;
    const seq = this.seqs[i];
    if (seq !== undefined && seq !== i) {
      // The entry that belongs here appears later, or this one belongs earlier: reordered (or
      // repeated). Otherwise the entries between are missing.
      const reordered = seq < i || (this.lastPosition.get(i) ?? -1) > i;
      this.findings.push(
        reordered
          ? invalid("keyring.log-order", `${p}/seq`, `entry ${i} of the log says seq ${seq}: the log is out of order or repeats an entry`)
          : invalid("keyring.seq-gap", `${p}/seq`, `entry ${i} of the log says seq ${seq}: seq ${i}${seq - 1 > i ? `-${seq - 1}` : ""} is missing`),
      );
    }
    if (hasMember(s, "prev")) {
      if (i === 0) {
        if (s.prev !== null) this.findings.push(invalid("keyring.prev-mismatch", `${p}/prev`, "entry 0 must have prev null: a log cannot start in the middle"));
      } else if (previous !== undefined) {
        const expected = hexDigest(this.crypto.sha256(canonicalBytes(previous)));
        if (s.prev !== expected) {
          this.findings.push(
            invalid("keyring.prev-mismatch", `${p}/prev`, `entry ${i}'s prev is not the digest of entry ${i - 1}'s statement (expected ${expected}): an entry was changed, removed or inserted`),
          );
        }
      }
    }
    // DESIGN is silent on time order; a backwards `at` does not change any trust decision (keys
    // are trusted by status, not by time), so it is a warning for a person to look at.
    if (previousAt !== undefined && typeof s.at === "string" && isRfc3339Utc(s.at) && compareTimes(s.at, previousAt) < 0) {
      this.findings.push({ code: "keyring.time-order", effect: "warning", pointer: `${p}/at`, message: `entry ${i} is dated ${s.at}, before entry ${i - 1} (${previousAt}): a clock was wrong` });
    }
  }

  /** Member-by-member structure of a rotation statement; the typed statement or nothing. */
  private readStatement(s: JsonObject, i: number): { statement: RotationStatement; keys: Map<Kid, PublicKey> } | undefined {
    const p = `/log/${i}/statement` as JsonPointer;
    const out = this.findings;
    const before = out.length;
    exactMembers(s, STATEMENT_MEMBERS, p, `entry ${i}'s statement`, out);
    if (hasMember(s, "format") && s.format !== ROTATION_FORMAT) out.push(structure(`${p}/format`, `must be "${ROTATION_FORMAT}" (got ${preview(s.format)})`));
    if (hasMember(s, "seq") && !(typeof s.seq === "number" && Number.isSafeInteger(s.seq) && s.seq >= 0)) out.push(structure(`${p}/seq`, "must be a non-negative integer"));
    if (hasMember(s, "prev") && s.prev !== null && !isHexDigest(s.prev)) out.push(structure(`${p}/prev`, "must be null or 64 lower-case hex characters"));
    if (hasMember(s, "at") && !(typeof s.at === "string" && isRfc3339Utc(s.at))) out.push(structure(`${p}/at`, "must be an RFC 3339 UTC time like 2026-11-20T09:00:00.000Z"));
    const keys = new Map<Kid, PublicKey>();
    this.eachItem(s, "add", p, (item, ip) => {
      if (!isJsonObject(item)) return void out.push(structure(ip, "must be a public JWK {kty, crv, x, kid}"));
      if (!exactMembers(item, JWK_MEMBERS, ip, "an added key", out)) return;
      const r = readPublicJwk(this.crypto, item);
      if (!r.ok) return void out.push(invalid("keyring.key-invalid", ip, `entry ${i} adds an unusable key: ${r.message}`));
      keys.set(r.key.kid, r.key);
    });
    this.eachItem(s, "retire", p, (item, ip) => {
      if (!isKid(item)) out.push(structure(ip, "must be a kid (an RFC 7638 thumbprint, 43 base64url characters)"));
    });
    this.eachItem(s, "revoke", p, (item, ip) => {
      if (!isJsonObject(item)) return void out.push(structure(ip, "must be an object {kid, reason}"));
      if (!exactMembers(item, REVOKE_MEMBERS, ip, "a revocation", out)) return;
      if (!isKid(item.kid)) out.push(structure(`${ip}/kid`, "must be a kid (an RFC 7638 thumbprint, 43 base64url characters)"));
      if (typeof item.reason !== "string") out.push(structure(`${ip}/reason`, "must be a string"));
    });
    if (out.length > before) return undefined;
    return { statement: s as unknown as RotationStatement, keys };
  }

  private eachItem(s: JsonObject, name: string, p: JsonPointer, f: (item: JsonValue, pointer: JsonPointer) => void): void {
    if (!hasMember(s, name)) return;
    const list = s[name];
    if (!isJsonArray(list)) return void this.findings.push(structure(`${p}/${name}`, "must be an array (empty when nothing changes)"));
    list.forEach((item, j) => f(item, `${p}/${name}/${j}` as JsonPointer));
  }

  /** Signatures against the state before the entry, then the entry's changes (DESIGN §7). */
  private replayEntry(s: RotationStatement, added: Map<Kid, PublicKey>, signatures: JsonValue | undefined, i: number): void {
    const p = `/log/${i}`;
    if (i === 0) {
      this.root = [...added.keys()];
      if (added.size === 0) this.findings.push(invalid("keyring.root-empty", `${p}/statement/add`, "entry 0 adds no key: it must add the first key(s) and be signed by each"));
    }
    const valid = isJsonArray(signatures) ? this.checkSignatures(s, added, signatures, i) : new Set<Kid>();
    if (signatures !== undefined && !isJsonArray(signatures)) this.findings.push(structure(`${p}/signatures`, "must be an array of {protected, signature}"));
    s.add.forEach((jwk, a) => {
      if (!valid.has(jwk.kid)) {
        this.findings.push(invalid("keyring.add-unsigned", `${p}/statement/add/${a}`, `entry ${i} adds key ${jwk.kid} without a valid signature by it: every added key must sign the entry that adds it`));
      }
    });
    if (i > 0) this.checkAuthorized(valid, i);
    this.apply(s, added, i);
  }

  private checkSignatures(s: RotationStatement, added: Map<Kid, PublicKey>, signatures: JsonValue[], i: number): Set<Kid> {
    const payload = canonicalBytes(s as unknown as JsonObject);
    const valid = new Set<Kid>();
    signatures.forEach((sig, j) => {
      const sp = `/log/${i}/signatures/${j}`;
      const read = readSignatureEntry(sig, ROTATION_TYP);
      if (!read.ok) return void this.findings.push(invalid(`keyring.${read.code}`, sp + read.pointer, `entry ${i} signature ${j}: ${read.message}`));
      const known = this.state.get(read.kid);
      const key = added.get(read.kid) ?? known?.key;
      if (key === undefined) {
        return void this.findings.push(
          invalid("keyring.signature.unknown-key", sp, `entry ${i} signature ${j} is by key ${read.kid}, which no earlier entry and not this one adds: every signature must be by a known key`),
        );
      }
      // Mirrors the bundle rule (DESIGN §7, §8): any signature by a revoked key is refused.
      if (known?.jwk.status === "revoked") {
        return void this.findings.push(invalid("keyring.signature.revoked-key", sp, `entry ${i} signature ${j} is by key ${read.kid}, revoked before this entry (${known.jwk.revoked?.reason ?? ""})`));
      }
      if (!verifyDetached(this.crypto, key, read.protectedB64, read.signature, payload)) {
        return void this.findings.push(invalid("keyring.signature.bad", sp, `entry ${i} signature ${j} by key ${read.kid} does not verify: the entry was changed after signing`));
      }
      valid.add(read.kid);
    });
    return valid;
  }

  /** DESIGN §7: every later entry is signed by at least one key active before it. */
  private checkAuthorized(valid: Set<Kid>, i: number): void {
    const statusBefore = (k: Kid) => this.state.get(k)?.jwk.status;
    if ([...valid].some((k) => statusBefore(k) === "active")) return;
    const retired = [...valid].filter((k) => statusBefore(k) === "retired");
    const p = `/log/${i}/signatures`;
    if (retired.length > 0) {
      this.findings.push(invalid("keyring.signer-retired", p, `entry ${i} is signed by retired key ${retired.join(", ")} and by no active key: a retired key cannot change the keyring`));
    } else {
      this.findings.push(invalid("keyring.not-authorized", p, `entry ${i} has no valid signature by a key active before it (signatures by the keys it adds do not count): anyone could have written it`));
    }
  }

  /** Applies add, then retire, then revoke, each checked against the state so far. */
  private apply(s: RotationStatement, added: Map<Kid, PublicKey>, i: number): void {
    const p = `/log/${i}/statement`;
    s.add.forEach((jwk, a) => {
      const key = added.get(jwk.kid);
      if (this.state.has(jwk.kid)) {
        const first = this.state.get(jwk.kid)!.addedIn;
        return void this.findings.push(invalid("keyring.duplicate-add", `${p}/add/${a}`, `entry ${i} adds key ${jwk.kid} again (entry ${first} added it): a kid is never added twice`));
      }
      if (key === undefined) return;
      const derived: DerivedKey = { kty: "OKP", crv: "Ed25519", x: key.x, kid: key.kid, status: "active", created: s.at };
      const k: ReplayedKey = { jwk: derived, key, addedIn: i };
      this.state.set(key.kid, k);
      this.order.push(k);
    });
    s.retire.forEach((kid, r) => {
      const k = this.existing(kid, i, `${p}/retire/${r}`, "retires");
      if (k === undefined) return;
      if (k.jwk.status !== "active") {
        return void this.findings.push(invalid("keyring.retire-not-active", `${p}/retire/${r}`, `entry ${i} retires key ${kid}, which is ${k.jwk.status}: only active keys are retired`));
      }
      k.jwk.status = "retired";
      k.jwk.retired = s.at;
    });
    s.revoke.forEach((rv: Revocation, r) => {
      const k = this.existing(rv.kid, i, `${p}/revoke/${r}/kid`, "revokes");
      if (k === undefined) return;
      if (k.jwk.status === "revoked") {
        return void this.findings.push(invalid("keyring.already-revoked", `${p}/revoke/${r}/kid`, `entry ${i} revokes key ${rv.kid}, which is already revoked`));
      }
      k.jwk.status = "revoked";
      k.jwk.revoked = { at: s.at, reason: rv.reason };
    });
  }

  private existing(kid: Kid, i: number, pointer: string, verb: string): ReplayedKey | undefined {
    const k = this.state.get(kid);
    if (k === undefined) this.findings.push(invalid("keyring.unknown-kid", pointer, `entry ${i} ${verb} key ${kid}, which no earlier entry adds`));
    return k;
  }
}

/** DESIGN §7: `keys` must equal the derivation, order aside. */
function compareKeys(listed: JsonValue[], derived: readonly ReplayedKey[]): Finding[] {
  const out: Finding[] = [];
  const byKid = new Map(derived.map((k) => [k.jwk.kid as string, k]));
  const seen = new Map<string, number>();
  listed.forEach((item, j) => {
    const p = `/keys/${j}` as JsonPointer;
    if (!isJsonObject(item) || typeof item.kid !== "string") return void out.push(structure(p, "must be a key object with a kid"));
    const kid = item.kid;
    const first = seen.get(kid);
    if (first !== undefined) return void out.push(invalid("keyring.keys-duplicate", p, `key ${preview(kid)} is listed twice (also at /keys/${first})`));
    seen.set(kid, j);
    const k = byKid.get(kid);
    if (k === undefined) return void out.push(invalid("keyring.keys-extra", p, `key ${preview(kid)} is listed in keys, but no log entry adds it`));
    const expected = k.jwk as unknown as JsonObject;
    const names = [...new Set([...Object.keys(item), ...Object.keys(expected)])].sort();
    for (const name of names) {
      // A private member is reported once, by findPrivateMembers, and its value never shown.
      if (name === "d") continue;
      const mp = appendPointer(p, name);
      if (!hasMember(expected, name)) {
        out.push(invalid("keyring.keys-mismatch", mp, `key ${kid}: "${short(name)}" is not derived by the log (a listed key has kty, crv, x, kid, status, created and, when they apply, retired and revoked)`));
      } else if (!hasMember(item, name)) {
        out.push(invalid("keyring.keys-mismatch", mp, `key ${kid}: missing "${name}" (the log derives ${canonicalize(expected[name]!)})`));
      } else if (canonicalize(item[name]!) !== canonicalize(expected[name]!)) {
        out.push(invalid("keyring.keys-mismatch", mp, `key ${kid}: "${name}" says ${preview(item[name])}, but the log derives ${canonicalize(expected[name]!)}`));
      }
    }
  });
  for (const k of derived) {
    if (!seen.has(k.jwk.kid)) {
      out.push(invalid("keyring.keys-missing", "/keys", `key ${k.jwk.kid} (${k.jwk.status}) is added by log entry ${k.addedIn} but missing from keys`));
    }
  }
  return out;
}

/** Every object member named `d`, anywhere: a private key where only public ones belong. */
function findPrivateMembers(v: JsonValue, p: JsonPointer, out: Finding[]): void {
  if (isJsonArray(v)) v.forEach((x, i) => findPrivateMembers(x, appendPointer(p, i), out));
  else if (isJsonObject(v)) {
    for (const [name, x] of Object.entries(v)) {
      if (name === "d") {
        out.push(
          invalid(
            "keyring.private-member",
            appendPointer(p, "d"),
            'the keyring holds a private key member "d": a keyring holds public keys only. Remove it, and treat that key as exposed (rotate it with keys rotate --revoke-old)',
          ),
        );
      } else findPrivateMembers(x, appendPointer(p, name), out);
    }
  }
}

function exactMembers(o: JsonObject, names: readonly string[], p: JsonPointer, what: string, out: Finding[]): boolean {
  let ok = true;
  // Issue 12: an object may hold a million members; the first few are named, the rest counted.
  let unexpected = 0;
  for (const name of Object.keys(o)) {
    if (!names.includes(name)) {
      ok = false;
      // `d` is reported by findPrivateMembers.
      if (name !== "d" && unexpected++ < MAX_LISTED_PROBLEMS) out.push(structure(appendPointer(p, name), `unexpected member "${short(name)}" in ${what} (exactly ${names.join(", ")})`));
    }
  }
  if (unexpected > MAX_LISTED_PROBLEMS) out.push(structure(p, `${unexpected - MAX_LISTED_PROBLEMS} more unexpected members in ${what}`));
  for (const name of names) {
    if (!hasMember(o, name)) {
      ok = false;
      out.push(structure(p, `${what} is missing member "${name}"`));
    }
  }
  return ok;
}

/** Compares two valid RFC 3339 UTC times exactly (any fraction length). */
function compareTimes(a: string, b: string): number {
  const [am = "", af = ""] = a.slice(0, -1).split(".");
  const [bm = "", bf = ""] = b.slice(0, -1).split(".");
  if (am !== bm) return am < bm ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const x = af.padEnd(n, "0");
  const y = bf.padEnd(n, "0");
  return x === y ? 0 : x < y ? -1 : 1;
}

function invalid(code: string, pointer: string, message: string): Finding {
  return { code, effect: "invalid", pointer, message };
}

function structure(pointer: string, message: string): Finding {
  return invalid("keyring.structure", pointer, message);
}

// Values in a keyring are public, but a misplaced secret must not be echoed whole: strings are
// shown only when short (a status, a timestamp).
const PREVIEW_MAX = 24;

function preview(v: JsonValue | undefined): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return v.length <= PREVIEW_MAX ? JSON.stringify(v) : `a string of ${v.length} characters`;
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v).slice(0, PREVIEW_MAX);
  return isJsonArray(v) ? "an array" : "an object";
}

function short(name: string): string {
  return name.length <= 40 ? name : `${name.slice(0, 32)}…`;
}

