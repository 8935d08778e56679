/**
 * One Jest config for the whole monorepo. Unit specs (*.spec.ts) fake adapters at the port; *.int-spec.ts
 * run against real Postgres and RabbitMQ; test/e2e starts processes. SWC transpiles (no type-check here:
 * `npm run check` does that).
 *
 * NestJS 12 ships ESM only. Node 20 loads it from our CommonJS build with require(esm), but Jest's module
 * system cannot, so Jest transpiles those packages to CommonJS too (transformIgnorePatterns below; a nested copy, such as
 * @fastify/static's ESM-only content-disposition, is listed with its parent's path).
 */
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
  },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|uid|strtok3|token-types|@tokenizer|load-esm|iterare|@octokit|@fastify/static/node_modules/content-disposition|content-disposition|oauth4webapi)/)'],
  moduleNameMapper: {
    // Exports only an `import` condition, which Jest's CommonJS resolver does not follow (test signer only).
    '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
    '^@junction/connectors/([^/]+)$': '<rootDir>/libs/connectors/$1/src/index.ts',
    '^@junction/([^/]+)$': '<rootDir>/libs/$1/src/index.ts',
  },
  // Builds dist/ when it is missing (int-specs start the built MCP servers).
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 30_000,
};
