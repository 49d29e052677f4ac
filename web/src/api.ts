/**
 * The console talks only to Custodian's public HTTP API, with the same credentials any
 * client uses: a pasted API key sent as a Bearer token, or a console session cookie.
 */

const keyStorage = 'custodian.apiKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(keyStorage);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(keyStorage, key);
  else sessionStorage.removeItem(keyStorage);
}

/** An error answer from the API, with its closed code and field details. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The server has no such route: the feature is not on this server (yet). */
  get unavailable(): boolean {
    return this.status === 404 && this.message.startsWith('no route for');
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the API says the credentials are gone (expired session, revoked key). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface CallOptions {
  body?: unknown;
  signal?: AbortSignal;
}

async function send(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = storedKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  // A console session proves changes come from the console by echoing its CSRF cookie.
  const csrf = document.cookie.match(/(?:^|;\s*)custodian_csrf=([^;]+)/)?.[1];
  if (csrf && method !== 'GET') headers['x-csrf-token'] = decodeURIComponent(csrf);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      // The server's page policy is no-referrer, under which Chromium sends `Origin: null` on
      // POSTs; the server's CSRF check needs the real origin, which this policy sends.
      referrerPolicy: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'the server could not be reached; check that it is running');
  }
  if (!response.ok) {
    let code = 'http_error';
    let message = `${response.status} ${response.statusText}`;
    let details: unknown;
    try {
      const json = (await response.json()) as {
        error?: { code?: string; message?: string; details?: unknown };
      };
      if (json.error?.code) code = json.error.code;
      if (json.error?.message) message = json.error.message;
      details = json.error?.details;
    } catch {
      // A non-JSON error body (a proxy's page): keep the status line as the message.
    }
    if (response.status === 401) for (const l of unauthorizedListeners) l();
    throw new ApiError(response.status, code, message, details);
  }
  return response;
}

/** Calls the API and returns its JSON answer; throws ApiError on any non-2xx answer. */
export async function api<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Downloads a response (CSV, JSON, ZIP export) as a file the browser saves. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await send('GET', path);
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = disposition.match(/filename="?([^";]+)"?/)?.[1] ?? fallbackName;
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Builds a query string, leaving out empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

let operations: Promise<Set<string>> | undefined;

/**
 * Whether this server offers an operation (`post /api/retention/runs`), from its OpenAPI
 * document: actions the server lacks are not offered as buttons that could only fail.
 */
export function serverOffers(method: string, path: string): Promise<boolean> {
  operations ??= fetch('/openapi.json')
    .then((r) => r.json() as Promise<{ paths?: Record<string, Record<string, unknown>> }>)
    .then(
      (doc) =>
        new Set(
          Object.entries(doc.paths ?? {}).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)),
        ),
    )
    .catch(() => new Set<string>());
  return operations.then((ops) => ops.has(`${method.toLowerCase()} ${path}`));
}
