import { parseAst, type Plugin } from 'vite';

/**
 * Why the build's target names Chrome 98 while Parley still supports Chrome 92 (README,
 * "Browsers").
 *
 * Below Chrome 98 the transformer lowers every class feature (fields, private fields and
 * methods) into helper calls and WeakMaps, because Chrome 92–97 have V8 bug 12421: a *static*
 * class field that redefines a read-only property of the class (its `name` or `length`)
 * throws. That lowering cost about 2.8 kB gzip of the widget opened on JSON. Chrome 92 runs
 * native class fields, private fields and methods, and `#x in o` (all shipped by Chrome 91);
 * the only syntax Chrome 93–98 added is the class static block (Chrome 94). So the output may
 * stay unlowered as long as it holds neither a static block nor a static field named `name` or
 * `length`, and this check fails the build if it ever does (a dependency could bring one).
 */
export function chrome92SyntaxProblems(code: string, file = 'chunk.js'): string[] {
  const problems: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const n = node as { type?: string; static?: boolean; computed?: boolean; key?: { type: string; name?: string; value?: unknown }; start?: number };
    if (n.type === 'StaticBlock') problems.push(`${file}: a class static block at ${n.start} (Chrome 94; the class transform makes one of a static field with a value: write a static getter or method)`);
    if (n.type === 'PropertyDefinition' && n.static && n.key) {
      const name = n.computed ? undefined : n.key.type === 'Identifier' ? n.key.name : n.key.value;
      if (n.computed || name === 'name' || name === 'length')
        problems.push(`${file}: a static class field ${n.computed ? '(computed key)' : `named "${String(name)}"`} at ${n.start} (V8 bug 12421, Chrome 92–97)`);
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'parent' && value && typeof value === 'object') visit(value);
  };
  visit(parseAst(code, { lang: 'js', sourceType: 'module' }, file));
  return problems;
}

/** Fails the build when an output chunk holds syntax that Chrome 92–97 cannot run (see above). */
export function chrome92SyntaxFloor(): Plugin {
  return {
    name: 'parley-chrome92-syntax-floor',
    apply: 'build',
    renderChunk(code, chunk) {
      const problems = chrome92SyntaxProblems(code, chunk.fileName);
      if (problems.length) this.error(`Output that Chrome 92 (README, "Browsers") cannot run:\n  ${problems.join('\n  ')}`);
      return null;
    },
  };
}
