import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('starts a developer with defaults: port 3000, local database, demo seed', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, publicUrl: 'http://localhost:3000', mongodbUri: undefined, seedDemo: true, env: 'development' });
    expect(config.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('never seeds the demo tenant on a configured database unless asked', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/idp' }).seedDemo).toBe(false);
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/idp', SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it("documents the demo tenant's admin, and lets it be changed", () => {
    expect(loadConfig({}).demo).toMatchObject({ adminEmail: 'admin@demo.test', adminPassword: 'Correct-Horse-Battery-9' });
    expect(loadConfig({ DEMO_ADMIN_EMAIL: 'boss@example.test', DEMO_ADMIN_PASSWORD: 'Another-Long-Secret-7' }).demo).toMatchObject({ adminEmail: 'boss@example.test', adminPassword: 'Another-Long-Secret-7' });
    expect(() => loadConfig({ DEMO_ADMIN_EMAIL: 'boss', DEMO_ADMIN_PASSWORD: 'short' })).toThrow(/DEMO_ADMIN_EMAIL[\s\S]*DEMO_ADMIN_PASSWORD/);
  });

  it('names every bad value at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', PUBLIC_URL: 'ftp://x', IDP_MASTER_KEY: 'short', ARGON2_MEMORY_KIB: '12', LOG_LEVEL: 'loud', MONGODB_URI: 'postgres://x', METRICS_TOKEN: 'guessable' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const fields = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(fields.sort()).toEqual(['ARGON2_MEMORY_KIB', 'IDP_MASTER_KEY', 'LOG_LEVEL', 'METRICS_TOKEN', 'MONGODB_URI', 'PORT', 'PUBLIC_URL']);
    expect((error as Error).message).toContain('IDP_MASTER_KEY: must be 32 bytes encoded as base64');
  });

  it('refuses production without a master key or a database', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/IDP_MASTER_KEY: required in production[\s\S]*MONGODB_URI: required in production/);
  });

  it('deletes a terminated tenant\'s export within the four weeks the processing agreement allows, and no later', () => {
    expect(loadConfig({}).terminationExportKeepDays).toBe(28);
    expect(loadConfig({ TERMINATION_EXPORT_KEEP_DAYS: '7' }).terminationExportKeepDays).toBe(7);
    expect(() => loadConfig({ TERMINATION_EXPORT_KEEP_DAYS: '29' })).toThrow(/TERMINATION_EXPORT_KEEP_DAYS/);
  });

  it('keeps idle connections longer than a load balancer by default, and refuses a keep-alive under a second', () => {
    expect(loadConfig({}).keepAliveTimeoutMs).toBe(65_000);
    expect(loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '125000' }).keepAliveTimeoutMs).toBe(125_000);
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' })).toThrow(/HTTP_KEEP_ALIVE_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: 'a minute' })).toThrow(/HTTP_KEEP_ALIVE_TIMEOUT_MS/);
  });

  it('checkpoints the change log hourly by default, or only at backups and exports when set to 0', () => {
    expect(loadConfig({}).changeLogCheckpointMinutes).toBe(60);
    expect(loadConfig({ CHANGE_LOG_CHECKPOINT_MINUTES: '0' }).changeLogCheckpointMinutes).toBe(0);
  });

  it('treats empty variables as unset and trims a trailing slash from PUBLIC_URL', () => {
    const config = loadConfig({ PORT: '', PUBLIC_URL: 'https://id.example.com/' });
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('https://id.example.com');
  });
});
