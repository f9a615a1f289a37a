/** @type {import('jest').Config} */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
// .deploy/ holds the Azure deploy package (npm run package:azure), a second copy of the app.
const common = {
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/.deploy/'],
};
// Jest's module system bypasses the local host's Module._load hook: map the worker module to the stand-in.
const functionsCore = { '^@azure/functions-core$': '<rootDir>/test/support/functionsCoreModule.ts' };

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      moduleNameMapper: functionsCore,
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      moduleNameMapper: functionsCore,
      globalSetup: '<rootDir>/test/support/azuriteGlobalSetup.ts',
      globalTeardown: '<rootDir>/test/support/azuriteGlobalTeardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      moduleNameMapper: functionsCore,
      globalSetup: '<rootDir>/test/support/azuriteGlobalSetup.ts',
      globalTeardown: '<rootDir>/test/support/azuriteGlobalTeardown.ts',
    },
  ],
};
