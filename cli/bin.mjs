#!/usr/bin/env node
// The `patronus` executable (package.json "bin"): runs the TypeScript CLI through tsx.
import { register } from "tsx/esm/api";

register();
await import("./index.ts");
