import { readFile } from 'node:fs/promises';
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';

/** A place in a source file, 1-based, as editors show it. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One problem found in a program file: what, where, and what was expected. */
export interface ValidationIssue {
  file: string;
  line: number;
  column: number;
  /** Field path inside the file, e.g. `activities[2].legal_basis`. */
  path: string;
  message: string;
  expected?: string;
}

/** A parsed YAML file that still knows where each value came from. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function parseYaml(file: string, text: string): { source: YamlSource; issues: ValidationIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues: ValidationIssue[] = doc.errors.map((err) => {
    const pos = lines.linePos(err.pos[0]);
    return {
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      message: `YAML syntax: ${err.message.split('\n')[0]}`,
    };
  });
  return { source: { file, doc, lines }, issues };
}

export async function readYaml(file: string): Promise<{ source: YamlSource; issues: ValidationIssue[] }> {
  return parseYaml(file, await readFile(file, 'utf8'));
}

/** Where a value at `path` sits in the source; falls back to the nearest parent that exists. */
export function locate(source: YamlSource, path: readonly PropertyKey[], key = false): SourceLocation {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth);
    const node = findNode(source.doc, sub, key && depth === path.length);
    if (node?.range) {
      const pos = source.lines.linePos(node.range[0]);
      return { file: source.file, line: pos.line, column: pos.col };
    }
  }
  return { file: source.file, line: 1, column: 1 };
}

function findNode(doc: Document.Parsed, path: readonly PropertyKey[], wantKey: boolean): Node | undefined {
  if (path.length === 0) return (doc.contents as Node | null) ?? undefined;
  if (!wantKey) {
    const node = doc.getIn(path as unknown[], true);
    return node && typeof node === 'object' && 'range' in node ? (node as Node) : undefined;
  }
  const parent = doc.getIn(path.slice(0, -1) as unknown[], true);
  if (!isMap(parent)) return undefined;
  const last = path[path.length - 1];
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** Edit distance, for "did you mean" suggestions. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const score = distance(word.toLowerCase(), candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Keys an object schema accepts at `path`, found by walking the zod schema. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const part of path) {
    current = current ? unwrap(current) : undefined;
    if (!current) return [];
    const def = (current as unknown as { def: { type: string } }).def;
    if (def.type === 'object') {
      current = (current as unknown as z.ZodObject).shape[String(part)] as z.ZodType | undefined;
    } else if (def.type === 'array') {
      current = (current as unknown as z.ZodArray<z.ZodType>).element;
    } else if (def.type === 'record') {
      current = (def as unknown as { valueType: z.ZodType }).valueType;
    } else {
      return objectKeysInUnion(current);
    }
  }
  current = current ? unwrap(current) : undefined;
  return current ? objectKeysInUnion(current) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = (
      current as unknown as {
        def: { type: string; innerType?: z.ZodType; in?: z.ZodType; getter?: () => z.ZodType };
      }
    ).def;
    if (def.innerType) current = def.innerType;
    // Recursive schemas (nested dataset fields) are lazy: resolve them to find their keys.
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

function objectKeysInUnion(schema: z.ZodType): string[] {
  const def = (schema as unknown as { def: { type: string; options?: z.ZodType[] } }).def;
  if (def.type === 'object') return Object.keys((schema as unknown as z.ZodObject).shape);
  if (def.type === 'union' && def.options) return def.options.flatMap((o) => objectKeysInUnion(unwrap(o)));
  return [];
}

/** Turns zod issues into located, readable validation issues. */
export function zodIssuesToValidation(
  source: YamlSource,
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const loc = locate(source, [...path, key], true);
        const hint = suggest(key, known);
        out.push({
          ...loc,
          path: formatPath([...path, key]),
          message: `unknown key "${key}"${hint ? `; did you mean "${hint}"?` : ''}`,
          expected: known.length ? `one of: ${known.join(', ')}` : undefined,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0) {
      // Report the branch that got furthest: the one with the fewest problems.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      out.push(...zodIssuesToValidation(source, schema, best, path));
      continue;
    }
    const loc = locate(source, path);
    out.push({
      ...loc,
      path: formatPath(path),
      message: describeIssue(issue),
      expected: expectedOf(issue),
    });
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required field is missing';
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${typeName(issue.input)}`;
  if (issue.code === 'invalid_value') return `${JSON.stringify(issue.input)} is not allowed`;
  return issue.message;
}

function expectedOf(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_type') return issue.expected;
  if (issue.code === 'invalid_value')
    return `one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return undefined;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Formats an issue as editors and CI annotations expect: `file:line:col path: message`. */
export function formatIssue(issue: ValidationIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  const path = issue.path ? ` ${issue.path}:` : '';
  const expected = issue.expected ? ` (expected ${issue.expected})` : '';
  return `${where}${path} ${issue.message}${expected}`;
}
