// @ts-check
/**
 * Runs the built API for the end-to-end tests in a world of its own: a fresh DATA_DIR (so an embedded
 * PGlite database) and a REDIS_PREFIX unique to this run on the shared Redis. Once the API has exited,
 * it deletes both: only keys under its own prefix (SCAN MATCH + UNLINK), never a FLUSH.
 *
 * The clean-up waits for the API to exit because Playwright stops its web servers only after global
 * teardown: a globalTeardown would delete the keys while the API's consumers could still write them.
 * Playwright sends SIGTERM to this whole process group (see `gracefulShutdown` in the config): the API
 * shuts down by itself, and this script outlives it to clean up.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const prefix = `onair-e2e-${randomBytes(6).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'onair-e2e-'));
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const api = spawn(process.execPath, ['../server/dist/main.js'], {
  env: { ...process.env, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, DATA_DIR: dataDir },
  stdio: 'inherit',
});

// The API receives the same signal from the process group; this script only has to stay alive.
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) process.on(signal, () => {});

api.on('exit', async (code, signal) => {
  try {
    await deleteKeys(redisUrl, prefix);
  } catch (error) {
    process.stderr.write(`Could not delete the Redis keys under ${prefix}: ${String(error)}\n`);
  }
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});

/**
 * @param {string} url
 * @param {string} keyPrefix
 */
async function deleteKeys(url, keyPrefix) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
