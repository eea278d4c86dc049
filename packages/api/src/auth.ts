import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from './infra/env';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The name of OPERATOR_TOKEN's holder, beside the named operators of OPERATOR_TOKENS. */
export const sharedOperatorName = 'operator';

/**
 * Which operator an `Authorization: Bearer <token>` header is, or undefined: every token is compared
 * in constant time, whatever its length, and all of them always, so timing tells nothing.
 */
export function createOperatorCheck(
  operators: { name: string; token: string }[],
): (authorization: string | undefined) => string | undefined {
  const expected = operators.map(({ name, token }) => ({ name, digest: digest(token) }));
  return (authorization) => {
    const presented = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    const seen = digest(presented);
    let found: string | undefined;
    for (const operator of expected) if (timingSafeEqual(seen, operator.digest)) found ??= operator.name;
    return presented.length > 0 ? found : undefined;
  };
}

/**
 * The secret that signs guest tokens (and verifies HS256 viewer tokens): VIEWER_TOKEN_SECRET, or
 * outside production one generated once under DATA_DIR, shared by the instances that share it.
 * Production without the secret (a platform with only a public key) takes no guests.
 */
export function resolveViewerTokenSecret(env: Env): string | undefined {
  if (env.VIEWER_TOKEN_SECRET) return env.VIEWER_TOKEN_SECRET;
  if (env.NODE_ENV === 'production') return undefined;
  return savedSecret(env.DATA_DIR, 'viewer-token-secret', 32, () => randomBytes(32).toString('base64url'));
}

function savedSecret(dataDir: string, name: string, minLength: number, generate: () => string): string {
  const file = join(dataDir, name);
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved.length >= minLength) return saved;
  } catch {
    // Not generated yet.
  }
  const secret = generate();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * The configured token, or in development one generated once and kept under DATA_DIR so it
 * survives restarts (production refuses to start without OPERATOR_TOKEN; see loadEnv).
 */
export function resolveOperatorToken(env: Env): { token: string; generated: boolean } {
  if (env.OPERATOR_TOKEN) return { token: env.OPERATOR_TOKEN, generated: false };
  const token = savedSecret(env.DATA_DIR, 'operator-token', 16, () => randomBytes(24).toString('base64url'));
  return { token, generated: true };
}
