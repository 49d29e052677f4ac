import { createHash } from 'node:crypto';
import { glob, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Dataset, datasetFileSchema, datasetSchema, flattenFields } from './dataset.ts';
import { type ProgramDoc, programSchema } from './schema.ts';
import { extendTaxonomy, type Taxonomy } from './taxonomy.ts';
import {
  formatPath,
  locate,
  readYaml,
  type SourceLocation,
  suggest,
  type ValidationIssue,
  type YamlSource,
  zodIssuesToValidation,
} from './yaml.ts';

/** A validated program with its datasets and vocabulary, ready for every other module. */
export interface Program {
  doc: ProgramDoc;
  datasets: Dataset[];
  taxonomy: Taxonomy;
  /** Content hash of the program and datasets (sha256, hex). */
  hash: string;
  /** Where a program path (e.g. `['activities', 2, 'legal_basis']`) sits, for findings. */
  locate(where: ProgramPath): SourceLocation;
}

/** A path into the program document, or into one dataset (by fides_key). */
export type ProgramPath = { doc: PropertyKey[] } | { dataset: string; path: PropertyKey[] };

/** The portable form of a program: what `custodian push` sends and the server stores. */
export interface ProgramBundle {
  program: unknown;
  datasets: unknown[];
}

export type LoadResult = { ok: true; program: Program } | { ok: false; issues: ValidationIssue[] };

/** Finds `custodian.yaml` when given a folder. */
export async function resolveProgramFile(target = '.'): Promise<string> {
  const info = await stat(target).catch(() => undefined);
  if (!info) return target;
  if (info.isDirectory()) {
    for (const name of ['custodian.yaml', 'custodian.yml']) {
      const candidate = path.join(target, name);
      if (await stat(candidate).catch(() => undefined)) return candidate;
    }
    return path.join(target, 'custodian.yaml');
  }
  return target;
}

/** Reads, validates and cross-checks a program from disk; every problem is reported with file:line:column. */
export async function loadProgramFromDisk(target = '.'): Promise<LoadResult> {
  const file = await resolveProgramFile(target);
  if (!(await stat(file).catch(() => undefined))) {
    return {
      ok: false,
      issues: [
        {
          file,
          line: 1,
          column: 1,
          path: '',
          message: 'no program file here; run `custodian init` to create one',
        },
      ],
    };
  }
  const { source, issues } = await readYaml(file);
  if (issues.length) return { ok: false, issues };
  const parsed = programSchema.safeParse(source.doc.toJS(), { reportInput: true });
  if (!parsed.success) {
    return { ok: false, issues: zodIssuesToValidation(source, programSchema, parsed.error.issues) };
  }
  const base = path.dirname(file);
  const datasetSources = new Map<string, { source: YamlSource; index: number }>();
  const datasets: Dataset[] = [];
  const datasetIssues: ValidationIssue[] = [];
  for (const [i, pattern] of parsed.data.datasets.entries()) {
    const files: string[] = [];
    for await (const match of glob(pattern, { cwd: base })) files.push(path.join(base, match));
    if (files.length === 0) {
      datasetIssues.push({
        ...locate(source, ['datasets', i]),
        path: formatPath(['datasets', i]),
        message: `no dataset file matches "${pattern}"`,
      });
    }
    for (const datasetFile of files.sort()) {
      const loaded = await readYaml(datasetFile);
      if (loaded.issues.length) {
        datasetIssues.push(...loaded.issues);
        continue;
      }
      const result = datasetFileSchema.safeParse(loaded.source.doc.toJS(), { reportInput: true });
      if (!result.success) {
        datasetIssues.push(...zodIssuesToValidation(loaded.source, datasetFileSchema, result.error.issues));
        continue;
      }
      for (const [index, dataset] of result.data.dataset.entries()) {
        datasetSources.set(dataset.fides_key, { source: loaded.source, index });
        datasets.push(dataset);
      }
    }
  }
  if (datasetIssues.length) return { ok: false, issues: datasetIssues };

  const locator = (where: ProgramPath): SourceLocation => {
    if ('doc' in where) return locate(source, where.doc);
    const ds = datasetSources.get(where.dataset);
    return ds ? locate(ds.source, ['dataset', ds.index, ...where.path]) : { file, line: 1, column: 1 };
  };
  return buildProgram(parsed.data, datasets, locator);
}

