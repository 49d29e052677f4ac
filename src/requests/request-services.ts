import path from 'node:path';
import type { ErasurePolicy } from '../execution/masking.ts';
import type { Services } from '../http/services.ts';
import { executionEngine } from './engine-adapter.ts';
import type { EngineConnections, RequestEngine, RestrictionRecorder } from './engine-port.ts';
import { consentRestrictionRecorder } from './restriction-recorder.ts';

/**
 * What the request lifecycle takes from `services.extras`, with the production defaults:
 * the real engine over the program's connections, the consent ledger for restrictions,
 * packages under ./.custodian/packages. Tests put their own connections and folders here.
 */
export interface RequestServices {
  engine: RequestEngine;
  restrictions: RestrictionRecorder;
  packageDir: string;
}

const KEY = 'requests';

export function requestServices(services: Services): RequestServices {
  const existing = services.extras.get(KEY) as RequestServices | undefined;
  if (existing) return existing;
  const created: RequestServices = {
    engine: executionEngine({ env: process.env }),
    restrictions: consentRestrictionRecorder,
    packageDir: path.resolve(process.env.CUSTODIAN_PACKAGE_DIR ?? './.custodian/packages'),
  };
  services.extras.set(KEY, created);
  return created;
}

/** Replaces parts of the request services (tests: connectors to a fixture, a temp folder). */
export function configureRequestServices(
  services: Services,
  options: Partial<RequestServices> & { connections?: EngineConnections; erasurePolicy?: ErasurePolicy },
): RequestServices {
  const current = requestServices(services);
  const next: RequestServices = {
    engine:
      options.engine ??
      (options.connections
        ? executionEngine(options.connections, { erasurePolicy: options.erasurePolicy })
        : current.engine),
    restrictions: options.restrictions ?? current.restrictions,
    packageDir: options.packageDir ?? current.packageDir,
  };
  services.extras.set(KEY, next);
  return next;
}
