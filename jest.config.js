/** Unit tests sit beside the code; integration tests under test/ run against real services. */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  // cookie 2 (via fastify's light-my-request) and content-disposition 2 (via @fastify/static
  // in swagger-ui) ship only ES modules, which Jest on Node 20 cannot require: compile them
  // to CommonJS like our own code.
  '/node_modules/(cookie|content-disposition)/.+\\.js$': [
    'ts-jest',
    { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } },
  ],
};
const transformIgnorePatterns = ['/node_modules/(?!(cookie|content-disposition)/)'];
const moduleNameMapper = {
  '^@clearance/core$': '<rootDir>/core/src/index.ts',
  '^@clearance/verifier$': '<rootDir>/verifier/src/index.ts',
  '^@clearance/domain$': '<rootDir>/domain/src/index.ts',
  '^@clearance/domain/seal-devices$': '<rootDir>/domain/src/seals/devices/index.ts',
  '^@clearance/domain/node$': '<rootDir>/domain/src/node/index.ts',
  '^@clearance/domain/access-policy.json$': '<rootDir>/domain/src/shared/access-policy.json',
  '^@clearance/chaincode$': '<rootDir>/chaincode/src/index.ts',
  '^@clearance/fabric-client$': '<rootDir>/fabric-client/src/index.ts',
  '^@clearance/(chaincode|gateway|seal-devices|testkit)/(.*)$': '<rootDir>/$1/src/$2/index.ts',
  '^@clearance/devnet$': '<rootDir>/devnet/src/index.ts',
  '^@clearance/gateway$': '<rootDir>/gateway/src/index.ts',
  '^@clearance/load/(.*)$': '<rootDir>/load/src/$1.ts',
};

const setupFiles = ['<rootDir>/test/support/quiet-fabric-logs.js'];

module.exports = {
  // Key generation and PKI fixtures take seconds on a loaded 2-core machine: Jest's 5 s
  // default failed test PKI hooks there. Tests that need longer set their own.
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: [
        '<rootDir>/core/src',
        '<rootDir>/domain/src',
        '<rootDir>/chaincode/src',
        '<rootDir>/verifier/src',
        '<rootDir>/verifier/cli',
        '<rootDir>/devnet/src',
        '<rootDir>/fabric-client/src',
        '<rootDir>/gateway/src',
        '<rootDir>/seal-devices/src',
        '<rootDir>/load/src',
        '<rootDir>/testkit/src',
        '<rootDir>/scripts',
      ],
      testMatch: ['**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      setupFiles,
    },
    {
      // Compiled file by file with the DOM library: preact's JSX types would bring it into
      // the unit project's program, where the chaincode's sources do not type-check under it
      // (the portal is type-checked in \`npm run lint\`).
      displayName: 'portal',
      testEnvironment: 'node',
      roots: ['<rootDir>/portal/src'],
      testMatch: ['**/*.test.ts'],
      transform: {
        ...transform,
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/portal/tsconfig.test.json' }],
      },
      transformIgnorePatterns,
      moduleNameMapper,
      setupFiles,
    },
    {
      // The portal in headless Chromium against the devnet, PostgreSQL and Redis.
      displayName: 'e2e',
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.test.ts'],
      transform: {
        ...transform,
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/e2e/tsconfig.transpile.json' }],
      },
      transformIgnorePatterns,
      moduleNameMapper,
      setupFiles,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      setupFiles,
    },
  ],
};
