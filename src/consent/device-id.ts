import { randomBytes } from 'node:crypto';

/** A new anonymous device id (the ledger subject is `device:<id>`), like the banner's. */
export function deviceId(): string {
  return randomBytes(16).toString('hex');
}
