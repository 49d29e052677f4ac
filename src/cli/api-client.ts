import { CliError } from './cli-context.ts';

/** Calls the Custodian server named by CUSTODIAN_URL with CUSTODIAN_API_KEY. */
export async function callApi(
  env: NodeJS.ProcessEnv,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const base = (env.CUSTODIAN_URL ?? 'http://localhost:7070').replace(/\/$/, '');
  const key = env.CUSTODIAN_API_KEY;
  if (!key)
    throw new CliError(
      'set CUSTODIAN_API_KEY to an API key (the owner key is in .custodian/owner-key after the first start)',
    );
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new CliError(
      `cannot reach the server at ${base} (${(err as Error).message}); start it with \`npm start\` or set CUSTODIAN_URL`,
    );
  }
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // non-JSON body: keep the text
  }
  return { status: response.status, json };
}

/** The `{"error":{…}}` body as one readable line. */
export function describeApiError(status: number, json: unknown): string {
  const error = (json as { error?: { code?: string; message?: string; details?: unknown } })?.error;
  if (!error) return `server answered ${status}`;
  const details = Array.isArray(error.details)
    ? `\n${(error.details as { path?: string; message?: string }[]).map((d) => `  ${d.path}: ${d.message}`).join('\n')}`
    : '';
  return `${error.message ?? error.code} (${status})${details}`;
}
