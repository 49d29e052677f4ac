/**
 * Custodian consent banner. One script tag:
 *   <script src="https://custodian.example/banner.js" data-site="…" data-lang="en" defer></script>
 * Scripts held as `<script type="text/plain" data-category="analytics">` run only after
 * consent to that category; `data-service` narrows them to one service. Any element with
 * `data-custodian-open` opens the choices; `data-custodian-withdraw` withdraws in one click.
 */
import { clearCookies, deviceId, load, pending, save, setPending } from './storage.ts';
import { css } from './styles.ts';
import type { Category, Config, Saved } from './types.ts';

const me = document.currentScript as HTMLScriptElement | null;
const data = me?.dataset ?? {};
const server = (data.server ?? (me?.src ? new URL(me.src).origin : location.origin)).replace(/\/$/, '');
const nonce = me?.nonce || data.nonce || '';
const HELD = 'script[type="text/plain"][data-category]';

let cfg: Config;
let saved = load();
let root: ShadowRoot;
let dialog: HTMLElement | undefined;
let returnFocus: Element | null = null;

// Consent Mode v2: everything but security storage is denied until a choice says otherwise.
function gtag(..._args: unknown[]): void {
  if (window.gtag) {
    window.gtag(..._args);
    return;
  }
  window.dataLayer ||= [];
  // biome-ignore lint/complexity/noArguments: gtag.js reads the Arguments object, not an array.
  window.dataLayer.push(arguments);
}
const signals: Record<string, string[]> = {
  analytics: ['analytics_storage'],
  marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'],
  functional: ['functionality_storage'],
  personalisation: ['personalization_storage'],
};
function consentMode(on: (category: string) => boolean): Record<string, string> {
  const m: Record<string, string> = { security_storage: 'granted' };
  for (const [cat, names] of Object.entries(signals))
    for (const n of names) m[n] = on(cat) ? 'granted' : 'denied';
  return m;
}
gtag('consent', 'default', { ...consentMode(() => false), wait_for_update: 500 });

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

const granted = (s: Saved | undefined, cat: Category) => s?.c[cat.key] ?? cat.mechanism !== 'opt_in';
/** A category is allowed when a notice shown as it is granted. */
function allowed(category: string): boolean {
  return (
    !!saved &&
    saved.v === cfg?.version &&
    cfg.categories.some((c) => c.category === category && granted(saved, c))
  );
}

function activate(): void {
  for (const held of Array.from(document.querySelectorAll<HTMLScriptElement>(HELD))) {
    const service = held.dataset.service;
    if (!allowed(held.dataset.category!) || (service && saved!.x.includes(service))) continue;
    const s = document.createElement('script');
    for (const a of Array.from(held.attributes)) if (a.name !== 'type') s.setAttribute(a.name, a.value);
    if (held.dataset.type) s.type = held.dataset.type;
    if (held.nonce) s.nonce = held.nonce;
    if (!held.src) s.text = held.text;
    held.replaceWith(s);
  }
}

function apply(previous?: Saved): void {
  gtag('consent', 'update', consentMode(allowed));
  for (const c of cfg.categories) {
    if (!granted(saved, c)) {
      if (!previous || granted(previous, c)) clearCookies(c.cookies);
    } else for (const s of c.services) if (saved!.x.includes(s.key)) clearCookies(s.cookies);
  }
  activate();
}

function flush(): void {
  const list = pending();
  setPending([]);
  for (const body of list) {
    fetch(`${server}/consent/events`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain' },
      keepalive: true,
      credentials: 'omit',
    })
      .then((r) => (r.ok ? r.json() : r.status >= 500 || r.status === 429 ? Promise.reject() : undefined))
      .then((j?: { receipt?: string }) => {
        if (j?.receipt && saved) save({ ...saved, r: j.receipt });
      })
      .catch(() => setPending([...pending(), body]));
  }
}
// Choices that could not be sent are sent again: on the next page, when back online, and by
// beacon when the page goes away.
addEventListener('online', flush);
addEventListener('pagehide', () => {
  const list = pending();
  const sent = list.filter((b) => navigator.sendBeacon?.(`${server}/consent/events`, b));
  setPending(list.filter((b) => !sent.includes(b)));
});

