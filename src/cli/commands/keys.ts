import type { Command } from "commander";

/** `imladri keys ...` — filled in by the keys work (issue 4). */
export function registerKeysCommands(_program: Command): void {}
