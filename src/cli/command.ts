import type { Config } from '../config.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import type { Services } from '../services.js';

export interface CommandContext {
  services: Services;
  config: Config;
  db: Database;
  /** The master key the server uses (IDP_MASTER_KEY, or the development key under DATA_DIR). */
  masterKey: MasterKey;
  /** The environment the CLI was started with, for commands that read a secret from a named variable. */
  env: Record<string, string | undefined>;
  /** Standard output: what the command produces (credentials, listings). Progress goes to stderr. */
  out(text: string): void;
}

/** One `npm run idp -- <name>` command. */
export interface Command {
  name: string;
  /** `name <arg>`, as the help shows it. */
  usage: string;
  summary: string;
  /** More arguments than this is wrong usage, refused before the database is opened. */
  maxArgs: number;
  run(ctx: CommandContext, args: string[]): Promise<void>;
}
