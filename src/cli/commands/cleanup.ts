import type { Command } from "commander";

/** `imladri cleanup` — filled in by the cleanup work (issue 5). */
export function registerCleanupCommand(_program: Command): void {}
