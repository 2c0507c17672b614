import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layer rules (issue 13). Production code (everything but test/, bench/, drills/ and scripts/) must not import
// the tests or the tools; the tools import their shared helpers from stack/, not from test/support.
// Floors (imports run downward only): cli/ demo/ → server/ → replay/ → alerts/ → collector/ agent/ → zk/ contract/.
// The floors below server/ are written here as they are reached; zk/, agent/ and contract/ come with their moves.
const TOOLS = ['test', 'bench', 'drills', 'scripts'];
const toolRule = (f) => ({
  regex: `^(\\.\\.?/)+${f}/`,
  message: `${f}/ is not importable from here: shared helpers live in stack/ (see eslint.config.js).`,
});
const importsOf = (folders) => ({ patterns: folders.map(toolRule) });
/** production code of `folder` imports neither the tools nor the floors `above` it */
const floor = (folder, above) => ({
  files: [`${folder}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...TOOLS.map(toolRule),
          ...above.map((f) => ({
            regex: `^(\\.\\./)+${f}/`,
            message: `${folder}/ is below ${f}/ and must not import it: move what both need down a floor (README.md, Layout).`,
          })),
        ],
      },
    ],
  },
});

// contract/ is the ground floor (issue 13): it imports nothing of the project, only itself and packages.
const outOfContract = (levels) => ({
  patterns: [{ regex: `^(\\.\\./){${levels}}`, message: 'contract/ imports nothing of the project: it is the ground floor (see eslint.config.js).' }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dashboards/generated/**', '.tmp/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'test', property: 'only' }, { object: 'test', property: 'skip' }],
    },
  },
  {
    // production code: none of the tests or tools
    ignores: TOOLS.map((f) => `${f}/**`),
    rules: { 'no-restricted-imports': ['error', importsOf(TOOLS)] },
  },
  floor('server', ['cli', 'demo']),
  floor('replay', ['server', 'cli', 'demo']),
  floor('alerts', ['replay', 'server', 'cli', 'demo']),
  floor('collector', ['alerts', 'replay', 'server', 'cli', 'demo']),
  { files: ['contract/*.ts'], rules: { 'no-restricted-imports': ['error', outOfContract(1)] } },
  { files: ['contract/*/*.ts'], rules: { 'no-restricted-imports': ['error', outOfContract(2)] } },
  { files: ['contract/*/*/**/*.ts'], rules: { 'no-restricted-imports': ['error', outOfContract(3)] } },
  {
    // the tools: not the tests
    files: ['bench/**', 'drills/**', 'scripts/**'],
    rules: { 'no-restricted-imports': ['error', importsOf(['test'])] },
  },
);
