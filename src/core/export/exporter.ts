/**
 * Turning checked events into disclosed records, the chain and the statement (DESIGN §4, §5).
 * With earlier records (`--continue`), the new chain reuses their seeds, so it extends the old
 * one; an event that no longer matches its earlier digest names the seq where the log changed.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { ChainBuilder } from "../chain/chain.js";
import { b64uDecode, b64uEncode } from "../encoding/base64url.js";
import { bytesEqual } from "../encoding/utf8.js";
import { eventDigest, SEED_BYTES } from "../digest/tree.js";
import type { DisclosedRecord } from "../bundle/types.js";
import type { JsonObject } from "../json/value.js";
import { makeStatement, statementBytes, type Issuer, type Statement } from "../statement/statement.js";
import { signDetached, type JwsSignature } from "../jws/detached.js";
import type { PrivateKey } from "../jws/jwk.js";

export type AddResult = { ok: true; record: DisclosedRecord } | { ok: false; seq: number };

export class Exporter {
  private readonly chain: ChainBuilder;

  constructor(
    private readonly crypto: CryptoProvider,
    readonly chainId: string,
    /** Disclosed records of the earlier bundle being continued, in order. */
    private readonly earlier: readonly DisclosedRecord[] = [],
  ) {
    this.chain = new ChainBuilder(crypto, chainId);
  }

  get length(): number {
    return this.chain.length;
  }

  add(event: JsonObject): AddResult {
    const seq = this.chain.length;
    const prior = this.earlier[seq];
    let seed: Uint8Array;
    if (prior !== undefined) {
      seed = b64uDecode(prior.seed)!;
      const digest = eventDigest(this.crypto, event, seed);
      if (!bytesEqual(digest, eventDigest(this.crypto, prior.event, seed))) return { ok: false, seq };
      this.chain.push(digest);
    } else {
      seed = this.crypto.randomBytes(SEED_BYTES);
      this.chain.push(eventDigest(this.crypto, event, seed));
    }
    return { ok: true, record: { seq, seed: b64uEncode(seed), event } };
  }

  /** Events of the earlier bundle not (yet) matched by the new log. */
  get missingEarlier(): number {
    return Math.max(0, this.earlier.length - this.chain.length);
  }

  statement(issuedAt: string, issuer: Issuer): Statement {
    return makeStatement(this.chainId, this.chain.length, this.chain.head, issuedAt, issuer);
  }
}

export function signStatement(crypto: CryptoProvider, statement: Statement, key: PrivateKey): JwsSignature {
  return signDetached(crypto, key, statementBytes(statement), "imladri-statement+json");
}
