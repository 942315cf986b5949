/**
 * The earlier bundle a continued export extends (`proof export --continue`), pulled one record at a
 * time in step with the new log, so it is never held whole (issue 6). Its statement was checked
 * first (the whole bundle verified as consistent); the records are then read a second time, so
 * each is checked again here and the chain they make is compared with that statement's head by
 * the Exporter: a file changed between the two reads is refused, never half-trusted.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { b64uDecode } from "../encoding/base64url.js";
import type { HexDigest } from "../encoding/hex.js";
import { isJsonObject, type JsonValue } from "../json/value.js";
import { checkRecord } from "../verify/steps/record.js";

/** One earlier record as the Exporter needs it: the seed to reuse and the event digest it gives. */
export interface EarlierRecord {
  seed: Uint8Array;
  digest: Uint8Array;
}

export interface EarlierRecords {
  /** The earlier statement's `length` and `head` (DESIGN §5), from the check before this read. */
  readonly length: number;
  readonly head: HexDigest;
  /**
   * The record at the next seq, from 0 on; undefined when there is none, or when it no longer
   * reads as a disclosed record at that seq (the file changed since it was checked).
   */
  next(): EarlierRecord | undefined;
}

/**
 * A record read again, checked by the verifier's own record step (DESIGN §6: in a full bundle
 * every record is `{seq, seed, event}` with `seq` its position): undefined unless it still is one.
 */
export function earlierRecordOf(crypto: CryptoProvider, value: JsonValue, seq: number): EarlierRecord | undefined {
  const checked = checkRecord(crypto, value, seq, "full");
  if (checked.form !== "disclosed" || checked.digest === undefined || checked.findings.some((f) => f.effect === "invalid")) return undefined;
  const seed = isJsonObject(value) && typeof value.seed === "string" ? b64uDecode(value.seed) : undefined;
  return seed === undefined ? undefined : { seed, digest: checked.digest };
}
