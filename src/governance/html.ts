import { escapeHtml } from '../escape-html.ts';

export { escapeHtml };

/** A small server-rendered page (no scripts) for the public governance pages. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
button{font:inherit;padding:.5rem 1rem;margin-right:.5rem}label{display:block;margin:.5rem 0}
input,textarea,select{font:inherit;width:100%;max-width:30rem}.note{color:#555}.error{color:#a00}</style>
</head><body>
${body}
</body></html>`;
}
