import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

/** The console lives under /console; routes below are paths relative to it. */
export const base = '/console';

function currentPath(): string {
  const p = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : location.pathname;
  return p === '' ? '/' : p;
}

const listeners = new Set<() => void>();
let navigated = false;

/** True once the person has moved between pages in this load (not on the first page shown). */
export function hasNavigated(): boolean {
  return navigated;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  navigated = true;
  const url = base + to;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l();
}

/** The current route (path and query), re-rendering on navigation and back/forward. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((t) => t + 1);
    const onPop = () => {
      navigated = true;
      update();
    };
    listeners.add(update);
    window.addEventListener('popstate', onPop);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', onPop);
    };
  }, []);
  return { path: currentPath(), search: new URLSearchParams(location.search) };
}

/** Replaces the query string of the current route (filters), keeping history short. */
export function setSearch(params: Record<string, string | undefined>): void {
  const search = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v) search.set(k, v);
    else search.delete(k);
  }
  const s = search.toString();
  navigate(`${currentPath()}${s ? `?${s}` : ''}`, { replace: true });
}

/** A real link (middle-click and copy work) that navigates in place on a plain click. */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a {...rest} href={base + to} onClick={onClick} />;
}
