/**
 * imladri's pure library: everything needed to read, canonicalize, digest, chain, sign, verify,
 * redact and replay keyrings, with no file or process I/O, so it runs unchanged in Node and in a
 * browser. Pass a CryptoProvider: `nobleCrypto` (portable, exported here) or, in Node, the faster
 * node:crypto one (`imladri/dist/platform/node-crypto.js`).
 *
 * @example
 * import { nobleCrypto, readBundleText, TrustStore, Verifier, readPublicJwk, parseJson } from "imladri";
 * const trust = new TrustStore();
 * const k = readPublicJwk(nobleCrypto, parseJson(publicJwkText));
 * if (k.ok) trust.add({ key: k.key, status: "active", source: "signer.pub.jwk" });
 * const verifier = new Verifier({ crypto: nobleCrypto, trust });
 * readBundleText(bundleText, verifier);
 * const { verdict, identity, findings } = verifier.result();
 */
export type { JsonValue, JsonObject, JsonArray, JsonPrimitive } from "./json/value.js";
export { parseJson, parseJsonBytes, JsonSyntaxError, type JsonErrorCode } from "./json/parse.js";
export { canonicalize, canonicalBytes } from "./json/canonical.js";
export { type JsonPointer, appendPointer, parsePointer, escapeToken } from "./json/pointer.js";

export type { CryptoProvider, Sha256Stream } from "./crypto/provider.js";
export { nobleCrypto } from "./crypto/noble.js";
export { checkEd25519PublicKey } from "./crypto/ed25519-key.js";

export { eventDigest, nodeDigest, seedSalt, type DigestSource } from "./digest/tree.js";
export { ChainBuilder, genesis, nextLink } from "./chain/chain.js";
export { type Statement, type StatementV1, type StatementV2, type Issuer, statementDigest, proofIdentity, readStatement, hasTree, STATEMENT_FORMAT, STATEMENT_FORMAT_V1, STATEMENT_FORMAT_V2 } from "./statement/statement.js";
export { EVENT_TREE, RFC9162_TREE, TreeHasher, MerkleBuilder, ProofPlanner, verifyInclusion, verifyConsistency, type TreePrefixes, type ProofFailure } from "./tree/merkle.js";
export { type Kid, type PublicKey, type PrivateKey, readPublicJwk, readPrivateJwk, thumbprint, publicJwk } from "./jws/jwk.js";
export { signDetached, readSignatureEntry, verifyDetached, type JwsSignature, type JwsType } from "./jws/detached.js";
export { TrustStore, type TrustedKey, type KeyStatus } from "./jws/trust.js";

export { BUNDLE_FORMAT, BUNDLE_FORMAT_V1, BUNDLE_FORMAT_V2, type BundleHeader, type BundleKind, type ExcerptRecord, type Consistency, type EventRecord, type DisclosedRecord, type PartialRecord, type ElidedRecord } from "./bundle/types.js";
export { readBundleText, readBundleBytes, JsonlBundleParser, type BundleSink } from "./bundle/read.js";
export { serializeBundle, type BundleFormat } from "./bundle/serialize.js";

export { Verifier, type VerifyOptions, type VerificationReport } from "./verify/verifier.js";
export { computeVerdict, verdictExitCode, type Finding, type Effect, type Verdict } from "./verify/finding.js";
export { EVIDENCE_CHECKS, type EvidenceCheck } from "./verify/steps/evidence.js";

export { Exporter, signStatement } from "./export/exporter.js";
export { earlierRecordOf, type EarlierRecord, type EarlierRecords } from "./export/earlier.js";
export { EventLogChecker } from "./events/log.js";
export { validateEvent, KNOWN_EVENT_TYPES } from "./schema/validate.js";
export { Summarizer, type Summary } from "./inspect/summary.js";

export { applyPolicy, extendPolicy } from "./redact/share.js";
export { readPolicy, type Policy } from "./redact/policy.js";
export { AUDITOR_POLICY, STRICT_POLICY, BUILT_IN_POLICIES } from "./redact/policies.js";
export { scanEvent, scanRecord, type LeakFinding } from "./detect/scan.js";

export { replayKeyring, type KeyringReplay } from "./keyring/replay.js";
export { createKeyring, extendKeyring, serializeKeyring } from "./keyring/sign.js";
export { trustKeyring } from "./keyring/trust.js";
