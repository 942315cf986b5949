/**
 * The built-in policies (DESIGN §9), kept here in the core so a browser verifier can show them
 * and tests can pin them; docs/redaction.md explains each rule. A share records the policy it was
 * made with, in full, so changing these later never changes what an old share says.
 */
import { POLICY_FORMAT, type Policy } from "./policy.js";

/** The event types with a schema in schemas/events/ (a test keeps this list in sync). */
export const KNOWN_TYPES = [
  "authority.grant",
  "authority.revoke",
  "compute.run",
  "db.write",
  "detector.finding",
  "resource.create",
  "resource.destroy",
  "tool.call",
];

/** The envelope every event has (DESIGN §3), without the user identity. */
const ENVELOPE = ["/id", "/ts", "/type", "/actor/tenant", "/actor/agent", "/actor/session"];

export const AUDITOR_POLICY: Policy = {
  format: POLICY_FORMAT,
  name: "auditor",
  description:
    "Hides arguments, inputs, outputs and user identities; keeps ids, types, times, tools, decisions, reasons, policies, resource lifecycle and cleanup evidence.",
  rules: [
    { description: "user identities", redact: ["/actor/user"] },
    {
      description: "arguments, inputs, outputs and error details of every event",
      redact: ["/args", "/input", "/inputs", "/output", "/outputs", "/result/output", "/result/error"],
    },
    {
      description: "the statement of a governed write and the digest of its arguments: both can carry customer values",
      match: { type: ["db.write"] },
      redact: ["/statement", "/argsDigest"],
    },
    {
      description: "events of a type this policy does not know: keep only the envelope",
      match: { notType: KNOWN_TYPES },
      keep: ENVELOPE,
    },
  ],
};

export const STRICT_POLICY: Policy = {
  format: POLICY_FORMAT,
  name: "strict",
  description: "Elides every event but tool calls, and keeps of those only the decision skeleton: id, time, type, tool name, outcome and deciding policy.",
  rules: [
    { description: "everything that is not a tool call", match: { notType: ["tool.call"] }, elide: true },
    {
      description: "the decision skeleton of each tool call",
      match: { type: ["tool.call"] },
      keep: ["/id", "/ts", "/type", "/tool/name", "/decision/outcome", "/decision/policy"],
    },
  ],
};

export const BUILT_IN_POLICIES: Readonly<Record<string, Policy>> = Object.freeze({
  auditor: AUDITOR_POLICY,
  strict: STRICT_POLICY,
});
