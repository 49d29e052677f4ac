import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors.ts';

export interface WriteScaffoldOptions {
  /** Folder to write into (created if missing). */
  dir: string;
  /** Overwrite existing files instead of refusing. */
  force?: boolean;
}

/** Files `custodian init` writes, relative to the target folder, and their templates. */
const files = [
  { target: 'custodian.yaml', template: 'custodian.yaml' },
  { target: path.join('datasets', 'example.yml'), template: 'datasets-example.yml' },
] as const;

/**
 * Writes a starter program whose comments teach the format. Refuses to replace any
 * existing file unless `force` is set, so a real program is never lost to a typo.
 */
export async function writeScaffold(options: WriteScaffoldOptions): Promise<string[]> {
  const targets = files.map((f) => ({ ...f, path: path.join(options.dir, f.target) }));
  if (!options.force) {
    const existing: string[] = [];
    for (const t of targets) if (await stat(t.path).catch(() => undefined)) existing.push(t.path);
    if (existing.length) {
      throw new AppError('conflict', `${existing.join(' and ')} already exist; use --force to overwrite`, {
        details: { existing },
      });
    }
  }
  await mkdir(path.join(options.dir, 'datasets'), { recursive: true });
  for (const t of targets) {
    const text = await readFile(new URL(`./${t.template}`, import.meta.url), 'utf8');
    await writeFile(t.path, text);
  }
  return targets.map((t) => t.path);
}
