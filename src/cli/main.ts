#!/usr/bin/env node
// The `cloudpods` bin. Everything is in run.ts; this file only binds it to the process.

import { run } from "./run.js";

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
