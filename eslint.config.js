import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layer rules (issue 13). Production code (everything but test/, bench/, drills/ and scripts/) must not import
// the tests or the tools; the tools import their shared helpers from stack/, not from test/support.
// The floor rules between zk/, collector/, agent/ and alerts/ come with the moves into zk/, contract/ and server/.
const TOOLS = ['test', 'bench', 'drills', 'scripts'];
const importsOf = (folders) => ({
  patterns: folders.map((f) => ({
    regex: `^(\\.\\.?/)+${f}/`,
    message: `${f}/ is not importable from here: shared helpers live in stack/ (see eslint.config.js).`,
  })),
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
  { files: ['contract/*.ts'], rules: { 'no-restricted-imports': ['error', outOfContract(1)] } },
  { files: ['contract/*/*.ts'], rules: { 'no-restricted-imports': ['error', outOfContract(2)] } },
  { files: ['contract/*/*/**/*.ts'], rules: { 'no-restricted-imports': ['error', outOfContract(3)] } },
  {
    // the tools: not the tests
    files: ['bench/**', 'drills/**', 'scripts/**'],
    rules: { 'no-restricted-imports': ['error', importsOf(['test'])] },
  },
);