/** Validates a bundle received over the API; issues carry field paths (no file). */
export function loadProgramFromBundle(bundle: ProgramBundle): LoadResult {
  const parsed = programSchema.safeParse(bundle.program);
  const issues: ValidationIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({
        file: 'program',
        line: 0,
        column: 0,
        path: formatPath(issue.path),
        message: issue.message,
      });
    }
  }
  const datasets: Dataset[] = [];
  for (const [i, raw] of (bundle.datasets ?? []).entries()) {
    const result = datasetSchema.safeParse(raw);
    if (result.success) datasets.push(result.data);
    else {
      for (const issue of result.error.issues) {
        issues.push({
          file: 'datasets',
          line: 0,
          column: 0,
          path: formatPath([i, ...issue.path]),
          message: issue.message,
        });
      }
    }
  }
  if (!parsed.success || issues.length) return { ok: false, issues };
  return buildProgram(parsed.data, datasets, (where) => ({
    file: 'doc' in where ? 'program' : `dataset:${where.dataset}`,
    line: 0,
    column: 0,
  }));
}

/** The portable bundle for a loaded program (program document and datasets as JSON). */
export function toBundle(program: Program): ProgramBundle {
  return { program: program.doc, datasets: program.datasets };
}

function buildProgram(
  doc: ProgramDoc,
  datasets: Dataset[],
  locator: (where: ProgramPath) => SourceLocation,
): LoadResult {
  const taxonomy = extendTaxonomy({
    data_category: doc.taxonomy?.data_categories ?? [],
    data_use: doc.taxonomy?.data_uses ?? [],
    data_subject: doc.taxonomy?.data_subjects ?? [],
  });
  const hash = createHash('sha256').update(JSON.stringify({ doc, datasets })).digest('hex');
  const program: Program = { doc, datasets, taxonomy, hash, locate: locator };
  const issues = crossCheck(program);
  return issues.length ? { ok: false, issues } : { ok: true, program };
}

