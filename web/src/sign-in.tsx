import { type FormEvent, useState } from 'react';
import { ApiError, api, storeKey } from './api.ts';
import { TextField } from './components/form.tsx';

/**
 * Two ways in: a console user's email and password (a session cookie), or an API key
 * pasted from `.custodian/owner-key` (kept in this tab's sessionStorage only).
 */
export function SignIn({ reason, onSignedIn }: { reason?: string | undefined; onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const withPassword = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      storeKey(null);
      await api('POST', '/auth/sign-in', { body: { email, password } });
      onSignedIn();
    } catch (err) {
      const apiError = err instanceof ApiError ? err : null;
      setError(
        apiError?.unavailable
          ? 'Password sign-in is not available on this server yet. Sign in with an API key below.'
          : (apiError?.message ?? String(err)),
      );
    } finally {
      setBusy(false);
    }
  };

  const withKey = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setKeyError(null);
    const trimmed = key.trim();
    storeKey(trimmed);
    try {
      await api('GET', '/api/workspace');
      onSignedIn();
    } catch (err) {
      storeKey(null);
      setKeyError(
        err instanceof ApiError && err.status === 401
          ? 'The server does not accept this key. Check that it is complete and not revoked.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <h1>Sign in to Custodian</h1>
      {reason && (
        <p className="notice" role="status">
          {reason}
        </p>
      )}
      <section aria-labelledby="pw-title" className="card">
        <h2 id="pw-title">With your console account</h2>
        <form onSubmit={withPassword}>
          <TextField
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={setEmail}
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={setPassword}
          />
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      </section>
      <section aria-labelledby="key-title" className="card">
        <h2 id="key-title">With an API key</h2>
        <p className="hint">
          On the server's first start the owner key is written to <code>.custodian/owner-key</code>. It stays
          in this browser tab only and is sent as a Bearer token.
        </p>
        <form onSubmit={withKey}>
          <TextField
            label="API key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={key}
            onChange={setKey}
          />
          {keyError && (
            <p className="form-error" role="alert">
              {keyError}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            Use this key
          </button>
        </form>
      </section>
    </main>
  );
}
