import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const scripts = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts');

/**
 * A cached FerretDB binary is found by its build stamp alone, so a patch changed without a new stamp would
 * never reach machines that built the old one. The installer refuses such a patch at build time; this says so
 * before anything is built.
 */
describe('the patches the local FerretDB is built with', () => {
  it('are all listed by the installer, each with its current checksum', async () => {
    const { FERRETDB_PATCHES } = (await import(join(scripts, 'ferretdb-install.mjs'))) as { FERRETDB_PATCHES: Record<string, string> };
    const folder = join(scripts, 'ferretdb-patches');
    const kept = readdirSync(folder).filter((name) => name.endsWith('.patch')).sort();
    expect(Object.keys(FERRETDB_PATCHES).sort()).toEqual(kept);
    for (const name of kept) {
      expect({ name, sha256: createHash('sha256').update(readFileSync(join(folder, name))).digest('hex') }).toEqual({ name, sha256: FERRETDB_PATCHES[name] });
    }
  });
});
