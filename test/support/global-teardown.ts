import type { LocalDatabase } from '../../src/db/local-database.js';

export default async function globalTeardown(): Promise<void> {
  const database = (globalThis as { idpTestDatabase?: LocalDatabase }).idpTestDatabase;
  if (!database) return;
  await database.stop();
  delete (globalThis as { idpTestDatabase?: LocalDatabase }).idpTestDatabase;
}
