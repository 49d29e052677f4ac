import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideWithApiKey } from '../consent/decide.ts';
import { decideTogether } from '../consent/decide-together.ts';
import { subjectSchema } from '../consent/record-consent.ts';
import { hashKey } from '../governance/api-keys.ts';
import { requestIdFrom, securityHeaderValues, servedOverTls } from './security-headers.ts';
import type { Services } from './services.ts';

const decisionPath = '/api/decisions?';
const gpcValues = new Set(['true', 'false', '1', '0']);

/**
 * The decision API's usual question — `GET /api/decisions?subject=…&purpose=…[&gpc=…]`
 * with an API key — answered on the Node request itself, before the web framework builds a
 * Request for the router and its middleware, which under load cost more than the decision.
 * It answers only what it can answer exactly as the routed `/api/decisions` would (same
 * JSON, same security headers, fresh read of the database); for anything else (no or
 * unknown key, an e-mail subject, an invalid query or service, an error) it calls `routed`,
 * which gives the full error responses. Returns false when the request is not its question
 * at all. Questions arriving together share one query; a question naming a service is asked
 * on its own (its service is checked against the program).
 */
export function decisionFastPath(
  services: Services,
): (request: IncomingMessage, response: ServerResponse, routed: () => void) => boolean {
  return (request, response, routed) => {
    const url = request.url;
    if (request.method !== 'GET' || url === undefined || !url.startsWith(decisionPath)) return false;
    const headers = request.headers;
    const key = headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!key) return false;
    const params = new URLSearchParams(url.slice(decisionPath.length));
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
    if (!simple) return false;
    const gpc = gpcParam === 'true' || gpcParam === '1' || headers['sec-gpc'] === '1';
    const asked =
      service === undefined
        ? decideTogether(services.store.db, hashKey(key), { subject, purpose, gpc })
        : decideWithApiKey(services.store.db, hashKey(key), [{ subject, purpose, gpc, service }]).then(
            (decisions) => (Array.isArray(decisions) ? decisions[0] : decisions),
          );
    asked
      .then((decision) => {
        if (decision === undefined || decision === 'fallback') return routed();
        // This server speaks plain HTTP: TLS is a proxy's (X-Forwarded-Proto) or the public URL's.
        const forwarded = headers['x-forwarded-proto'];
        const tls = servedOverTls(
          'http:',
          typeof forwarded === 'string' ? forwarded : undefined,
          services.publicUrl,
        );
        const requestId = headers['x-request-id'];
        response.writeHead(200, {
          'content-type': 'application/json',
          ...securityHeaderValues(tls),
          'X-Request-Id': requestIdFrom(typeof requestId === 'string' ? requestId : undefined),
        });
        response.end(JSON.stringify(decision));
      })
      // A failed read is answered by the routed path, with its full error handling.
      .catch(() => (response.headersSent ? response.destroy() : routed()));
    return true;
  };
}
