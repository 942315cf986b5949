/**
 * The hash chain (DESIGN §5, normative):
 *   genesis = H(0x03 || UTF8(chain));  link[i] = H(0x04 || link[i-1] || digest(event i));
 *   head = link[n-1], or genesis when n = 0.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { utf8 } from "../encoding/utf8.js";

const TAG_GENESIS = Uint8Array.of(0x03);
const TAG_LINK = Uint8Array.of(0x04);

export function genesis(crypto: CryptoProvider, chain: string): Uint8Array {
  return crypto.sha256Parts([TAG_GENESIS, utf8(chain)]);
}

export function nextLink(crypto: CryptoProvider, previous: Uint8Array, eventDigest: Uint8Array): Uint8Array {
  return crypto.sha256Parts([TAG_LINK, previous, eventDigest]);
}

/** Folds event digests into the chain one at a time, so a stream never needs them all at once. */
export class ChainBuilder {
  private link: Uint8Array;
  private count = 0;

  constructor(
    private readonly crypto: CryptoProvider,
    chain: string,
  ) {
    this.link = genesis(crypto, chain);
  }

  push(eventDigest: Uint8Array): void {
    this.link = nextLink(this.crypto, this.link, eventDigest);
    this.count++;
  }

  get length(): number {
    return this.count;
  }

  get head(): Uint8Array {
    return this.link;
  }
}
