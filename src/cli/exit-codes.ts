/** Exit codes, exactly as DESIGN §8 and §11 (sysexits for usage and I/O). */
export const ExitCode = {
  ok: 0,
  invalid: 1,
  insufficientEvidence: 2,
  /** cleanup --check: something is still left (DESIGN §10). */
  leftovers: 3,
  usage: 64,
  dataError: 65,
  noInput: 66,
  /** sysexits EX_SOFTWARE: a bug, or a verify worker thread that failed; never a verdict. */
  internal: 70,
  cannotCreate: 73,
  ioError: 74,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
