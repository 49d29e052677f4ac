import { type ComponentType, lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ApiError, api, onUnauthorized, storedKey, storeKey } from './api.ts';
import { ErrorNotice, Loading } from './components/states.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { type Session, SessionContext } from './session.ts';
import { SignIn } from './sign-in.tsx';

interface PageDef {
  path: string;
  label: string;
  component: ComponentType;
}

// Each page is its own chunk: the first load carries only the shell and the page shown.
const pages: PageDef[] = [
  { path: '/', label: 'Overview', component: lazy(() => import('./pages/overview.tsx')) },
  { path: '/requests', label: 'Requests', component: lazy(() => import('./pages/requests.tsx')) },
  { path: '/data-map', label: 'Data map', component: lazy(() => import('./pages/data-map.tsx')) },
  { path: '/notice', label: 'Notice', component: lazy(() => import('./pages/notice.tsx')) },
  { path: '/consent', label: 'Consent', component: lazy(() => import('./pages/consent.tsx')) },
  { path: '/retention', label: 'Retention', component: lazy(() => import('./pages/retention.tsx')) },
  { path: '/governance', label: 'Governance', component: lazy(() => import('./pages/governance.tsx')) },
  { path: '/settings', label: 'Settings', component: lazy(() => import('./pages/settings.tsx')) },
];

function pageFor(path: string): PageDef | undefined {
  if (path === '/' || path === '') return pages[0];
  return pages.find((p) => p.path !== '/' && (path === p.path || path.startsWith(`${p.path}/`)));
}

type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; reason?: string }
  | { status: 'signed-in'; session: Session }
  | { status: 'error'; error: ApiError };

export function App() {
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  const { path } = useLocation();

  const check = useCallback(async (reason?: string) => {
    try {
      const me = await api<Omit<Session, 'via'>>('GET', '/api/workspace');
      setState({ status: 'signed-in', session: { ...me, via: storedKey() ? 'key' : 'session' } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        storeKey(null);
        setState({ status: 'signed-out', ...(reason ? { reason } : {}) });
      } else setState({ status: 'error', error: error as ApiError });
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  useEffect(
    () =>
      onUnauthorized(() => {
        storeKey(null);
        setState({
          status: 'signed-out',
          reason: 'Your session ended or the key was revoked. Sign in again.',
        });
      }),
    [],
  );

  const signOut = async () => {
    if (!storedKey()) {
      // A console session: the server ends it and clears its cookies.
      await api('POST', '/auth/sign-out', { body: {} }).catch(() => undefined);
    }
    storeKey(null);
    setState({ status: 'signed-out' });
  };

  if (state.status === 'checking') return <Loading label="Opening the console…" />;
  if (state.status === 'error')
    return (
      <main className="centered">
        <ErrorNotice error={state.error} onRetry={() => void check()} />
      </main>
    );
  if (state.status === 'signed-out') return <SignIn reason={state.reason} onSignedIn={() => void check()} />;

  const current = pageFor(path);
  const Page = current?.component;
  const { session } = state;
  return (
    <SessionContext.Provider value={session}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <header className="topbar">
          <Link to="/" className="brand">
            Custodian
          </Link>
          <span className="workspace" title="Workspace">
            {session.workspace.name}
          </span>
          <span className="who">
            {session.actor} · <span className="role">{session.role}</span>
          </span>
          <button type="button" className="ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </header>
        <nav className="sidebar" aria-label="Console">
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <Link to={p.path} aria-current={current === p ? 'page' : undefined}>
                  {p.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content">
          {Page ? (
            <Suspense fallback={<Loading />}>
              <Page key={current?.path} />
            </Suspense>
          ) : (
            <div className="state state-empty">
              <h1>Page not found</h1>
              <p>
                There is no console page at <code>{path}</code>.{' '}
                <button type="button" className="link" onClick={() => navigate('/')}>
                  Go to the overview
                </button>
              </p>
            </div>
          )}
        </main>
      </div>
    </SessionContext.Provider>
  );
}
