/**
 * The source's layering, in one table (documented in functions/shared/README.md): no import cycle,
 * and no module imports from a layer above its own. Imports are read with the TypeScript compiler,
 * type-only imports included (a type import still ties the modules' shapes together).
 */
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, shortestLoop } from '../support/import-graph';

/** The folders whose imports are checked (tests may import anything). */
const SOURCE = ['functions', 'rules', 'infra', 'sim', 'cli', 'bench', 'preview'];

/**
 * Layers, lowest first. A module may import from its own layer and any layer below it. Each entry is a
 * path prefix (a folder with a trailing `/`, or a file); the longest matching prefix decides.
 */
const LAYERS: readonly (readonly [layer: string, prefixes: readonly string[]])[] = [
  // Shapes that cross module and function boundaries, and what they need; imports nothing of the project above.
  ['contract', ['functions/shared/contract/', 'functions/shared/errors.ts', 'functions/shared/validation.ts', 'functions/shared/lazy-schema.ts', 'rules/rule-ids.ts']],
  // Pure domain knowledge: configuration, resource state and its baselines, policies, events, secrets, tags, the bot's own resources, API Gateway routes, security-group rules.
  [
    'model',
    [
      'functions/shared/config/',
      'functions/shared/state/',
      'functions/shared/policy/',
      'functions/shared/event/',
      'functions/shared/iam/',
      'functions/shared/secrets/',
      'functions/shared/self/',
      'functions/shared/exemption/',
      'functions/shared/apigateway/',
      'functions/shared/ec2/',
    ],
  ],
  // The catalog: pure rules over the model.
  ['rules', ['rules/']],
  // Side effects and their stand-ins: AWS access, the state table, baselines kept, actions, Slack, the bus, heartbeats, the in-memory account.
  [
    'io',
    [
      'functions/shared/env.ts',
      'functions/shared/observability.ts',
      'functions/shared/aws/',
      'functions/shared/store/',
      'functions/shared/baseline/',
      'functions/shared/remediation/',
      'functions/shared/slack/',
      'functions/shared/bus/',
      'functions/shared/heartbeat/',
      'sim/',
    ],
  ],
  // Judging and acting: the engine evaluates rules on state; the executor runs plans.
  ['core', ['functions/shared/engine/', 'functions/shared/executor/']],
  // One flow per function: what each Lambda does, end to end.
  ['flows', ['functions/shared/responder/', 'functions/shared/approval/', 'functions/shared/notifier/', 'functions/shared/scan/']],
  // Entry points: the thin handlers.
  ['handlers', ['functions/']],
  // Tools built on everything: the CLI, the CDK app, the bench and the Slack preview (the bench builds its events from the test fixtures).
  ['tools', ['cli/', 'infra/', 'bench/', 'preview/', 'test/']],
];

/** Folders holding side effects: rules must never import them, whatever the layers say. */
const RULES_MAY_NOT_IMPORT = [
  'functions/shared/executor/',
  'functions/shared/store/',
  'functions/shared/aws/',
  'functions/shared/remediation/',
  'functions/shared/slack/',
  'functions/shared/bus/',
  'functions/shared/notifier/',
  'functions/shared/baseline/',
  'functions/shared/engine/',
  'functions/shared/env.ts',
  'functions/shared/observability.ts',
];

/** The layer of a repository-relative file, by the longest matching prefix; undefined when none matches. */
function layerOf(file: string): number | undefined {
  let best: { index: number; length: number } | undefined;
  LAYERS.forEach(([, prefixes], index) => {
    for (const prefix of prefixes) {
      if ((file === prefix || (prefix.endsWith('/') && file.startsWith(prefix))) && (best === undefined || prefix.length > best.length)) best = { index, length: prefix.length };
    }
  });
  return best?.index;
}

const graph = importGraph(SOURCE);

describe('layering', () => {
  it('finds imports to check', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('functions/shared/engine/engine.ts')).toContain('rules/rule.ts');
  });

  it('has no import cycle in the source', () => {
    const loops = importCycles(graph).map((cycle) => shortestLoop(graph, cycle[0] ?? '').join(' → '));
    expect(loops).toEqual([]);
  });

  it('places every source file in a layer', () => {
    expect([...graph.keys()].filter((file) => layerOf(file) === undefined)).toEqual([]);
  });

  it('has no import from a layer above the importing module', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file) ?? -1;
      for (const target of targets) {
        const to = layerOf(target) ?? Number.POSITIVE_INFINITY;
        if (to > from) upward.push(`${file} (${LAYERS[from]?.[0] ?? '?'}) → ${target} (${LAYERS[to]?.[0] ?? 'outside the source'})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps rules away from the side-effect folders', () => {
    const imports = [...graph].filter(([file]) => file.startsWith('rules/')).flatMap(([file, targets]) => targets.filter((t) => RULES_MAY_NOT_IMPORT.some((p) => t === p || t.startsWith(p))).map((t) => `${file} → ${t}`));
    expect(imports).toEqual([]);
  });

  it('recognises a layering violation and a cycle when it sees one', () => {
    const planted = new Map<string, readonly string[]>([
      ['functions/shared/state/a.ts', ['functions/shared/store/b.ts']],
      ['functions/shared/store/b.ts', ['functions/shared/state/a.ts']],
    ]);
    expect(importCycles(planted)).toEqual([['functions/shared/state/a.ts', 'functions/shared/store/b.ts']]);
    expect(layerOf('functions/shared/state/a.ts')).toBeLessThan(layerOf('functions/shared/store/b.ts') ?? 0);
    expect(layerOf('functions/responder/handler.ts')).toBe(LAYERS.findIndex(([name]) => name === 'handlers'));
  });
});
