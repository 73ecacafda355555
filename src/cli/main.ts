import { processEnvironment } from '../config.js';
import { runCli } from './cli.js';

// The exit status is set rather than forced, so output written to a pipe is flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2), {
  env: processEnvironment(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
