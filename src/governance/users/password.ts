import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export interface PasswordParams {
  N: number;
  r: number;
  p: number;
  keylen: number;
}

/** scrypt cost for new passwords; stored with each hash so it can be raised later. */
export const currentParams: PasswordParams = { N: 16384, r: 8, p: 1, keylen: 64 };

export const MIN_PASSWORD_LENGTH = 12;

function derive(password: string, salt: Buffer, params: PasswordParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, params.keylen, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** A new scrypt hash with a fresh per-user salt. */
export async function hashPassword(password: string) {
  const salt = randomBytes(16);
  const key = await derive(password, salt, currentParams);
  return { hash: key.toString('hex'), salt: salt.toString('hex'), params: currentParams };
}

export async function verifyPassword(
  password: string,
  stored: { hash: string; salt: string; params: PasswordParams },
): Promise<boolean> {
  const key = await derive(password, Buffer.from(stored.salt, 'hex'), stored.params);
  const expected = Buffer.from(stored.hash, 'hex');
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Spends the same time as a real check, so an unknown email cannot be told from a wrong password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  await derive(password, Buffer.alloc(16), currentParams);
}
