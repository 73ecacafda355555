import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { PLATFORM_TENANT } from '../../src/admin-api/principal.js';
import { runCli } from '../../src/cli/cli.js';
import { startLocalDatabase } from '../../src/db/local-database.js';

const toolsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.tools');
const STACK_TRACE = /\n\s+at [\w.<>]+ \(|node_modules|\.ts:\d+/;

async function idpCommand(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { env: { NODE_ENV: 'test', ...env }, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

async function platformTenants(uri: string): Promise<number> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    // No database in the URI: the server and the CLI both use the driver's default one.
    return await client.db('test').collection('tenants').countDocuments({ slug: PLATFORM_TENANT });
  } finally {
    await client.close();
  }
}

describe('npm run idp', () => {
  describe('usage', () => {
    it.each([[[]], [['help']], [['--help']]])('%j lists the commands and exits 0', async (argv) => {
      const res = await idpCommand({}, ...argv);
      expect(res.code).toBe(0);
      for (const command of ['init', 'rotate-operator-secret', 'help']) expect(res.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    });

    it('refuses an unknown command with exit status 2 and the help', async () => {
      const res = await idpCommand({}, 'frobnicate');
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('Unknown command: frobnicate');
      expect(res.stderr).toContain('Usage: npm run idp -- <command>');
    });

    it('refuses arguments a command does not take, before touching the database', async () => {
      const res = await idpCommand({ MONGODB_URI: 'mongodb://127.0.0.1:1/unreachable' }, 'init', '--email', 'ops@example.test', 'now');
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('Usage: npm run idp -- init');
    });

    it('reports invalid configuration by variable, without a stack trace', async () => {
      const res = await idpCommand({ MONGODB_URI: 'http://db.example.com' }, 'init');
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('MONGODB_URI');
      expect(res.stderr).not.toMatch(STACK_TRACE);
    });
  });

  describe('the local database under DATA_DIR', () => {
    let scratch: string;
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'idp-cli-test-'));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('joins the server another process runs there, and leaves it running', async () => {
      const dataDir = join(scratch, 'shared');
      const running = await startLocalDatabase({ dataDir: join(dataDir, 'db'), toolsDir });
      try {
        const owner = readFileSync(join(dataDir, 'db', 'launcher.json'), 'utf8');
        const first = await idpCommand({ DATA_DIR: dataDir }, 'init');
        expect(first.code).toBe(0);
        expect(first.stderr).toContain('using the local database already running');
        expect(readFileSync(join(dataDir, 'db', 'launcher.json'), 'utf8')).toBe(owner);
        expect(await platformTenants(running.uri)).toBe(1);
        expect(existsSync(join(dataDir, 'master.key'))).toBe(true);
        // The same database and key again: the credential is found, not made twice.
        expect((await idpCommand({ DATA_DIR: dataDir }, 'init')).code).toBe(1);
      } finally {
        await running.stop();
      }
    }, 120_000);

    it('starts a server when none runs there, and stops it when done', async () => {
      const dataDir = join(scratch, 'own');
      const res = await idpCommand({ DATA_DIR: dataDir }, 'init');
      expect(res.code).toBe(0);
      expect(res.stderr).toContain('starting a local database');
      expect(res.stdout).toContain('client_secret:');
      expect(existsSync(join(dataDir, 'db', 'launcher.json'))).toBe(false);
    }, 120_000);
  });
});
