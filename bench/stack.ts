import { join } from 'node:path';
import type { Argon2Params } from '../src/users/password-hasher.js';
import type { BaselineSettings } from './baseline-server.js';
import { startChild, type Child } from './child-process.js';

export interface ServerOptions {
  root: string;
  workDir: string;
  port: number;
  probePort: number;
  mongodbUri: string;
  masterKey: Buffer;
  argon2: Argon2Params;
  profile: boolean;
}

/** Our server as production runs it (dist/src/main.js, NODE_ENV=production), with the database probe preloaded. */
export function startServer(o: ServerOptions): Promise<Child> {
  const publicUrl = `http://127.0.0.1:${o.port}`;
  return startChild({
    name: 'server',
    args: [
      '--enable-source-maps',
      ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(o.workDir, 'profiles')}`] : []),
      '--import',
      join(o.root, 'dist/bench/db-probe.js'),
      join(o.root, 'dist/src/main.js'),
    ],
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(o.port),
      PUBLIC_URL: publicUrl,
      MONGODB_URI: o.mongodbUri,
      // Its files stay in the run's directory, and no scheduled backup or checkpoint runs while it is measured:
      // those are jobs of their own (npm run bench:backup), and a developer's .data is not the bench's.
      DATA_DIR: join(o.workDir, 'server-data'),
      BACKUP_INTERVAL_HOURS: '0',
      CHANGE_LOG_CHECKPOINT_MINUTES: '0',
      IDP_MASTER_KEY: o.masterKey.toString('base64'),
      ARGON2_MEMORY_KIB: String(o.argon2.memoryCost),
      ARGON2_TIME_COST: String(o.argon2.timeCost),
      ARGON2_PARALLELISM: String(o.argon2.parallelism),
      // The limits stay in force, so every token request pays for its counters, but are set so high that the
      // bench's single client on a single address is never refused: it stands for many apps and addresses.
      TOKEN_REQUESTS_PER_CLIENT: '1000000',
      TOKEN_REQUESTS_PER_IP: '1000000',
      AUTHORIZATION_REQUESTS_PER_IP: '1000000',
      BENCH_PROBE_PORT: String(o.probePort),
    },
    logFile: join(o.workDir, 'server.log'),
    readyUrl: `${publicUrl}/readyz`,
  });
}

/**
 * oidc-provider alone (bench/baseline-server.ts), also in production mode: bare, or the fair baseline when
 * `settings.mongodb` is given, with the same database probe as our server on `probePort`; profiled like ours
 * when asked, so where the time goes compares like for like.
 */
export function startBaseline(root: string, workDir: string, settings: BaselineSettings, probePort?: number, profile = false): Promise<Child> {
  const name = settings.mongodb ? 'fair-baseline' : 'baseline';
  return startChild({
    name,
    args: [
      '--enable-source-maps',
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${join(workDir, 'profiles', name)}`] : []),
      ...(probePort ? ['--import', join(root, 'dist/bench/db-probe.js')] : []),
      join(root, 'dist/bench/baseline-server.js'),
    ],
    env: { NODE_ENV: 'production', BENCH_BASELINE: JSON.stringify(settings), ...(probePort ? { BENCH_PROBE_PORT: String(probePort) } : {}) },
    logFile: join(workDir, `${name}.log`),
    readyUrl: `http://127.0.0.1:${settings.port}/.well-known/openid-configuration`,
  });
}
