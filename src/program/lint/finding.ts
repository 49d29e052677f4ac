import type { Program, ProgramPath } from '../load-program.ts';
import { formatPath } from '../yaml.ts';

export type Severity = 'error' | 'warning' | 'info';

/** One gap or contradiction found in a program, with a stable code CI can filter on. */
export interface LintFinding {
  /** Stable identifier, e.g. `activity-missing-legal-basis`. */
  code: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  /** Field path inside the file, e.g. `activities[2].legal_basis`. */
  path: string;
}

/** A check reads the program and returns what it found; checks never throw on program content. */
export type LintCheck = (program: Program) => LintFinding[];

/** Builds a finding located where `where` points in the program or a dataset file. */
export function finding(
  program: Program,
  where: ProgramPath,
  code: string,
  severity: Severity,
  message: string,
): LintFinding {
  const loc = program.locate(where);
  const p = 'doc' in where ? where.doc : where.path;
  return { code, severity, message, ...loc, path: formatPath(p) };
}
