// Builds the admin console (console/) into dist/console: the admin API's OpenAPI document from the compiled
// route specs, its TypeScript types (console/src/api/schema.d.ts), the console's typecheck, then Vite's build.
// Skipped when the build is newer than everything it is made from, so repeated `npm start`/`npm test` stay fast.
//   node scripts/console-build.mjs [--force] [--server-compiled]
// (--server-compiled: the caller has just run tsc -p tsconfig.json, as the bootstrap's --build does.)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const OUTPUT = join(root, 'dist', 'console', 'index.html');
const SCHEMA = join(root, 'console', 'src', 'api', 'schema.d.ts');
const OPENAPI = join(root, 'dist', 'console-openapi.json');
// The console's own sources, the server's sources (route specs make the API's types), the shared look, the tools.
const INPUTS = ['console', 'src', 'views/layout.eta', 'package-lock.json', 'scripts/console-build.mjs'];

function fail(message) {
  console.error(`console-build: ${message}`);
  process.exit(1);
}

function run(args, what) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) fail(`${what} failed (exit ${result.status ?? result.signal})`);
}

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return path === SCHEMA ? 0 : stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function isUpToDate() {
  const built = statSync(OUTPUT, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built > Math.max(...INPUTS.map((input) => newestMtime(join(root, input))));
}

/** The document the server serves at /admin/api/v1/openapi.json, built from the compiled route specs. */
async function writeOpenApi() {
  const compiled = (path) => pathToFileURL(join(root, 'dist', 'src', 'admin-api', path)).href;
  const { buildOpenApi } = await import(compiled('openapi.js'));
  const { adminRoutes } = await import(compiled('routes/index.js'));
  // Route specs only use services in their handlers, which never run here; touching one is a bug worth seeing.
  const services = new Proxy({}, { get: (_t, name) => fail(`route specs used services.${String(name)} while being listed`) });
  const document = buildOpenApi(adminRoutes(services, { publicUrl: 'http://localhost', backupDir: '' }), '/admin/api/v1');
  mkdirSync(dirname(OPENAPI), { recursive: true });
  writeFileSync(OPENAPI, JSON.stringify(document, null, 2));
}

const bin = (pkg, path) => join(root, 'node_modules', pkg, path);

if (!process.argv.includes('--force') && isUpToDate()) process.exit(0);
console.log('console-build: building the console');
if (!process.argv.includes('--server-compiled')) run([bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json'], 'compiling the server (tsc -p tsconfig.json)');
await writeOpenApi();
run([bin('openapi-typescript', 'bin/cli.js'), OPENAPI, '--output', SCHEMA, '--silent'], 'generating the API types (openapi-typescript)');
run([bin('typescript', 'bin/tsc'), '--noEmit', '-p', 'console/tsconfig.json'], "the console's typecheck (tsc --noEmit -p console/tsconfig.json)");
run([bin('vite', 'bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], 'the console build (vite build)');
