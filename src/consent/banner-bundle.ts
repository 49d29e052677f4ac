import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const bannerEntry = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../banner/src/main.ts',
);

export interface BannerBundle {
  code: string;
  etag: string;
  bytes: number;
  gzipBytes: number;
}

let built: Promise<BannerBundle> | undefined;

/**
 * The banner as one minified IIFE, built from `banner/src` with esbuild the first time it
 * is asked for (the server serves it at /banner.js), so no separate build step is needed.
 */
export function bannerBundle(): Promise<BannerBundle> {
  built ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [bannerEntry],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      write: false,
      legalComments: 'none',
      charset: 'utf8',
    });
    const code = result.outputFiles[0]!.text;
    return {
      code,
      etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 22)}"`,
      bytes: Buffer.byteLength(code),
      gzipBytes: gzipSync(code, { level: 9 }).length,
    };
  })();
  built.catch(() => {
    built = undefined;
  });
  return built;
}
