#!/usr/bin/env node
// Compiles every JSON Schema in schemas/ (recursively) into one ESM module of standalone
// validators: src/core/schema/generated/validators.ts. Runs in `npm run build`; the output is
// generated, not committed. At run time nothing is compiled: start-up stays fast and the core
// needs no ajv (STYLE: a pure core a browser could load).
//
// Export names are derived from file paths, so they stay stable as schemas are added:
//   schemas/event.schema.json                 -> validateEvent
//   schemas/events/tool.call.schema.json      -> validateEventsToolCall
//   schemas/bundle-header.schema.json         -> validateBundleHeader
//   a $defs entry with a "title", e.g. record.schema.json#/$defs/disclosed -> validateRecordDisclosed
// Schemas holding nothing but $defs (common.schema.json) get no export of their own.
// Every file in schemas/events/ is the schema of the event type its name spells; the module also
// exports eventTypeValidators, keyed by type.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ajv2020 from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import ucs2lengthModule from "ajv/dist/runtime/ucs2length.js";
import equalModule from "ajv/dist/runtime/equal.js";

const Ajv2020 = ajv2020.default ?? ajv2020;
const { _ } = ajv2020;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const schemaDir = join(root, "schemas");
const outFile = join(root, "src", "core", "schema", "generated", "validators.ts");

const SCHEMA_SUFFIX = ".schema.json";
const ID_BASE = "https://imladri.dev/schemas/";
const DRAFT = "https://json-schema.org/draft/2020-12/schema";

// ajv's standalone code `require`s a few runtime helpers. An ESM `import` of those CommonJS
// modules is read differently by Node (default = module.exports) and by bundlers
// (default = exports.default), so the helpers are inlined instead: each is one self-contained
// function. Any other `require` fails the build rather than emitting a module that breaks later.
const INLINE_HELPERS = new Map([
  ["ajv/dist/runtime/ucs2length", unwrapDefault(ucs2lengthModule)],
  ["ajv/dist/runtime/equal", unwrapDefault(equalModule)],
]);

function unwrapDefault(mod) {
  const fn = typeof mod === "function" ? mod : mod.default;
  if (typeof fn !== "function") throw new Error("gen-schemas: unexpected shape of an ajv runtime helper");
  return fn;
}

function fail(message) {
  process.stderr.write(`gen-schemas: ${message}\n`);
  process.exit(1);
}

function listSchemaFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSchemaFiles(path));
    else if (entry.isFile() && entry.name.endsWith(SCHEMA_SUFFIX)) out.push(path);
  }
  // Code-point order, so the output is identical on every machine.
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function pascal(text) {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((t) => t !== "")
    .map((t) => t[0].toUpperCase() + t.slice(1))
    .join("");
}

const NON_CONSTRAINING = new Set(["$schema", "$id", "$defs", "$comment", "title", "description"]);

function isDefsOnly(schema) {
  return Object.keys(schema).every((k) => NON_CONSTRAINING.has(k));
}

// --- load -------------------------------------------------------------------------------------

const files = listSchemaFiles(schemaDir);
if (files.length === 0) fail(`no *${SCHEMA_SUFFIX} files in ${schemaDir}`);

const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  // compute.run attestation and runtime are a string or an object.
  allowUnionTypes: true,
  // Messages are written by src/core/schema/validate.ts from keyword and params.
  messages: false,
  code: {
    source: true,
    esm: true,
    lines: true,
    // DESIGN §2 "readers refuse impossible dates": the schemas mark timestamps with
    // format date-time; the generated module checks them with isRfc3339Utc from core/time.ts.
    formats: _`imladriFormats`,
  },
});
// Placeholder for compilation only: the generated code calls imladriFormats["date-time"].
ajv.addFormat("date-time", () => true);

const loaded = [];
for (const file of files) {
  const rel = relative(schemaDir, file).split(sep).join("/");
  let schema;
  try {
    schema = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    fail(`${rel}: not valid JSON: ${e.message}`);
  }
  const expectedId = ID_BASE + rel;
  if (schema.$id !== expectedId) fail(`${rel}: $id must be ${JSON.stringify(expectedId)}`);
  if (schema.$schema !== DRAFT) fail(`${rel}: $schema must be ${JSON.stringify(DRAFT)}`);
  if (typeof schema.title !== "string" || typeof schema.description !== "string") {
    fail(`${rel}: needs a title and a description`);
  }
  loaded.push({ rel, schema });
  ajv.addSchema(schema);
}

