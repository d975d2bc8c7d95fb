import crypto from 'node:crypto';

/**
 * API tokens look like `slk_<id>_<secret>`. The id finds the row; only SHA-256 of the secret is
 * stored (the secret is 32 random bytes, so a fast hash is enough) and it is compared in constant time.
 */

const TOKEN_PATTERN = /^slk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  id: string;
  token: string;
  secretHash: string;
}

export function issueToken(): IssuedToken {
  const id = crypto.randomBytes(8).toString('hex');
  const secret = crypto.randomBytes(32).toString('base64url');
  return { id, token: `slk_${id}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { id: match[1] as string, secret: match[2] as string } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && crypto.timingSafeEqual(presented, stored);
}

function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}