function choose(c: Record<string, boolean>, x: string[], gpc: boolean, method = 'banner'): void {
  const previous = saved;
  saved = { v: cfg.version, d: saved?.d ?? deviceId(), c, x, g: gpc };
  save(saved);
  // Each service inside an allowed category is recorded too: allowed unless switched off.
  const services: Record<string, boolean> = {};
  for (const k of cfg.categories)
    if (c[k.key]) for (const s of k.services) services[s.key] = !x.includes(s.key);
  setPending([
    ...pending(),
    JSON.stringify({
      site: data.site,
      device: saved.d,
      choices: c,
      services,
      version: cfg.version,
      wording_hash: cfg.wording_hash,
      method,
      gpc,
      page_url: location.href.split(/[?#]/)[0],
      jurisdiction: cfg.jurisdiction ?? undefined,
    }),
  ]);
  flush();
  apply(previous);
  close();
}

const gpcOn = () => navigator.globalPrivacyControl === true || cfg.gpc;
const all = (v: boolean) => Object.fromEntries(cfg.categories.map((c) => [c.key, v]));

function close(): void {
  dialog?.remove();
  dialog = undefined;
  floating();
  if (returnFocus instanceof HTMLElement) returnFocus.focus();
}

function floating(): void {
  root.querySelector('.f')?.remove();
  const f = el('div', { class: 'f', dir: cfg.dir, lang: cfg.lang });
  if (saved?.g) f.append(el('span', { class: 'g', role: 'status' }, `✓ ${cfg.texts.gpc}`));
  const b = el('button', { class: 'o', type: 'button' }, cfg.texts.settings);
  b.onclick = () => open(true);
  f.append(b);
  root.append(f);
}

function open(detail = false): void {
  if (dialog) return;
  returnFocus = document.activeElement;
  const t = cfg.texts;
  const gpc = gpcOn();
  const d = el('div', {
    class: 'b',
    role: 'dialog',
    'aria-modal': 'true',
    'aria-labelledby': 'ct',
    'aria-describedby': 'cb',
    dir: cfg.dir,
    lang: cfg.lang,
  });
  d.append(el('h2', { id: 'ct' }, t.title), el('p', { id: 'cb' }, t.body));
  if (gpc) d.append(el('p', { class: 'g', role: 'status' }, `✓ ${t.gpc}`));
  const panel = el('div', { class: 'p' });
  panel.hidden = !detail;
  const ess = el('div', { class: 'c' });
  const essLabel = el('label');
  const essBox = el('input', { type: 'checkbox', checked: '', disabled: '' });
  essLabel.append(essBox, `${t.essential} (${t.alwaysOn})`);
  ess.append(essLabel, el('p', {}, t.essentialBody));
  panel.append(ess);
  const boxes: [Category, HTMLInputElement][] = [];
  const serviceBoxes: [string, HTMLInputElement][] = [];
  for (const c of cfg.categories) {
    const row = el('div', { class: 'c' });
    const label = el('label');
    const box = el('input', { type: 'checkbox', 'data-k': c.key });
    box.checked = saved?.v === cfg.version ? granted(saved, c) : c.mechanism !== 'opt_in' && !(gpc && c.gpc);
    label.append(box, c.name);
    row.append(label, el('p', {}, c.description));
    if (c.services.length) {
      const det = el('details');
      det.append(el('summary', {}, `${t.services} (${c.services.length})`));
      const ul = el('ul');
      for (const s of c.services) {
        const li = el('li');
        const sl = el('label');
        const sb = el('input', { type: 'checkbox', 'data-s': s.key });
        sb.checked = !saved?.x.includes(s.key);
        sl.append(sb, s.name);
        li.append(sl, el('small', {}, ` ${t.cookies}: ${s.cookies.join(', ')}`));
        ul.append(li);
        serviceBoxes.push([s.key, sb]);
      }
      det.append(ul);
      row.append(det);
    }
    panel.append(row);
    boxes.push([c, box]);
  }
  d.append(panel);
  const actions = el('div', { class: 'a' });
  const button = (label: string, cls: string, fn: () => void) => {
    const b = el('button', { type: 'button', class: cls }, label);
    b.onclick = fn;
    actions.append(b);
    return b;
  };
  button(t.reject, '', () => choose(all(false), [], gpc));
  button(t.accept, '', () => choose(all(true), [], gpc));
  const more = button(t.customize, 'o', () => {
    panel.hidden = false;
    more.hidden = true;
    saveBtn.hidden = false;
    boxes[0]?.[1].focus();
  });
  const saveBtn = button(t.save, 'o', () =>
    choose(
      Object.fromEntries(boxes.map(([c, b]) => [c.key, b.checked])),
      serviceBoxes.filter(([, b]) => !b.checked).map(([k]) => k),
      gpc,
    ),
  );
  more.hidden = detail;
  saveBtn.hidden = !detail;
  d.append(actions);
  const policy = el('a', { href: cfg.policy_url }, t.policy);
  d.append(el('p'), policy);
  d.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && saved?.v === cfg.version) close();
    if (e.key !== 'Tab') return;
    const items = Array.from(d.querySelectorAll<HTMLElement>('button,input,a,summary')).filter(
      (x) => !x.closest('[hidden]') && !(x as HTMLInputElement).disabled && x.offsetParent !== null,
    );
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && root.activeElement === first) {
      last?.focus();
      e.preventDefault();
    } else if (!e.shiftKey && root.activeElement === last) {
      first?.focus();
      e.preventDefault();
    }
  });
  root.querySelector('.f')?.remove();
  root.append(d);
  dialog = d;
  (detail ? boxes[0]?.[1] : actions.querySelector('button'))?.focus();
}

