import type { IncomingMessage } from 'node:http';
import { decideWithApiKey } from '../consent/decide.ts';
import { decideTogether } from '../consent/decide-together.ts';
import { subjectSchema } from '../consent/record-consent.ts';
import { hashKey } from '../governance/api-keys.ts';
import { requestIdFrom, securityHeaderValues, servedOverTls } from './security-headers.ts';
import type { Services } from './services.ts';

const decisionPath = '/api/decisions';
const gpcValues = new Set(['true', 'false', '1', '0']);

/**
 * The decision API's usual question — `GET /api/decisions?subject=…&purpose=…[&gpc=…]`
 * with an API key — answered before the router and its middleware, which cost more than
 * the decision itself under load. It answers only what it can answer exactly as the routed
 * `/api/decisions` would (same JSON, same security headers, fresh read of the database);
 * anything else (no or unknown key, an e-mail subject, an invalid query or service, an
 * error) returns undefined and the request takes the routed path, which gives the full
 * error responses. Questions arriving together share one query; a question naming a
 * service is asked on its own (its service is checked against the program).
 */
export function decisionFastPath(
  services: Services,
): (request: Request, env: unknown) => Promise<Response | undefined> | undefined {
  return (request, env) => {
    if (request.method !== 'GET') return undefined;
    const url = request.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    const queryStart = url.indexOf('?', pathStart);
    if (queryStart < 0 || url.slice(pathStart, queryStart) !== decisionPath) return undefined;
    const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const header = (name: string): string | null | undefined =>
      incoming ? (incoming.headers[name] as string | undefined) : request.headers.get(name);
    const key = header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!key) return undefined;
    const params = new URLSearchParams(url.slice(queryStart + 1));
    const subject = params.get('subject');
    const purpose = params.get('purpose');
    const gpcParam = params.get('gpc');
    const service = params.get('service') ?? undefined;
    const simple =
      subject !== null &&
      purpose !== null &&
      purpose.length >= 1 &&
      purpose.length <= 200 &&
      (gpcParam === null || gpcValues.has(gpcParam)) &&
      (service === undefined || (service.length >= 1 && service.length <= 100)) &&
      subjectSchema.safeParse(subject).success;
    if (!simple) return undefined;
    const gpc = gpcParam === 'true' || gpcParam === '1' || header('sec-gpc') === '1';
    const asked =
      service === undefined
        ? decideTogether(services.store.db, hashKey(key), { subject, purpose, gpc })
        : decideWithApiKey(services.store.db, hashKey(key), [{ subject, purpose, gpc, service }]).then(
            (decisions) => (Array.isArray(decisions) ? decisions[0] : decisions),
          );
    return asked.then(
      (decision) => {
        if (decision === undefined || decision === 'fallback') return undefined;
        const tls = servedOverTls(url, header('x-forwarded-proto'), services.publicUrl);
        return new Response(JSON.stringify(decision), {
          status: 200,
          headers: {
            'content-type': 'application/json',
            ...securityHeaderValues(tls),
            'X-Request-Id': requestIdFrom(header('x-request-id')),
          },
        });
      },
      () => undefined,
    );
  };
}
