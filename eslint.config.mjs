import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// What the domain package may not import: it runs in the chaincode, the gateway, the devices
// and the browser (the portal bundles it). `import type` is erased, so it is allowed.
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const notInTheDomain = (allowedBuiltins) => [
  {
    // `node:anything` or a bare built-in (`fs`, `fs/promises`), but for those allowed.
    regex: `^(?!(node:)?(${allowedBuiltins.map(escape).join('|') || '$^'})$)(node:|(${builtinModules
      .map(escape)
      .join('|')})(/|$))`,
    allowTypeImports: true,
    message: 'The domain is pure and runs in browsers: no Node module (src/node/ may use crypto).',
  },
  {
    group: ['fabric-*', '@hyperledger/*', '@grpc/*', 'pg', 'pg-*', 'ioredis', 'bullmq', 'fastify*'],
    message: 'The domain has no Fabric and no I/O: adapters belong in the packages that use it.',
  },
  {
    regex: '^@clearance/(?!core$)',
    message: 'The domain depends on @clearance/core alone: the other packages depend on it.',
  },
];

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
          message: 'No `as unknown as`: parse with the record schema in @clearance/domain.',
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
      'domain/src/**/*.ts',
      'fabric-client/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'portal/src/testing/**'],
    rules: {
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
    },
  },
  {
    // Test support lives in testkit/ and stays out of what the deployed packages build. The
    // living demo (devnet/src/demo, a local devnet's only) signs its traders with the test PKI
    // and files the sample filings.
    files: [
      'core/src/**/*.ts',
      'domain/src/**/*.ts',
      'chaincode/src/**/*.ts',
      'fabric-client/src/**/*.ts',
      'gateway/src/**/*.ts',
      'seal-devices/src/**/*.ts',
      'devnet/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts', 'devnet/src/demo/**'],
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
    files: ['domain/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'domain/src/node/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...notInTheDomain([]),
            {
              regex: '(^|/)node(/|$)',
              message: 'Only @clearance/domain/node itself may use the modules that need Node.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['domain/src/node/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: notInTheDomain(['crypto']) },
      ],
    },
  },
  {
    files: ['portal/src/**/*.ts', 'portal/src/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@clearance/domain/node'],
              message: 'It needs Node: the browser gets @clearance/domain and its seal-devices.',
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
