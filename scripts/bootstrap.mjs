// Prepares a checkout for start/test/idp/bench: dependencies, compiled output and the local database server.
// Runs before `npm install`, so it may only use Node built-ins and the scripts next to it.
//   node scripts/bootstrap.mjs [--build] [--browser]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFerretdb, findExecutable } from './ferretdb-install.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function fail(message) {
  console.error(`bootstrap: ${message}`);
  process.exit(1);
}

function runOrFail(file, args) {
  const result = spawnSync(file, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) fail(`could not run ${file}: ${result.error.message}`);
  if (result.status !== 0) fail(`\`${[file, ...args].join(' ')}\` exited with ${result.status ?? result.signal}`);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

// npm sometimes writes package-lock.json a moment after node_modules/.package-lock.json, so a newer lockfile
// alone does not prove the install is stale; comparing the resolved versions avoids a needless `npm ci`.
function installMatchesLock(lockPath, installedPath) {
  try {
    const wanted = JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {};
    const installed = JSON.parse(readFileSync(installedPath, 'utf8')).packages ?? {};
    for (const [path, entry] of Object.entries(wanted)) {
      if (path === '' || !path.includes('node_modules/')) continue;
      if (installed[path]?.version !== entry.version && !entry.optional) return false;
    }
    return Object.keys(installed).every((path) => path in wanted);
  } catch {
    return false;
  }
}

function ensureDependencies() {
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  const hasLock = existsSync(lock);
  let reason;
  if (!existsSync(join(root, 'node_modules'))) {
    reason = 'node_modules is missing';
  } else if (hasLock && (mtime(installed) ?? 0) < (mtime(lock) ?? 0)) {
    if (installMatchesLock(lock, installed)) {
      const now = new Date();
      utimesSync(installed, now, now);
      return;
    }
    reason = 'package-lock.json changed';
  }
  if (!reason) return;
  const flags = ['--no-audit', '--no-fund'];
  if (!hasLock) {
    console.log(`bootstrap: ${reason}; running npm install`);
    runOrFail(npm, ['install', ...flags]);
    return;
  }
  console.log(`bootstrap: ${reason}; running npm ci`);
  const ci = spawnSync(npm, ['ci', ...flags], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (ci.status === 0) return;
  // A registry mirror that lacks other platforms' optional packages (@swc/core-darwin-*, ...) leaves them out
  // of the lockfile, which `npm ci` rejects as out of sync while `npm install` resolves the same tree.
  const why = `${ci.stderr ?? ''}`
    .split('\n')
    .map((line) => line.replace(/^npm error\s*/, '').trim())
    .find((line) => line && !/^(npm warn|code )/.test(line));
  console.log(`bootstrap: npm ci failed (${why ?? ci.error?.message ?? `exit ${ci.status}`}); running npm install`);
  runOrFail(npm, ['install', ...flags]);
}

function compile() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) fail('typescript is not installed; run npm install');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) fail(`TypeScript compilation failed (tsc -p tsconfig.json exited with ${result.status ?? result.signal})`);
}

// The admin console (console/) is built for the server to serve and for the browser specs to drive; the
// script does nothing when its build is newer than its sources.
function buildConsole({ serverCompiled }) {
  runOrFail(process.execPath, [join(root, 'scripts', 'console-build.mjs'), ...(serverCompiled ? ['--server-compiled'] : [])]);
}

async function ensureDatabaseServer() {
  if (process.env.MONGODB_URI || findExecutable('mongod')) return;
  const toolsDir = join(root, '.tools');
  try {
    await ensureFerretdb({ toolsDir, log: (msg) => console.log(`bootstrap: ${msg}`) });
  } catch (error) {
    // mongodb-memory-server, when someone installed it, is the launcher's other way to get a server.
    if (!findExecutable('go') && existsSync(join(root, 'node_modules', 'mongodb-memory-server'))) {
      console.warn(`bootstrap: Go is missing; relying on mongodb-memory-server for the local database`);
      return;
    }
    fail(error instanceof Error ? error.message : String(error));
  }
}

// The browser tests drive Debian's chromium (test/support/browser-driver.ts); no browser build is downloaded.
// It is installed with apt where that is possible without asking anyone (root on Debian); elsewhere the
// message says what to install.
const CHROMIUM = '/usr/bin/chromium';
function ensureBrowser() {
  if (existsSync(CHROMIUM)) return;
  const canInstall = process.getuid?.() === 0 && findExecutable('apt-get');
  if (!canInstall) fail(`${CHROMIUM} is missing; the browser tests need Debian's chromium (apt-get install chromium)`);
  console.log('bootstrap: installing chromium for the browser tests (apt-get install chromium)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (result.status !== 0) fail(`\`apt-get ${args.join(' ')}\` exited with ${result.status ?? result.signal}`);
  }
}

const FLAGS = ['--build', '--browser'];
const args = process.argv.slice(2);
const unknown = args.filter((arg) => !FLAGS.includes(arg));
if (unknown.length > 0) fail(`unknown argument(s): ${unknown.join(' ')} (usage: bootstrap.mjs [--build] [--browser])`);

ensureDependencies();
if (args.includes('--build')) compile();
if (args.includes('--build') || args.includes('--browser')) buildConsole({ serverCompiled: args.includes('--build') });
if (args.includes('--browser')) ensureBrowser();
await ensureDatabaseServer();
