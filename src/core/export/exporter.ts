/**
 * Turning checked events into disclosed records, the chain and the statement (DESIGN §4, §5).
 * Continuing an earlier bundle (`--continue`), the new chain reuses its seeds, so it extends the
 * old one; an event that no longer matches its earlier digest names the seq where the log changed.
 * The earlier records are pulled one at a time in step with the new events (issue 6: memory does
 * not grow with the number of events), and the chain they make must end at the earlier head.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { ChainBuilder } from "../chain/chain.js";
import { EVENT_TREE, MerkleBuilder, TreeHasher } from "../tree/merkle.js";
import { b64uEncode } from "../encoding/base64url.js";
import { hexDigest } from "../encoding/hex.js";
import { bytesEqual } from "../encoding/utf8.js";
import { eventDigest, SEED_BYTES } from "../digest/tree.js";
import { JcsByteWriter } from "../json/canonical.js";
import type { DisclosedRecord } from "../bundle/types.js";
import type { JsonObject } from "../json/value.js";
import { makeStatement, statementBytes, type Issuer, type Statement } from "../statement/statement.js";
import { signDetached, type JwsSignature } from "../jws/detached.js";
import type { PrivateKey } from "../jws/jwk.js";
import type { EarlierRecord, EarlierRecords } from "./earlier.js";
import { LeakCollector, type LeakFinding } from "../detect/scan.js";

/**
 * `ok: false`: the event at `seq` cannot extend the earlier bundle: it differs from the earlier
 * event there, or the earlier record could not be read again (`earlierIntact()` tells which).
 * No more events may be added after that.
 */
/**
 * An event chained: its record, and the record's JCS bytes (written by the digest walk, issue 14;
 * valid until the next `add`), or the seq of a refused one.
 */
export type AddResult = { ok: true; record: DisclosedRecord; jcs: Uint8Array; leaks: LeakFinding[] } | { ok: false; seq: number };

export class Exporter {
  /** The JCS bytes of the record being added (reused: a record's bytes are valid until the next add). */
  private readonly recordJcs = new JcsByteWriter(16 * 1024);
  private readonly chain: ChainBuilder;
  /** DESIGN §12: the event tree over the same digests, old and new (a continued v1 bundle becomes v2). */
  private readonly tree: MerkleBuilder;
  /** The chain of the earlier records as read now, fed as they are pulled (one link each). */
  private readonly earlierChain: ChainBuilder | undefined;
  /** Set when an earlier record could not be read again; nothing after it is pulled. */
  private earlierUnreadable = false;
  private refused = false;

  constructor(
    private readonly crypto: CryptoProvider,
    readonly chainId: string,
    /** The earlier bundle being continued; none for a new chain. */
    private readonly earlier?: EarlierRecords,
  ) {
    this.chain = new ChainBuilder(crypto, chainId);
    this.tree = new MerkleBuilder(new TreeHasher(crypto, EVENT_TREE));
    this.earlierChain = earlier && new ChainBuilder(crypto, chainId);
  }

  get length(): number {
    return this.chain.length;
  }

  /** Events in the earlier bundle (its statement's length). */
  get earlierLength(): number {
    return this.earlier?.length ?? 0;
  }

  /** Chains one event and scans it for leaks (DESIGN §9). */
  add(event: JsonObject): AddResult {
    if (this.refused) throw new Error("Exporter.add after a refused event");
    const seq = this.chain.length;
    // DESIGN §9: the leak detectors see every leaf in the digest walk itself (issue 14), keyed
    // with the node digests the walk computes anyway.
    const leaks = new LeakCollector(this.crypto, seq);
    // JCS({event, seed, seq}): "event" comes first, and its bytes come from the digest walk.
    const jcs = this.recordJcs;
    jcs.reset();
    jcs.ascii('{"event":');
    if (seq < this.earlierLength) {
      const prior = this.pullEarlier();
      const digest = prior && eventDigest(this.crypto, event, prior.seed, { scanner: leaks, jcs });
      if (!prior || !digest || !bytesEqual(digest, prior.digest)) {
        this.refused = true;
        return { ok: false, seq };
      }
      this.chain.push(digest);
      this.tree.push(digest);
      return this.added({ seq, seed: b64uEncode(prior.seed), event }, leaks);
    }
    const seed = this.crypto.randomBytes(SEED_BYTES);
    const digest = eventDigest(this.crypto, event, seed, { scanner: leaks, jcs });
    this.chain.push(digest);
    this.tree.push(digest);
    return this.added({ seq, seed: b64uEncode(seed), event }, leaks);
  }

  private added(record: DisclosedRecord, leaks: LeakCollector): AddResult {
    const jcs = this.recordJcs;
    jcs.ascii(',"seed":');
    jcs.value(record.seed);
    jcs.ascii(',"seq":');
    jcs.value(record.seq);
    jcs.byte(0x7d); // }
    return { ok: true, record, jcs: jcs.bytes.subarray(0, jcs.length), leaks: leaks.findings };
  }

  /**
   * Whether the earlier records, those pulled so far and the rest (read now, when the new log
   * stopped short of them), chain to the earlier statement's head: that is, whether the earlier
   * bundle read now is the one that was checked. Only then do the new events extend it, and only
   * then does a refused event mean that the log changed. Call it once, after the last `add`.
   */
  earlierIntact(): boolean {
    if (!this.earlier || !this.earlierChain) return true;
    while (!this.earlierUnreadable && this.earlierChain.length < this.earlier.length) this.pullEarlier();
    return !this.earlierUnreadable && hexDigest(this.earlierChain.head) === this.earlier.head;
  }

  /** Events of the earlier bundle not (yet) matched by the new log. */
  get missingEarlier(): number {
    return Math.max(0, this.earlierLength - this.chain.length);
  }

  statement(issuedAt: string, issuer: Issuer): Statement {
    return makeStatement(this.chainId, this.chain.length, this.chain.head, this.tree.root(), issuedAt, issuer);
  }

  private pullEarlier(): EarlierRecord | undefined {
    const prior = this.earlierUnreadable ? undefined : this.earlier?.next();
    if (prior === undefined) this.earlierUnreadable = true;
    else this.earlierChain?.push(prior.digest);
    return prior;
  }
}

export function signStatement(crypto: CryptoProvider, statement: Statement, key: PrivateKey): JwsSignature {
  return signDetached(crypto, key, statementBytes(statement), "imladri-statement+json");
}