async function start(): Promise<void> {
  const host = el('div', { id: 'custodian-consent' });
  document.body.append(host);
  root = host.attachShadow({ mode: 'open' });
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = el('style', nonce ? { nonce } : {}, css);
    root.append(style);
  }
  const q = new URLSearchParams({ lang: data.lang ?? document.documentElement.lang ?? 'en' });
  if (data.site) q.set('site', data.site);
  const res = await fetch(`${server}/consent/config?${q}`, { credentials: 'omit' }).catch(() => undefined);
  // Without a configuration nothing held runs: the safe default is no consent.
  if (!res?.ok) return;
  cfg = (await res.json()) as Config;
  window.Custodian = {
    open: () => open(true),
    withdraw: () => choose(all(false), [], gpcOn()),
    allowed,
  };
  document.addEventListener('click', (e) => {
    const t = e.target as Element;
    if (t.closest?.('[data-custodian-open]')) {
      e.preventDefault();
      open(true);
    } else if (t.closest?.('[data-custodian-withdraw]')) {
      // Withdrawal in one click, as easy as giving consent.
      e.preventDefault();
      choose(all(false), [], gpcOn());
    }
  });
  // Single-page apps add held scripts later: run them only if their category is allowed.
  new MutationObserver(() => saved && activate()).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  flush();
  if (saved && saved.v === cfg.version) {
    apply();
    floating();
    return;
  }
  // An opt-out preference signal is honoured without asking; a prompt remains only for
  // opt-in categories still unanswered.
  if (gpcOn() && cfg.categories.every((c) => c.gpc || c.mechanism !== 'opt_in')) {
    choose(Object.fromEntries(cfg.categories.map((c) => [c.key, !c.gpc])), [], true, 'gpc');
    return;
  }
  open();
}

if (document.body) void start();
else addEventListener('DOMContentLoaded', () => void start());
