import type { Row } from '../connectors/connector.ts';
import { isUnder } from '../program/taxonomy.ts';
import type { CollectionNode, GraphField } from './build-graph.ts';
import { valueAt } from './traverse.ts';

/** Leaf fields whose data categories fall under one of `targets` (prefix match on the taxonomy). */
export function targetedFields(node: CollectionNode, targets: readonly string[]): GraphField[] {
  return node.fields.filter((f) => f.isLeaf && f.categories.some((c) => targets.some((t) => isUnder(c, t))));
}

/** The row cut down to `fields`, nested members kept in their JSON shape; undefined when nothing is left. */
export function pickFields(row: Row, fields: readonly GraphField[]): Row | undefined {
  const out: Row = {};
  let any = false;
  for (const f of fields) {
    const value = valueAt(row, f.path);
    if (value === undefined) continue;
    any = true;
    if (f.member.length === 0) {
      out[f.column] = value;
      continue;
    }
    out[f.column] ??= {};
    let at = out[f.column] as Record<string, unknown>;
    for (const [i, part] of f.member.entries()) {
      if (i === f.member.length - 1) at[part] = value;
      else {
        at[part] ??= {};
        at = at[part] as Record<string, unknown>;
      }
    }
  }
  return any ? out : undefined;
}
