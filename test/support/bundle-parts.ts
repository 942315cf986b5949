/** A bundle's header and records through the core reader, in memory (test bundles are small). */
import { readBundleBytes, type BundleSink } from "../../src/core/bundle/read.js";
import type { BundleHeader, EventRecord } from "../../src/core/bundle/types.js";
import type { JsonObject, JsonValue } from "../../src/core/json/value.js";

export function bundleParts<R extends EventRecord = EventRecord>(bytes: Uint8Array): { header: BundleHeader; records: R[] } {
  let header: JsonObject | undefined;
  const records: JsonValue[] = [];
  const sink: BundleSink = {
    header: (h) => (header = h),
    record: (r) => records.push(r),
    problem: (f) => {
      throw new Error(`unreadable bundle: ${f.message}`);
    },
    end: () => {},
  };
  readBundleBytes(bytes, sink);
  return { header: header as unknown as BundleHeader, records: records as unknown as R[] };
}
