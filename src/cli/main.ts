import { runCli } from './cli.js';

// The exit status is set rather than forced, so output written to a pipe is flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
