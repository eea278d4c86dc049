import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from './infra/env';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Checks an `Authorization: Bearer <token>` header in constant time, whatever its length. */
export function createOperatorCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const presented = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    return timingSafeEqual(digest(presented), expected) && presented.length > 0;
  };
}

/**
 * The configured token, or in development one generated once and kept under DATA_DIR so it
 * survives restarts (production refuses to start without OPERATOR_TOKEN; see loadEnv).
 */
export function resolveOperatorToken(env: Env): { token: string; generated: boolean } {
  if (env.OPERATOR_TOKEN) return { token: env.OPERATOR_TOKEN, generated: false };
  const file = join(env.DATA_DIR, 'operator-token');
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved.length >= 16) return { token: saved, generated: true };
  } catch {
    // No saved token yet.
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(env.DATA_DIR, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true };
}
