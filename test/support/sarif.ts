/**
 * Validates a document against the official OASIS SARIF 2.1.0 schema (fixtures/sarif/, with its
 * source). The schema is draft-04; ajv reads it as draft-07 with `id` as `$id` (see the README
 * there). Its three formats are checked here, not ignored.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Ajv } from "ajv";
import { FIXTURES } from "./cli.js";

function isUri(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && URL.canParse(s);
}

function isUriReference(s: string): boolean {
  // RFC 3986: no spaces, controls or characters outside the URI set; resolvable against a base.
  return !/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s) && URL.canParse(s, "http://base.invalid/");
}

function isDateTime(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s));
}

let validate: ReturnType<Ajv["compile"]> | undefined;

export function sarifErrors(doc: unknown): string[] {
  if (validate === undefined) {
    const schema = JSON.parse(fs.readFileSync(path.join(FIXTURES, "sarif/sarif-schema-2.1.0.json"), "utf8")) as Record<string, unknown>;
    const { id, $schema: _draft04, ...rest } = schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat("uri", isUri);
    ajv.addFormat("uri-reference", isUriReference);
    ajv.addFormat("date-time", isDateTime);
    validate = ajv.compile({ $id: id as string, ...rest });
  }
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
