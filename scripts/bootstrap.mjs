// Prepares a checkout for start/test/idp/bench: dependencies, compiled output and the local database server.
// Runs before `npm install`, so it may only use Node built-ins and the scripts next to it. The first run on a
// fresh checkout runs on the machine's own Node (any from 20 on); the npm scripts after it run on the Node that
// the `node` dev dependency installs (see ensureRuntime).
//   node scripts/bootstrap.mjs [--build] [--browser]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync, utimesSync } from 'node:fs';
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

// The `node` dev dependency's install script puts the Node binary that the npm scripts run on into
// node_modules/node/bin, and npm links it as node_modules/.bin/node, first on every script's PATH. An install
// that skipped scripts (--ignore-scripts) leaves that link dangling, and the scripts would quietly run on
// whatever other node is on PATH; `npm rebuild node` runs the install script again. Returns the Node that the
// build steps below run on: that one, so that a first run on an older machine Node builds as the scripts do.
function ensureRuntime() {
  const packageDir = join(root, 'node_modules', 'node');
  if (!existsSync(join(packageDir, 'package.json'))) return process.execPath; // installed without dev dependencies
  const binary = join(packageDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary)) {
    console.log('bootstrap: node_modules/node has no Node binary (installed with scripts skipped?); running npm rebuild node');
    runOrFail(npm, ['rebuild', 'node']);
    if (!existsSync(binary)) fail(`npm rebuild node did not install ${binary}`);
  }
  if (realpathSync(binary) === realpathSync(process.execPath)) return process.execPath;
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) fail(`${binary} --version exited with ${version.status ?? version.signal}: ${version.stderr ?? version.error?.message}`);
  console.log(`bootstrap: running on Node ${process.version}; the npm scripts run on Node ${version.stdout.trim()} (node_modules/.bin/node)`);
  return binary;
}

function compile(node) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) fail('typescript is not installed; run npm install');
  const result = spawnSync(node, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) fail(`TypeScript compilation failed (tsc -p tsconfig.json exited with ${result.status ?? result.signal})`);
}

// The admin console (console/) is built for the server to serve and for the browser specs to drive; the
// script does nothing when its build is newer than its sources.
function buildConsole(node, { serverCompiled }) {
  runOrFail(node, [join(root, 'scripts', 'console-build.mjs'), ...(serverCompiled ? ['--server-compiled'] : [])]);
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
const node = ensureRuntime();
if (args.includes('--build')) compile(node);
if (args.includes('--build') || args.includes('--browser')) buildConsole(node, { serverCompiled: args.includes('--build') });
if (args.includes('--browser')) ensureBrowser();
await ensureDatabaseServer();
