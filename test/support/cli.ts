import { runCli } from '../../src/cli/cli.js';
import type { TestIdp } from './test-idp.js';

/** `npm run idp -- …` as the process runs it, on the database and master key of a running test app. */
export async function idpCommandOn(idp: TestIdp, masterKey: Buffer, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGODB_URI: idp.testDatabase.uri, IDP_MASTER_KEY: masterKey.toString('base64'), PUBLIC_URL: idp.baseUrl };
  const code = await runCli(argv, { env, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}
