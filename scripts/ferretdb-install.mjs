// Builds the FerretDB fallback server from source with the Go toolchain. Plain Node without dependencies,
// because scripts/bootstrap.mjs runs it before `npm install`; the TypeScript launcher imports it too.
//
// `go install ...@v1.24.2` cannot be used: the module proxy refuses the deprecation lookup, and a build
// from the read-only module cache panics at start because build/version/version.txt is empty there.
// So the module is fetched through a throwaway wrapper module, copied, patched, stamped and built from the copy.
//
// The patches in scripts/ferretdb-patches/ make the SQLite backend find documents through its indexes instead of
// scanning (an equality, an `_id` `$in`, a date range, each branch of a `$or`), read a page in `_id` order
// through an index instead of reading and sorting every document, make updates of one collection atomic, and queue
// the server's writers for SQLite's one write lock instead of leaving them to sleep in its busy handler
// (README, "Local database"). The build is stamped FERRETDB_BUILD, not the module's version, so that a binary
// built from other patches is never mistaken for it.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The FerretDB module version the build starts from. */
export const FERRETDB_VERSION = 'v1.24.2';
/** What the built binary reports as its version and the name of its folder in toolsDir; bump it with the patches. */
export const FERRETDB_BUILD = `${FERRETDB_VERSION}-doorway.8`;
const PATCH_DIR = join(dirname(fileURLToPath(import.meta.url)), 'ferretdb-patches');
/** The patches of FERRETDB_BUILD, applied in this order; a patch whose content differs from its checksum stops the build. */
export const FERRETDB_PATCHES = {
  '0001-sqlite-index-pushdown.patch': '10ef674f2300804840f1f4b0b6fcc3993b3de8c1b7f08b4e8c5a6e88efddcdc6',
  '0002-serialise-read-modify-write.patch': '3361c7dd4da055cf85f26c94e07d1d60735628c6700945da610682e76cb51144',
  '0003-sqlite-in-pushdown.patch': '87a0c627097add00e0ad35460accfb4966cf6222343063b20192d567d172163a',
  '0004-sqlite-date-range-pushdown.patch': '25fafdc18d75238fa8eaf3d03acde482e59ec41c70fabfb5828c6b81fa867b7e',
  '0005-sqlite-id-order.patch': '551c29408c2aac4ea076eea5a2717dfa717af0259d4915ab73c6f9d32e5b53f7',
  '0006-sqlite-or-pushdown.patch': 'dfaccc3ab38bb29dbae30c340a6af44e6485c1e50b5a1746b83becf0f0f31a2b',
  '0007-sqlite-write-queue.patch': 'd54be890eb0bca48298caa375f698fbb56a3512ce242b29eee1b190f5c0b7b91',
};
const MODULE = 'github.com/FerretDB/FerretDB';
const LOCK_STALE_MS = 15 * 60_000;

/** Absolute path of an executable found on PATH, or undefined. */
export function findExecutable(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function ferretdbBinaryPath(toolsDir) {
  return join(toolsDir, `ferretdb-${FERRETDB_BUILD}`, 'ferretdb');
}

/**
 * Applies the patches of FERRETDB_BUILD to the copied module source. `git apply` (or `patch` without git) refuses
 * a patch whose context does not match, so a patch can never half-apply to a source it was not written for.
 */
async function applyPatches(source, env) {
  const git = findExecutable('git');
  const patch = git ? undefined : findExecutable('patch');
  if (!git && !patch) throw new Error('Building FerretDB needs git or patch to apply scripts/ferretdb-patches/.');
  // git must not take the source for part of a repository above it (a temp dir inside a checkout).
  const gitEnv = { ...env, GIT_CEILING_DIRECTORIES: dirname(source) };
  for (const [name, sha256] of Object.entries(FERRETDB_PATCHES)) {
    const file = join(PATCH_DIR, name);
    const actual = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (actual !== sha256) {
      throw new Error(`${file} is not the patch of FerretDB build ${FERRETDB_BUILD} (sha256 ${actual}); give changed patches a new build stamp and checksums.`);
    }
    if (git) await run(git, ['apply', '--whitespace=nowarn', file], source, gitEnv);
    else await run(patch, ['-p1', '--batch', '--forward', '--input', file], source, env);
  }
}

function run(file, args, cwd, env = process.env) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = `${stderr}`.trim().split('\n').slice(-15).join('\n');
        reject(new Error(`\`${[file, ...args].join(' ')}\` failed in ${cwd}:\n${detail || error.message}`));
      } else {
        resolve(`${stdout}`);
      }
    });
  });
}