/** References between parts of the program must resolve; unknown keys get a "did you mean". */
function crossCheck(program: Program): ValidationIssue[] {
  const { doc, taxonomy, datasets } = program;
  const issues: ValidationIssue[] = [];
  const report = (where: ProgramPath, message: string, expected?: string) => {
    const loc = program.locate(where);
    const p = 'doc' in where ? where.doc : where.path;
    issues.push({ ...loc, path: formatPath(p), message, ...(expected ? { expected } : {}) });
  };
  const checkKey = (
    where: ProgramPath,
    value: string,
    known: ReadonlySet<string> | ReadonlyMap<string, unknown>,
    what: string,
  ) => {
    if (known.has(value)) return;
    const hint = suggest(value, known.keys());
    report(where, `unknown ${what} "${value}"${hint ? `; did you mean "${hint}"?` : ''}`);
  };
  const systems = doc.systems.map((s) => s.key);
  const processors = doc.processors.map((p) => p.key);
  const notices = doc.consent_notices.map((n) => n.key);
  const datasetKeys = datasets.map((d) => d.fides_key);
  const rules = doc.retention_rules.map((r) => r.key);
  const subjects = taxonomy.data_subject;
  // Built once: every reference below is checked against these.
  const known = {
    systems: new Set(systems),
    processors: new Set(processors),
    notices: new Set(notices),
    datasets: new Set(datasetKeys),
    rules: new Set(rules),
  };

  const duplicates = (list: string[], where: (i: number) => ProgramPath, what: string) => {
    const seen = new Set<string>();
    list.forEach((k, i) => {
      if (seen.has(k)) report(where(i), `duplicate ${what} key "${k}"`);
      seen.add(k);
    });
  };
  duplicates(systems, (i) => ({ doc: ['systems', i, 'key'] }), 'system');
  duplicates(processors, (i) => ({ doc: ['processors', i, 'key'] }), 'processor');
  duplicates(
    doc.activities.map((a) => a.key),
    (i) => ({ doc: ['activities', i, 'key'] }),
    'activity',
  );
  duplicates(datasetKeys, () => ({ doc: ['datasets'] }), 'dataset');

  doc.data_subjects.forEach((s, i) => {
    checkKey({ doc: ['data_subjects', i] }, s, subjects, 'data subject');
  });
  doc.activities.forEach((a, i) => {
    a.data_categories.forEach((c, j) => {
      checkKey({ doc: ['activities', i, 'data_categories', j] }, c, taxonomy.data_category, 'data category');
    });
    a.data_subjects.forEach((s, j) => {
      checkKey({ doc: ['activities', i, 'data_subjects', j] }, s, subjects, 'data subject');
    });
    checkKey({ doc: ['activities', i, 'data_use'] }, a.data_use, taxonomy.data_use, 'data use');
    a.systems.forEach((s, j) => {
      checkKey({ doc: ['activities', i, 'systems', j] }, s, known.systems, 'system');
    });
    a.processors.forEach((p, j) => {
      checkKey({ doc: ['activities', i, 'processors', j] }, p, known.processors, 'processor');
    });
    if (a.consent_notice)
      checkKey(
        { doc: ['activities', i, 'consent_notice'] },
        a.consent_notice,
        known.notices,
        'consent notice',
      );
    if (a.legal_basis && typeof a.legal_basis === 'object') {
      for (const subject of Object.keys(a.legal_basis)) {
        checkKey({ doc: ['activities', i, 'legal_basis', subject] }, subject, subjects, 'data subject');
      }
    }
    a.retention?.rules.forEach((r, j) => {
      checkKey({ doc: ['activities', i, 'retention', 'rules', j] }, r, known.rules, 'retention rule');
    });
  });
  doc.systems.forEach((s, i) => {
    s.datasets.forEach((d, j) => {
      checkKey({ doc: ['systems', i, 'datasets', j] }, d, known.datasets, 'dataset');
    });
    if (s.processor)
      checkKey({ doc: ['systems', i, 'processor'] }, s.processor, known.processors, 'processor');
  });
  doc.processors.forEach((p, i) => {
    p.data_categories.forEach((c, j) => {
      checkKey({ doc: ['processors', i, 'data_categories', j] }, c, taxonomy.data_category, 'data category');
    });
    if (p.parent) checkKey({ doc: ['processors', i, 'parent'] }, p.parent, known.processors, 'processor');
  });
  doc.erasure_policy?.rules.forEach((r, i) => {
    checkKey(
      { doc: ['erasure_policy', 'rules', i, 'target'] },
      r.target,
      taxonomy.data_category,
      'data category',
    );
  });
  doc.consent_notices.forEach((n, i) => {
    n.data_uses.forEach((u, j) => {
      checkKey({ doc: ['consent_notices', i, 'data_uses', j] }, u, taxonomy.data_use, 'data use');
    });
  });
  for (const dataset of datasets) {
    dataset.collections.forEach((collection, ci) => {
      for (const { field } of flattenFields(collection.fields)) {
        field.data_categories?.forEach((c) => {
          if (!taxonomy.data_category.has(c)) {
            const hint = suggest(c, taxonomy.data_category.keys());
            report(
              { dataset: dataset.fides_key, path: ['collections', ci] },
              `unknown data category "${c}" on field "${collection.name}.${field.name}"${hint ? `; did you mean "${hint}"?` : ''}`,
            );
          }
        });
      }
    });
  }
  return issues;
}
