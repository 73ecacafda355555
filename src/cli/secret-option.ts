import { readFile } from 'node:fs/promises';
import { CliError } from './cli-error.js';

/**
 * A key named by where it is — an environment variable (`--<name>-env VAR`) or a file (`--<name>-file path`) —
 * never given as an argument itself, which shell history and the process list would keep.
 */
export async function readKeyOption(
  values: Record<string, unknown>,
  name: string,
  env: Record<string, string | undefined>,
): Promise<Buffer | undefined> {
  const variable = values[`${name}-env`];
  const file = values[`${name}-file`];
  if (variable === undefined && file === undefined) return undefined;
  let text: string | undefined;
  if (typeof variable === 'string') {
    text = env[variable];
    if (!text) throw new CliError(`The environment variable ${variable} is not set`);
  } else {
    text = await readFile(String(file), 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`Cannot read ${String(file)}: ${err.code ?? err.message}`);
    });
  }
  // Node's base64 decoder takes the base64url alphabet as well.
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new CliError(`The ${name} must be 32 bytes, base64 or base64url encoded`);
  return key;
}
