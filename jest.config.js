// Three levels, told apart by file name: *.unit.spec.ts (pure, in memory),
// *.int.spec.ts (real Postgres and/or real Kafka), *.e2e.spec.ts (running apps over HTTP and Kafka).
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
};

module.exports = {
  // Generous: tests wait for real processes with bounded retries, never for machine speed.
  testTimeout: 180000,
  // Most test files wait on brokers, databases and app processes rather than on the CPU, so a
  // few more workers than the machine's 2 cores run the e2e scenarios side by side.
  maxWorkers: 3,
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...shared, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
};