// --- choose exports -----------------------------------------------------------------------------

const exportsByName = new Map(); // name -> schema reference (id or id#/$defs/x)
const eventTypes = new Map(); // type -> export name

function addExport(name, ref) {
  if (exportsByName.has(name)) fail(`two schemas map to the export name ${name}`);
  exportsByName.set(name, ref);
}

for (const { rel, schema } of loaded) {
  const base = "validate" + pascal(rel.slice(0, -SCHEMA_SUFFIX.length));
  if (!isDefsOnly(schema)) addExport(base, schema.$id);
  for (const [defName, def] of Object.entries(schema.$defs ?? {})) {
    if (def && typeof def === "object" && typeof def.title === "string") {
      addExport(base + pascal(defName), `${schema.$id}#/$defs/${defName}`);
    }
  }
  const m = /^events\/([^/]+)\.schema\.json$/.exec(rel);
  if (m) {
    const type = m[1];
    if (schema.properties?.type?.const !== type) {
      fail(`${rel}: properties.type must be {"const": ${JSON.stringify(type)}}`);
    }
    eventTypes.set(type, base);
  }
}

// --- compile and emit -------------------------------------------------------------------------

let code;
try {
  code = standaloneCode(ajv, Object.fromEntries(exportsByName));
} catch (e) {
  fail(`ajv could not compile the schemas: ${e.message}`);
}

// ajv emits `export const NAME = validateN;` lines; they are replaced by typed exports below.
const internalNames = new Map();
code = code.replace(/^export const ([A-Za-z0-9_$]+) = ([A-Za-z0-9_$]+);\n?/gm, (_m, name, fn) => {
  internalNames.set(name, fn);
  return "";
});
for (const name of exportsByName.keys()) {
  if (!internalNames.has(name)) fail(`ajv emitted no export for ${name}`);
}
code = code.replace(/^"use strict";\n?/, "");
code = code.replace(/require\("([^"]+)"\)(\.default)?/g, (_m, mod) => {
  const helper = INLINE_HELPERS.get(mod);
  if (!helper) fail(`ajv's code requires ${mod}, which this script cannot inline`);
  return `(${helper.toString()})`;
});
if (/\brequire\s*\(|\bimport\s*\(|["']node:/.test(code)) {
  fail("the generated code still loads a module; it must be self-contained");
}

const header = `// @ts-nocheck
// generated by scripts/gen-schemas.mjs — do not edit. Source: schemas/**/*.schema.json.
// Regenerate with \`node scripts/gen-schemas.mjs\` (part of \`npm run build\`).

import { isRfc3339Utc } from "../../time.js";

/** One error as ajv reports it (\`messages: false\`: readable text comes from validate.ts). */
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  propertyName?: string;
}

/** A compiled validator: true when the data is valid; otherwise \`errors\` holds every error. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

const imladriFormats = { "date-time": isRfc3339Utc };
`;

const names = [...exportsByName.keys()];
const footer = [
  "",
  ...names.map((n) => `export const ${n}: CompiledValidator = ${internalNames.get(n)};`),
  "",
  "/** The schema each validator checks, by export name. */",
  "export const schemaRefs: Readonly<Record<string, string>> = Object.freeze({",
  ...names.map((n) => `  ${n}: ${JSON.stringify(exportsByName.get(n))},`),
  "});",
  "",
  "/** The validator of each known event type (schemas/events/<type>.schema.json). */",
  "export const eventTypeValidators: ReadonlyArray<readonly [string, CompiledValidator]> = [",
  ...[...eventTypes].map(([type, n]) => `  [${JSON.stringify(type)}, ${n}],`),
  "];",
  "",
].join("\n");

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, header + "\n" + code.trim() + "\n" + footer);
process.stdout.write(
  `gen-schemas: ${loaded.length} schemas, ${names.length} validators -> ${relative(root, outFile)}\n`,
);
