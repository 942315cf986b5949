import { fileURLToPath } from "node:url";

/**
 * The public test vectors, copied byte for byte from ../shared/vectors into fixtures/vectors (see
 * its README for sources) so the tests run from any clone; test/support/vectors.test.ts checks
 * the copy still equals the shared originals wherever those are present.
 */
export const VECTORS = fileURLToPath(new URL("../../fixtures/vectors/", import.meta.url));
export const SHARED_VECTORS = fileURLToPath(new URL("../../../shared/vectors/", import.meta.url));
