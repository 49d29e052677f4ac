const defaultBrand = '#1f4e79';

/** Whether `value` is a #rrggbb colour (the only form the stylesheet accepts). */
export function isBrandColor(value: string | undefined): value is string {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value);
}

/**
 * The language switcher (`languageSwitcher`) as white pills on a header of the brand colour
 * (`--brand`); the privacy center and preference pages put the same rules in their own styles.
 */
export const languageSwitcherStyles = `.langs{margin-left:auto}
.langs ul{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:0}
.langs a{display:block;color:#fff;text-decoration:none;font-size:.95rem;padding:.15rem .65rem;border:1px solid transparent;border-radius:999px}
.langs a:hover{border-color:#fff}
.langs a[aria-current]{background:#fff;color:var(--brand);font-weight:600}
.langs a:focus-visible{outline-color:#fff}`;

/**
 * The notice's stylesheet, tinted with the organisation's brand colour. Served as a file
 * (`/privacy/notice.css`) so the page works under a strict Content-Security-Policy with no
 * inline styles; the page reads well without it and prints cleanly with it.
 */
export function noticeStylesheet(brand?: string): string {
  const color = isBrandColor(brand) ? brand.toLowerCase() : defaultBrand;
  return `:root{--brand:${color};--ink:#1d2430;--muted:#5b6472;--line:#d9dee5;--soft:#f4f6f9}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;color:var(--ink);background:#fff;font:1rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--brand)}
a:focus-visible{outline:3px solid var(--brand);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem}
.skip:focus{left:1rem;z-index:2}
.site{background:var(--brand);color:#fff}
.site .wrap{display:flex;align-items:center;gap:.75rem;padding-top:1rem;padding-bottom:1rem}
.site .org{margin:0;font-weight:700;font-size:1.25rem;letter-spacing:.01em}
.site img{max-height:2rem;width:auto}
.wrap{max-width:60rem;margin:0 auto;padding:0 1.25rem}
main{padding-bottom:3rem}
h1{font-size:2.25rem;line-height:1.2;margin:2rem 0 .25rem}
h2{font-size:1.5rem;margin:2.5rem 0 .75rem;padding-bottom:.35rem;border-bottom:3px solid var(--brand)}
h3{font-size:1.15rem;margin:1.75rem 0 .5rem}
.meta{color:var(--muted);margin:0 0 1.5rem}
.meta span+span::before{content:" · "}
nav.toc{background:var(--soft);border-left:4px solid var(--brand);padding:.75rem 1.25rem;margin:1.5rem 0}
nav.toc h2{border:0;font-size:1rem;margin:.25rem 0;padding:0;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
nav.toc ol{margin:.25rem 0;padding-left:1.25rem;columns:2;column-gap:2rem}
dl.fields{display:grid;grid-template-columns:minmax(10rem,max-content) 1fr;gap:.35rem 1.25rem;margin:1rem 0}
dl.fields dt{font-weight:600}
dl.fields dd{margin:0}
table{width:100%;border-collapse:collapse;margin:.75rem 0 1.5rem;font-size:.95rem}
caption{text-align:left;font-weight:600;color:var(--muted);padding:.25rem 0;caption-side:top}
th,td{text-align:left;vertical-align:top;padding:.5rem .65rem;border-bottom:1px solid var(--line)}
thead th{background:var(--soft);border-bottom:2px solid var(--brand)}
tbody th{font-weight:600;width:14rem}
table.wide tbody th{width:auto}
.note{background:var(--soft);border-left:4px solid var(--muted);padding:.5rem 1rem;margin:1rem 0}
.note strong{margin-right:.25rem}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem;padding:1.5rem 0 3rem}
${languageSwitcherStyles}
.lang-note{background:var(--soft);border-left:4px solid var(--brand);padding:.6rem 1rem;margin:1.5rem 0 0}
.narrow{max-width:40rem}
.narrow .subscribe{margin-top:1.5rem}
.subscribe{margin:3rem 0 0;padding:1.5rem 1.5rem 1.25rem;background:var(--soft);border-top:4px solid var(--brand)}
.subscribe h2{border:0;margin:0 0 .5rem;padding:0;font-size:1.3rem}
.subscribe p{margin:0 0 1rem;max-width:44rem}
.subscribe label{display:block;font-weight:600;margin-bottom:.35rem}
.field{display:flex;flex-wrap:wrap;gap:.5rem;max-width:36rem}
.field input{flex:1 1 16rem;min-width:0;font:inherit;color:var(--ink);background:#fff;padding:.55rem .75rem;border:1px solid #8a94a3;border-radius:4px}
.field input[aria-invalid=true]{border:2px solid #a4262c}
button{font:inherit;font-weight:600;color:#fff;background:var(--brand);padding:.55rem 1.25rem;border:2px solid var(--brand);border-radius:4px;cursor:pointer}
button:hover{background:var(--ink);border-color:var(--ink)}
input:focus-visible,button:focus-visible{outline:3px solid var(--brand);outline-offset:2px}
.subscribe .hint{color:var(--muted);font-size:.9rem;margin:.5rem 0 0}
.field-error{color:#a4262c;font-weight:600;margin:0 0 .5rem}
.done{background:#e9f5ee;border-left:4px solid #1b6b3a;padding:.75rem 1rem}
.problem{background:#fdecea;border-left:4px solid #a4262c;padding:.75rem 1rem}
@media (max-width:40rem){nav.toc ol{columns:1}dl.fields{grid-template-columns:1fr}tbody th{width:auto}h1{font-size:1.6rem;overflow-wrap:break-word}.site .wrap{flex-wrap:wrap;row-gap:.5rem}.langs{flex-basis:100%;margin-left:-.65rem}.subscribe{padding:1.25rem 1rem 1rem}}
@media print{.site{background:none;color:#000;border-bottom:2px solid #000}.skip,nav.toc,.langs,.subscribe{display:none}a{color:#000}a[href^="http"]::after{content:" (" attr(href) ")";font-size:.85em}h2,h3{break-after:avoid}tr{break-inside:avoid}body{font-size:11pt}}
`;
}
