import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { projectRoot } from '../project-root.js';

/** BACKUP_DIR as an absolute path; a relative one is taken from the project root, like DATA_DIR. */
export function backupDirectory(config: Pick<Config, 'backupDir'>): string {
  return resolve(projectRoot(), config.backupDir);
}
