import { ConfigError, type OnAir } from '@onair/api';

/**
 * Runs an entrypoint: a bad configuration is one line naming the variable, any other failure to
 * start one line saying what failed; both exit 1.
 */
export function runEntrypoint(what: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${what} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

/** On SIGTERM or SIGINT: `stop` (finish or hand back work, close connections), then exit; at most 10 s. */
export function stopOnSignals(logger: OnAir['logger'], stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    await stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void onSignal('SIGTERM'));
  process.once('SIGINT', () => void onSignal('SIGINT'));
}
