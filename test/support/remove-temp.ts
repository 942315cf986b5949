// A vitest setup file: runs in each test file's context (vitest.config.ts).
import { afterAll } from "vitest";
import { removeTempDirs } from "./temp.js";

afterAll(removeTempDirs);
