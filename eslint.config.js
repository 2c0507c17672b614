import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layer rules (issue 13, README "Layout"). Imports run down the floors only:
//   cli/ → demo/ → server/ → replay/ → alerts/ → collector/, agent/ → zk/, contract/   (dashboards/ and stack/ beside)
// FLOORS says, for each top-level folder, which folders it may import; every other project folder is refused.
// Production code imports none of the tests or tools; the tools import their shared helpers from stack/.
const TOOLS = ['test', 'bench', 'drills', 'scripts'];
const FLOORS = {
  zk: [],
  contract: [],
  collector: ['zk', 'contract'],
  agent: ['zk', 'contract'],
  dashboards: [],
  alerts: ['zk', 'contract', 'collector'],
  replay: ['zk', 'contract', 'collector', 'alerts'],
  server: ['zk', 'contract', 'collector', 'alerts', 'replay'],
  // real services for the demo, the tests and the tools; it reads the alert store's notification log
  stack: ['zk', 'contract', 'collector', 'alerts'],
  demo: ['zk', 'contract', 'collector', 'agent', 'alerts', 'replay', 'server', 'stack', 'dashboards'],
  cli: ['zk', 'contract', 'collector', 'agent', 'alerts', 'replay', 'server', 'stack', 'dashboards', 'demo'],
};
// a relative import that climbs out to the top-level folder `f` (`../f/`, `../../f/`, ...)
const climbsTo = (f, message) => ({ regex: `^(\\.\\./)+${f}/`, message });
const toolRule = (f) => ({
  regex: `^(\\.\\.?/)+${f}/`,
  message: `${f}/ is not importable from here: shared helpers live in stack/ (see eslint.config.js).`,
});
// the public index.ts is the package's top: nothing inside the project imports it
const rootIndex = { regex: '^(\\.\\./)+index\\.ts$', message: 'index.ts is the public API, the top of the floors: import the module itself.' };
const importsOf = (folders) => ({ patterns: folders.map(toolRule) });
const floorRules = Object.entries(FLOORS).map(([folder, below]) => ({
  files: [`${folder}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...TOOLS.map(toolRule),
          rootIndex,
          ...Object.keys(FLOORS)
            .filter((f) => f !== folder && !below.includes(f))
            .map((f) =>
              climbsTo(f, `${folder}/ must not import ${f}/: it may use ${below.join(', ') || 'no other folder of the project'} (floors in eslint.config.js, README "Layout").`),
            ),
        ],
      },
    ],
  },
}));

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
  ...floorRules,
  {
    // the tools: not the tests
    files: ['bench/**', 'drills/**', 'scripts/**'],
    rules: { 'no-restricted-imports': ['error', importsOf(['test'])] },
  },
);
