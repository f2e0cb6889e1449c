import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.devnet/**',
      '.devnet-hosts/**',
      'coverage/**',
      'load/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Decorated contract methods need Context as a value: its metadata tells
    // fabric-contract-api which parameter is the context.
    files: ['chaincode/src/contracts/**/*.ts'],
    languageOptions: {
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
  },
  {
    // One definition of every record: gateway and portal parse what crosses a boundary with
    // the domain's schemas. A double cast or a cast of JSON.parse means a second definition.
    files: [
      'gateway/src/**/*.ts',
      'testkit/src/gateway/**/*.ts',
      'portal/src/**/*.ts',
      'portal/src/**/*.tsx',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSAsExpression > TSAsExpression[typeAnnotation.type='TSUnknownKeyword']",
          message:
            'No `as unknown as`: parse with the record schema in @clearance/chaincode/domain.',
        },
        {
          selector:
            "TSAsExpression[typeAnnotation.type!='TSUnknownKeyword'] > CallExpression.expression[callee.object.name='JSON'][callee.property.name='parse']",
          message: 'No `JSON.parse(...) as T`: parse the value with its zod schema.',
        },
      ],
    },
  },
  {
    // No type assertions in what ships: values from outside are parsed (zod), narrowed by
    // type guards, or typed by generics. `as const` stays allowed. A library typing gap that
    // leaves no other way gets a one-line eslint-disable-next-line with the reason.
    files: [
      'gateway/src/**/*.ts',
      'portal/src/**/*.ts',
      'portal/src/**/*.tsx',
      'chaincode/src/**/*.ts',
      'seal-devices/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'portal/src/testing/**'],
    rules: {
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
    },
  },
  {
    // Test support lives in testkit/ and stays out of what the deployed packages build.
    files: [
      'core/src/**/*.ts',
      'chaincode/src/**/*.ts',
      'gateway/src/**/*.ts',
      'seal-devices/src/**/*.ts',
      'network/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@clearance/testkit', '@clearance/testkit/*', '@jest/globals'],
              message:
                'Test support belongs in testkit/ (or a *.test.ts), not in a deployed build.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
);
