/** Unit tests sit beside the code; integration tests under test/ run against real services. */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] };
const moduleNameMapper = {
  '^@clearance/chaincode$': '<rootDir>/chaincode/src/index.ts',
  '^@clearance/chaincode/(.*)$': '<rootDir>/chaincode/src/$1/index.ts',
  '^@clearance/network$': '<rootDir>/network/src/index.ts',
  '^@clearance/gateway$': '<rootDir>/gateway/src/app.ts',
};

const setupFiles = ['<rootDir>/test/support/quiet-fabric-logs.js'];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/chaincode/src', '<rootDir>/network/src', '<rootDir>/gateway/src'],
      testMatch: ['**/*.test.ts'],
      transform,
      moduleNameMapper,
      setupFiles,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      transform,
      moduleNameMapper,
      setupFiles,
    },
  ],
};
