import { type ReactNode, useEffect, useRef } from 'react';
import { hasNavigated } from '../router.tsx';

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  // After a move between pages, focus the new heading so keyboard and screen-reader users
  // land on it; on the first page the browser's own order (skip link first) applies.
  useEffect(() => {
    if (hasNavigated()) ref.current?.focus();
  }, []);
  return (
    <header className="page-header">
      <div>
        <h1 tabIndex={-1} ref={ref}>
          {title}
        </h1>
        {description && <p className="lede">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({
  title,
  children,
  actions,
  className,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  const id = `card-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={id}>
      <div className="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export type Tone = 'neutral' | 'good' | 'warn' | 'bad' | 'info';

/** Labels (e.g. data categories) as a wrapping row of neutral badges. */
export function BadgeList({ items }: { items: readonly string[] }) {
  return (
    <div className="tag-list">
      {items.map((item) => (
        <Badge key={item}>{item}</Badge>
      ))}
    </div>
  );
}

/** Cursor pagination driven by the server: keeps the cursors seen so "Previous" works. */
export function Pager({
  cursors,
  nextCursor,
  onChange,
}: {
  cursors: string[];
  nextCursor: string | null | undefined;
  onChange: (cursors: string[]) => void;
}) {
  if (!nextCursor && cursors.length === 0) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={cursors.length === 0} onClick={() => onChange(cursors.slice(0, -1))}>
        ← Newer
      </button>
      <span>Page {cursors.length + 1}</span>
      <button
        type="button"
        disabled={!nextCursor}
        onClick={() => nextCursor && onChange([...cursors, nextCursor])}
      >
        Older →
      </button>
    </nav>
  );
}

/** A modal dialog (native <dialog>: focus is trapped and Escape closes it). */
export function Modal({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="modal" aria-labelledby="modal-title" onClose={onClose}>
      <div className="modal-head">
        <h2 id="modal-title">{title}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close">
          ×
        </button>
      </div>
      {open && children}
    </dialog>
  );
}

/** Colour of a retention run's status. */
export const runTone = (status: string): Tone =>
  status === 'succeeded' ? 'good' : status === 'failed' ? 'bad' : status === 'running' ? 'info' : 'neutral';