async function makeWritable(dir) {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(path);
    else if (entry.isFile()) await chmod(path, 0o644 | ((await stat(path)).mode & 0o111));
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Serialises builds across processes (bootstrap and parallel launchers share one toolsDir). */
async function withLock(lockDir, binary, work) {
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    } catch {
      // the holder may not have written its pid yet
    }
    const age = Date.now() - (await stat(lockDir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if ((Number.isInteger(holder) && !isAlive(holder)) || age > LOCK_STALE_MS) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  try {
    await writeFile(join(lockDir, 'pid'), String(process.pid));
    if (existsSync(binary)) return binary;
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function build(toolsDir, binary, log) {
  const go = findExecutable('go');
  if (!go) {
    throw new Error(
      'No MongoDB server available: `mongod` is not on PATH and Go (needed to build the FerretDB fallback) is not ' +
        'installed. Install Go >= 1.24 or MongoDB, or set MONGODB_URI to an existing server.',
    );
  }
  log(`Building FerretDB ${FERRETDB_BUILD} into ${toolsDir} (first run only, takes a minute or two)...`);
  const started = Date.now();
  // A go.work further up, or vendoring flags, must not leak into a build of a foreign module.
  const env = { ...process.env, GOWORK: 'off', GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim() };
  const work = await mkdtemp(join(tmpdir(), 'ferretdb-build-'));
  try {
    const wrapper = join(work, 'wrapper');
    await mkdir(wrapper);
    await writeFile(join(wrapper, 'go.mod'), `module ferretdbtool\n\ngo 1.24\n\nrequire ${MODULE} ${FERRETDB_VERSION}\n`);
    await writeFile(join(wrapper, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${MODULE}/cmd/ferretdb"\n`);
    await run(go, ['mod', 'tidy'], wrapper, env);
    const info = JSON.parse(await run(go, ['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`], wrapper, env));
    if (typeof info.Dir !== 'string' || info.Error) {
      throw new Error(`go mod download did not return the FerretDB sources: ${info.Error ?? 'no Dir'}`);
    }
    const source = join(work, 'src');
    await cp(info.Dir, source, { recursive: true });
    await makeWritable(source);
    await applyPatches(source, env);
    await writeFile(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_BUILD}\n`);

    await mkdir(join(binary, '..'), { recursive: true });
    const partial = `${binary}.tmp-${process.pid}`;
    await run(go, ['build', '-o', partial, './cmd/ferretdb'], source, env);
    const version = await run(partial, ['--version'], work);
    if (!version.split('\n').includes(`version: ${FERRETDB_BUILD}`)) {
      await rm(partial, { force: true });
      throw new Error(`The FerretDB build reports an unexpected version:\n${version}`);
    }
    await rename(partial, binary);
    log(`Built FerretDB ${FERRETDB_BUILD} in ${Math.round((Date.now() - started) / 1000)} s.`);
    return binary;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Returns the path of the FerretDB binary under toolsDir, building it first when it is missing.
 * @param {{ toolsDir: string, log?: (msg: string) => void }} opts
 * @returns {Promise<string>}
 */
export async function ensureFerretdb({ toolsDir: givenToolsDir, log = () => {} }) {
  // go build and the version check run in other directories than this process.
  const toolsDir = resolve(givenToolsDir);
  const binary = ferretdbBinaryPath(toolsDir);
  if (existsSync(binary)) return binary;
  await mkdir(toolsDir, { recursive: true });
  return withLock(join(toolsDir, `ferretdb-${FERRETDB_BUILD}.lock`), binary, () => build(toolsDir, binary, log));
}
