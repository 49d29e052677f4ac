import type { Saved } from './types.ts';

const NAME = 'custodian_consent';
const PENDING = 'custodian_pending';

export function load(): Saved | undefined {
  const m = document.cookie.match(/(?:^|; )custodian_consent=([^;]*)/);
  let raw = m ? decodeURIComponent(m[1]!) : null;
  try {
    raw ??= localStorage.getItem(NAME);
  } catch {}
  try {
    const v = raw ? (JSON.parse(raw) as Saved) : undefined;
    return v && typeof v.v === 'number' && typeof v.d === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function save(s: Saved): void {
  const json = JSON.stringify(s);
  const secure = location.protocol === 'https:' ? ';Secure' : '';
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing in Firefox and Safari.
  document.cookie = `${NAME}=${encodeURIComponent(json)};path=/;max-age=15552000;SameSite=Lax${secure}`;
  try {
    localStorage.setItem(NAME, json);
  } catch {}
}

export function deviceId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Deletes cookies by name or `prefix*` pattern, on this host and its parent domains. */
export function clearCookies(names: string[]): void {
  const parts = location.hostname.split('.');
  const domains = [''];
  for (let i = 0; i < parts.length - 1; i++) domains.push(`;domain=.${parts.slice(i).join('.')}`);
  for (const c of document.cookie.split('; ')) {
    const name = c.split('=')[0]!;
    if (!names.some((n) => (n.endsWith('*') ? name.startsWith(n.slice(0, -1)) : n === name))) continue;
    for (const d of domains) {
      // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing in Firefox and Safari.
      document.cookie = `${name}=;path=/;max-age=0${d}`;
    }
  }
}

export function pending(): string[] {
  try {
    return JSON.parse(localStorage.getItem(PENDING) ?? '[]') as string[];
  } catch {
    return [];
  }
}

export function setPending(list: string[]): void {
  try {
    localStorage.setItem(PENDING, JSON.stringify(list));
  } catch {}
}
