// A vitest setup file (vitest.config.ts): the children the tests start (the built CLI, over a
// thousand of them per run, and Node scripts) start without NODE_EXTRA_CA_CERTS. Node reads and
// parses that file at every start, before any of our code runs: 60–90 ms of CPU per start where
// it is set (`npm run bench` prints bare Node with and without it), so it was about a fifth of the
// suite's CPU (issue 13). Nothing under test opens a TLS connection; the one child that may reach
// the network (npm in test/cli/pack.test.ts) gets it back through `networkEnv`.
const SAVED = "IMLADRI_TEST_NODE_EXTRA_CA_CERTS";

if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
  process.env[SAVED] = process.env.NODE_EXTRA_CA_CERTS;
  delete process.env.NODE_EXTRA_CA_CERTS;
}

/** `env` with the CA certificates the run was started with, for a child that may use TLS. */
export function networkEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  const saved = process.env[SAVED];
  delete out[SAVED];
  if (saved !== undefined) out.NODE_EXTRA_CA_CERTS = saved;
  return out;
}
