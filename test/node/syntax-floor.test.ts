import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chrome92SyntaxProblems } from '../../build/syntax-floor.ts';

/** The build's guard that its unlowered output still runs in Chrome 92 (build/syntax-floor.ts). */
describe('Chrome 92 syntax floor', () => {
  it('passes class fields, private members, static methods and getters, which Chrome 92 runs', () => {
    const code = 'class A extends B { x = 1; #y = 2; #m() { return #y in this; } static get styles() { return []; } static tooLong(t) { return t.length > 3; } } A.name2 = 1;';
    assert.deepEqual(chrome92SyntaxProblems(code), []);
  });

  it('names a class static block, which Chrome 94 brought', () => {
    const [problem, ...rest] = chrome92SyntaxProblems('class A { static { this.x = 1; } }', 'parley.js');
    assert.match(problem ?? '', /^parley\.js: a class static block at \d+ \(Chrome 94/);
    assert.deepEqual(rest, []);
  });

  it('names a static field called name or length, or with a computed key (V8 bug 12421)', () => {
    const problems = chrome92SyntaxProblems('class A { static name = "a"; static "length" = 2; static [k] = 3; static fine = 4; }');
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /named "name"/);
    assert.match(problems[1]!, /named "length"/);
    assert.match(problems[2]!, /computed key/);
  });
});
