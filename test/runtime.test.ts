import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/project-root.js';

/**
 * The npm scripts run on the Node LTS line that .nvmrc names: the `node` dev dependency puts that binary first on
 * the scripts' PATH, so a machine whose own Node is older still runs the suite, `npm start` and jest's workers
 * (forked from process.execPath) on it.
 */
describe('the runtime', () => {
  const root = projectRoot();
  const wantedMajor = readFileSync(join(root, '.nvmrc'), 'utf8').trim();

  function run(file: string, args: string[]) {
    return spawnSync(file, args, { cwd: root, encoding: 'utf8' });
  }

  it('is the Node major that .nvmrc names, an LTS release', () => {
    expect(wantedMajor).toMatch(/^\d+$/);
    expect(process.versions.node.split('.')[0]).toBe(wantedMajor);
    // oidc-provider accepts LTS releases from Jod (22) on; Iron (20) and odd-numbered releases have none or an older name.
    expect(typeof process.release.lts).toBe('string');
    expect((process.release.lts as string).localeCompare('Jod')).toBeGreaterThanOrEqual(0);
  });

  it('is what `node` means to the processes the scripts start', () => {
    const child = run('node', ['-p', 'process.versions.node']);
    expect(child.error).toBeUndefined();
    expect(child.stdout.trim()).toBe(process.versions.node);
  });

  it('loads oidc-provider without its unsupported-runtime warning', () => {
    const child = run(process.execPath, ['--input-type=module', '-e', "const { Provider } = await import('oidc-provider'); console.log(typeof Provider);"]);
    expect(child.stderr).not.toContain('oidc-provider WARNING');
    expect(child.stdout.trim()).toBe('function');
    expect(child.status).toBe(0);
  });

  it('loads the native argon2 binding and verifies a hash', () => {
    const script = "const argon2 = await import('argon2'); const hash = await argon2.hash('pw', { memoryCost: 1024, timeCost: 1 }); console.log(await argon2.verify(hash, 'pw'), await argon2.verify(hash, 'other'));";
    const child = run(process.execPath, ['--input-type=module', '-e', script]);
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('true false');
  });
});
