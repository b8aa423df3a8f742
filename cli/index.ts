// `npx tsx cli/index.ts …` (or the `patronus` bin): the CLI of the Patronus REST API.
import { main } from "./main";

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
