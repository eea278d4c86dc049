import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, vi } from 'vitest';
import { redisUrl } from './redis';
import { operatorToken, type TestEnvironment } from './server';

const serverRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Output so far, for failure messages. */
  output(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by the signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * A real short-video worker process (`src/worker.ts` under tsx) on the test environment's database
 * and Redis prefix. Resolves once it says it started.
 */
export async function spawnWorker(world: TestEnvironment, env: Record<string, string> = {}): Promise<WorkerProcess> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: serverRoot,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: world.prefix,
      OPERATOR_TOKEN: operatorToken,
      RENDER_PRESET: 'ultrafast',
      ...world.database.env,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await vi.waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${output}`);
        if (!output.includes('short-video worker started')) throw new Error(`worker not started yet:\n${output}`);
      },
      { timeout: 120_000, interval: 100 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    child,
    output: () => output,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A list for the worker processes the current file's tests spawn, each killed after its test: in
 * `afterEach`, so before the test's world is cleaned up (fixtures are torn down after it).
 */
export function workersKilledAfterEach(): WorkerProcess[] {
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.kill('SIGKILL')));
  });
  return workers;
}
