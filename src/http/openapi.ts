import { z } from 'zod';
import { registeredRoutes } from './route.ts';

function jsonSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}

/** The OpenAPI 3.1 document, built from the same zod schemas that validate requests. */
export function openApiDocument(publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of registeredRoutes()) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const name of spec.path.match(/:(\w+)/g) ?? []) {
      parameters.push({ name: name.slice(1), in: 'path', required: true, schema: { type: 'string' } });
    }
    if (spec.query) {
      const schema = jsonSchema(spec.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s });
      }
    }
    paths[path] ??= {};
    paths[path][spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.role === 'public'
        ? { security: [] }
        : { description: `Requires the ${spec.role} role or higher.` }),
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(spec.body) } },
            },
          }
        : {}),
      responses: {
        '200': {
          description: 'OK',
          ...(spec.response
            ? { content: { 'application/json': { schema: jsonSchema(spec.response) } } }
            : {}),
        },
        '4XX': { description: 'Error: `{"error":{"code","message","details"}}`' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Custodian API',
      version: '0.1.0',
      description: 'Privacy program, requests, consent, retention and governance.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key (cus_…)' } },
    },
    security: [{ apiKey: [] }],
    paths,
  };
}
