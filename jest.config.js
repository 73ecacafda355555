/** Tests run against real servers (database, SMTP, browser); see test/support. */
export default {
  testEnvironment: './test/support/node-environment.cjs',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        // Import attributes kept: JSON modules are imported `with { type: 'json' }`, as Node requires.
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022', experimental: { keepImportAttributes: true, emitAssertForImportAttributes: false } },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: './test/support/global-setup.ts',
  globalTeardown: './test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
