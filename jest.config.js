/**
 * One Jest config for the whole monorepo. Unit specs (*.spec.ts) fake adapters at the port; *.int-spec.ts
 * run against real Postgres and RabbitMQ; test/e2e starts processes. SWC transpiles (no type-check here:
 * `npm run check` does that).
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  moduleNameMapper: {
    '^@junction/connectors/([^/]+)$': '<rootDir>/libs/connectors/$1/src/index.ts',
    '^@junction/([^/]+)$': '<rootDir>/libs/$1/src/index.ts',
  },
  testTimeout: 30_000,
};
