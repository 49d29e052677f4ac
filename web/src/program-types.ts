/**
 * The parts of the program document (GET /api/programs/current) the console reads.
 * The server validated the whole document on push; these types only name what is shown.
 */

export interface DatasetField {
  name: string;
  description?: string | null;
  data_categories?: string[] | null;
  fides_meta?: {
    identity?: string | null;
    primary_key?: boolean | null;
    references?: { dataset: string; field: string; direction?: 'to' | 'from' }[] | null;
  } | null;
  fields?: DatasetField[] | null;
}

export interface Dataset {
  fides_key: string;
  name?: string | null;
  description?: string | null;
  collections: { name: string; description?: string | null; fields: DatasetField[] }[];
}

export interface ProgramDoc {
  organization: { name: string; role?: string };
  jurisdictions: { code: string; response_days?: number }[];
  systems: {
    key: string;
    name: string;
    description?: string;
    datasets: string[];
    connection?: { type: string };
    locations: string[];
    processor?: string;
  }[];
  activities: {
    key: string;
    name: string;
    purpose: string;
    data_use: string;
    data_categories: string[];
    data_subjects: string[];
    legal_basis?: string | Record<string, string>;
    systems: string[];
    processors: string[];
    storage_locations: string[];
    retention?: { description: string; period?: string };
    consent_notice?: string;
  }[];
  processors: {
    key: string;
    name: string;
    service: string;
    purpose: string;
    role: string;
    locations: string[];
    transfer_mechanism?: string;
    dpa?: string;
    status: string;
  }[];
  consent_notices: { key: string; name: string; data_uses: string[]; mechanism: string }[];
  retention_rules: {
    key: string;
    description?: string;
    action?: string;
    target: { dataset: string; collection: string };
  }[];
}

export interface CurrentProgram {
  version: number;
  hash: string;
  program: ProgramDoc;
  datasets: Dataset[];
}

export interface LintFinding {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  file: string;
  line: number;
  column: number;
  path: string;
}

export interface LintReport {
  version: number;
  findings: LintFinding[];
  counts: Record<'error' | 'warning' | 'info', number>;
}

/** Flattens nested fields to dotted paths (`address.city`). */
export function flattenFields(fields: DatasetField[], prefix = ''): { path: string; field: DatasetField }[] {
  return fields.flatMap((f) => {
    const path = prefix ? `${prefix}.${f.name}` : f.name;
    return [{ path, field: f }, ...(f.fields ? flattenFields(f.fields, path) : [])];
  });
}
