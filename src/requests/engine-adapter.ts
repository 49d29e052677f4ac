import { openConnectors } from '../connectors/open-connectors.ts';
import { AppError } from '../errors.ts';
import { namespaceOf } from '../execution/build-graph.ts';
import type { CollectionResult } from '../execution/collection-result.ts';
import type { ErasurePolicy } from '../execution/masking.ts';
import { runAccess } from '../execution/run-access.ts';
import { runErasure } from '../execution/run-erasure.ts';
import { runRectification } from '../execution/run-rectification.ts';
import type { Program } from '../program/load-program.ts';
import type {
  EngineCollectionResult,
  EngineConnections,
  EngineRunInput,
  EngineRunOutput,
  RequestEngine,
} from './engine-port.ts';

function toPort(r: CollectionResult): EngineCollectionResult {
  return { collection: r.collection, status: r.status, rows: r.rows, error: r.error, reason: r.reason };
}

/**
 * The real engine behind the port: src/execution's runAccess, runErasure and
 * runRectification. Connections come from the environment unless a caller (a test)
 * hands connectors in.
 */
export function executionEngine(
  connections: EngineConnections = {},
  options: { erasurePolicy?: ErasurePolicy | undefined } = {},
): RequestEngine {
  return {
    async run(input: EngineRunInput): Promise<EngineRunOutput> {
      const common = { identities: input.identities, connectors: connections };
      if (input.type === 'access' || input.type === 'portability') {
        const result = await runAccess(input.program, {
          ...common,
          ...(input.packagePath ? { packageTo: input.packagePath } : {}),
        });
        return {
          results: result.results.map(toPort),
          ...(result.package?.location
            ? { package: { location: result.package.location, bytes: result.package.bytes } }
            : {}),
        };
      }
      if (input.type === 'erasure') {
        const result = await runErasure(input.program, {
          ...common,
          dryRun: input.dryRun,
          // An explicit policy (settings, tests) wins over the program's own erasure_policy.
          ...(options.erasurePolicy
            ? { policy: options.erasurePolicy }
            : input.program.doc.erasure_policy
              ? { policy: input.program.doc.erasure_policy }
              : {}),
          ...(input.dryRun ? {} : { journal: input.journal }),
        });
        return { results: result.results.map(toPort) };
      }
      const corrections = Object.entries(input.correction ?? {}).map(([field, value]) => ({ field, value }));
      if (corrections.length === 0) throw new AppError('bad_request', 'the request holds no correction');
      const result = await runRectification(input.program, {
        ...common,
        corrections,
        dryRun: input.dryRun,
        ...(input.dryRun ? {} : { journal: input.journal }),
      });
      return { results: result.results.map(toPort) };
    },
    findCustomers: (program, identities) => findCustomerAccounts(program, identities, connections),
  };
}

/**
 * Which business customers a person belongs to, through the systems' `customer_link`
 * (`collection.field` holding the customer's account id) read with the person's identities.
 */
export async function findCustomerAccounts(
  program: Program,
  identities: Record<string, string[]>,
  connections: EngineConnections = {},
): Promise<string[]> {
  const links = program.doc.systems.flatMap((s) => (s.customer_link ? [s.customer_link] : []));
  if (links.length === 0) return [];
  const set = openConnectors(program, connections);
  const found = new Set<string>();
  try {
    for (const link of links) {
      const dataset = program.datasets.find((d) => d.fides_key === link.dataset);
      const [collectionName, field] = link.field.split('.', 2);
      const collection = dataset?.collections.find((c) => c.name === collectionName);
      const connector = set.forDataset(link.dataset);
      if (!dataset || !collection || !field || !connector) continue;
      const where = collection.fields.flatMap((f) => {
        const identity = f.fides_meta?.identity;
        const values = identity ? identities[identity] : undefined;
        return values?.length ? [{ field: f.name, values }] : [];
      });
      if (where.length === 0) continue;
      const rows = await connector.read({
        collection: { dataset: link.dataset, collection: collection.name, schema: namespaceOf(dataset) },
        columns: [field],
        where,
      });
      for (const row of rows)
        if (row[field] !== null && row[field] !== undefined) found.add(String(row[field]));
    }
  } finally {
    await set.close();
  }
  return program.doc.customers
    .filter((c) => c.account_id !== undefined && found.has(String(c.account_id)))
    .map((c) => c.key);
}
