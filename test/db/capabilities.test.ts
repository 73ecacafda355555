import { ferretdbAnswersIdInFromIndex } from '../../src/db/capabilities.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';

describe('what the connected server can do', () => {
  let db: OpenTestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.drop());

  it('knows that the local database answers an _id $in from its index (MongoDB, or the FerretDB the installer builds)', () => {
    expect(db.capabilities.idInIndexed).toBe(true);
  });

  it('trusts an _id $in to a FerretDB only from the build stamp that carries the patch on', () => {
    expect(['v1.24.2', 'v1.24.2-doorway.1', 'v1.24.2-doorway.2', 'v1.24.2-doorway.12', 'v1.24.2-doorway.2-dirty'].map(ferretdbAnswersIdInFromIndex)).toEqual([
      false,
      false,
      true,
      true,
      false,
    ]);
  });
});
