import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { setUpScimWorld, type ScimWorld } from './scim-world.js';

const run = promisify(execFile);
const PACKAGES = ['scim2-client[httpx2]==0.13.2', 'scim2-models==0.12.3'];
const VENV = join(tmpdir(), 'doorway-scim2-client-0.13.2');
const SCENARIO = fileURLToPath(new URL('./scim2-client-scenario.py', import.meta.url));

/** A virtualenv with the pinned Python SCIM client, made once per machine in the temp folder. */
async function scimClientPython(): Promise<string> {
  const python = join(VENV, 'bin', 'python');
  if (!existsSync(python)) {
    await run('python3', ['-m', 'venv', VENV]);
    await run(join(VENV, 'bin', 'pip'), ['install', '--quiet', ...PACKAGES], { timeout: 240_000 });
  }
  return python;
}

describe('SCIM with a third-party client (Python scim2-client over HTTP)', () => {
  let w: ScimWorld;
  let python: string;
  beforeAll(async () => {
    python = await scimClientPython();
    w = await setUpScimWorld();
  }, 300_000);
  afterAll(() => w?.idp.close());

  it('discovers the server, creates, finds, groups, deactivates and deprovisions a user', async () => {
    const args = JSON.stringify({ base: `${w.idp.baseUrl}/t/tenant-a/scim/v2`, token: w.tokenA, alice: w.a.user.id });
    const { stdout } = await run(python, ['-W', 'ignore::DeprecationWarning', SCENARIO, args], { timeout: 60_000 });
    const seen = JSON.parse(stdout);
    expect(seen.resource_types).toEqual(['Group', 'User']);
    expect(seen.created).toMatchObject({ user_name: 'ivy@tenant-a.org', active: true });
    expect(seen.found).toEqual({ total: 1, ids: [seen.created.id] });
    expect(seen.refused).toEqual({ status: 400, scim_type: 'invalidFilter' });
    expect(seen.group).toEqual({ id: 'python_team', members: [seen.created.id, w.a.user.id].sort() });
    expect(seen.deactivated).toEqual({ active: false });
    expect(seen.after_delete).toEqual({ active: false });
    const user = await w.idp.services.users.getById(w.a.tenant, seen.created.id);
    expect(user).toMatchObject({ status: 'locked', roles: ['python_team'] });
  });
});
