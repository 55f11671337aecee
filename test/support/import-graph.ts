/**
 * The project's import graph, read with the TypeScript compiler (every `import`, `import type`,
 * `export … from` and `import()`), and the cycles in it. Dev only: used by the layering test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/** Repository-relative POSIX path → the repository-relative files it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Reads the imports of every `.ts` file under `folders` that resolve to a file of the repository. */
export function importGraph(folders: readonly string[]): ImportGraph {
  const read: { config?: unknown } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const options = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT).options;
  const host = ts.createCompilerHost(options);
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap(sourceFiles)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const targets = new Set<string>();
    for (const imported of importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const resolved = ts.resolveModuleName(imported.fileName, join(ROOT, file), options, host).resolvedModule;
      if (resolved === undefined || resolved.isExternalLibraryImport === true) continue;
      targets.add(relative(ROOT, resolved.resolvedFileName).split(sep).join('/'));
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** The strongly connected components with more than one file (or a file importing itself), each sorted. */
export function importCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const top = stack.pop();
      if (top === undefined) break;
      onStack.delete(top);
      component.push(top);
      if (top === node) break;
    }
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** One shortest path of imports from `from` back to itself, to show how a cycle closes. */
export function shortestLoop(graph: ImportGraph, from: string): string[] {
  const previous = new Map<string, string>();
  const queue = [...(graph.get(from) ?? [])];
  for (const next of queue) previous.set(next, from);
  while (queue.length > 0) {
    const node = queue.shift();
    if (node === undefined) break;
    if (node === from) break;
    for (const next of graph.get(node) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  if (!previous.has(from)) return [];
  const path = [from];
  let node = previous.get(from);
  while (node !== undefined && node !== from) {
    path.unshift(node);
    node = previous.get(node);
  }
  path.unshift(from);
  return path;
}
