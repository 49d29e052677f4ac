import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';
import type { Loaded } from '../use-api.ts';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** The API has no route for this feature: say so plainly instead of showing made-up data. */
export function Unavailable({ feature }: { feature: string }) {
  return (
    <div className="state state-unavailable" role="note">
      <strong>{feature}: not available on this server yet.</strong>
      <p>This Custodian server does not offer the API behind this view. Upgrade the server to use it.</p>
    </div>
  );
}

export function ErrorNotice({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>{error.status === 403 ? 'Not allowed' : 'Something went wrong'}</strong>
      <p>{error.message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** An empty list that teaches the next step. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

/** Renders the loading, unavailable and error states of a load, or its data. */
export function Async<T>({
  loaded,
  feature,
  children,
  notFound,
}: {
  loaded: Loaded<T> & { reload?: () => void };
  feature: string;
  children: (data: T) => ReactNode;
  /** What to show for a 404 that is not a missing route (e.g. no program yet). */
  notFound?: ReactNode;
}) {
  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'error') {
    if (loaded.error.unavailable) return <Unavailable feature={feature} />;
    if (loaded.error.status === 404 && notFound) return <>{notFound}</>;
    return <ErrorNotice error={loaded.error} {...(loaded.reload ? { onRetry: loaded.reload } : {})} />;
  }
  return <>{children(loaded.data)}</>;
}

/** Inline error for a form or action. */
export function FormError({ error }: { error: ApiError | null }) {
  if (!error) return null;
  const details = Array.isArray(error.details)
    ? (error.details as { path?: string; message?: string }[])
    : [];
  return (
    <div className="form-error" role="alert">
      {error.unavailable ? 'This action is not available on this server yet.' : error.message}
      {details.length > 0 && (
        <ul>
          {details.map((d) => (
            <li key={`${d.path}:${d.message}`}>
              {d.path}: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The empty state of every view that reads the program, before the first push. */
export const noProgram = (
  <Empty title="No program yet">
    Describe your systems, datasets and activities in <code>custodian.yaml</code> (start with{' '}
    <code>npx custodian init</code>), then load it with <code>npx custodian push</code>.
  </Empty>
);
