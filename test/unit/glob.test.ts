import test from 'ava';
import { compileGlob, MAX_GLOB_LENGTH } from '../../contract/glob.ts';

function glob(pattern: string) {
  const compiled = compileGlob(pattern);
  if (!compiled.ok) throw new Error(`${pattern}: ${compiled.reason}`);
  return compiled.glob;
}

const cases: Array<[string, string, boolean]> = [
  ['*', 'anything', true],
  ['*', '.hidden', true],
  ['n_*', 'n_0000000001', true],
  ['n_*', 'm_0000000001', false],
  ['n_*', 'n_', true],
  ['*__lock__*', 'a1b2__lock__0000000003', true],
  ['*__lock__*', 'a1b2__party__0000000003', false],
  ['*-latch-*', '_c_8f7e-latch-0000000001', true],
  ['w?', 'w1', true],
  ['w?', 'w12', false],
  ['w?', 'w', false],
  ['w[0-9]', 'w7', true],
  ['w[0-9]', 'wx', false],
  ['w[!0-9]', 'wx', true],
  ['w[^0-9]', 'w7', false],
  ['[]x]', ']', true],
  ['[]x]', 'x', true],
  ['[a-c-]', '-', true],
  ['exact', 'exact', true],
  ['exact', 'exactly', false],
  ['a*b*c', 'abc', true],
  ['a*b*c', 'aXbYc', true],
  ['a*b*c', 'aXcYb', false],
  ['ab*ba', 'aba', false],
  ['ab*ba', 'abba', true],
  ['*ab', 'aab', true],
  ['*a?c*', 'xxabcxx', true],
  ['?', '€', true],
  ['(x)', '(x)', true],
];

for (const [pattern, name, expected] of cases) {
  test(`glob ${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(name)}`, (t) => {
    t.is(glob(pattern).matches(name), expected);
  });
}

const refused: Array<[string, string]> = [
  ['', 'must not be empty (use "*" for every child)'],
  ['a{b,c}', 'braces {a,b} are not supported: use one pattern per alternative or a class [ab]'],
  ['**', '"**" is not supported: a pattern matches one child name, "*" is any run of characters'],
  ['a/b', 'must not contain "/": a pattern matches one child name'],
  ['a\\*', 'backslash escapes are not supported: put a special character in a class, e.g. [*]'],
  ['[abc', 'has a "[" without its "]"'],
  ['abc]', 'has a "]" without its "["'],
  ['[z-a]', 'the range "z-a" runs backwards'],
  ['[[:digit:]]', 'named classes such as [[:digit:]] are not supported: use [0-9]'],
  ['+(a|b)', 'extended globs such as "+(...)" are not supported: use *, ? and [...]'],
  ['x'.repeat(MAX_GLOB_LENGTH + 1), `is longer than ${MAX_GLOB_LENGTH} characters`],
];

for (const [pattern, reason] of refused) {
  test(`glob ${JSON.stringify(pattern.slice(0, 20))} is refused with a reason`, (t) => {
    t.deepEqual(compileGlob(pattern), { ok: false, reason });
  });
}

test('a pattern that is exponential for a backtracking matcher returns at once', (t) => {
  // `*a*a*...*a*b` against "aaaa...a": a backtracking matcher tries every split of the a's among the stars
  const pattern = `${'*a'.repeat(40)}*b`;
  const name = 'a'.repeat(5000);
  const started = process.hrtime.bigint();
  t.false(glob(pattern).matches(name));
  t.true(glob(pattern).matches(`${name}b`));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // one pass per segment: milliseconds; a backtracking matcher would not finish in a lifetime
  t.true(ms < 2000, `took ${ms} ms`);
});
