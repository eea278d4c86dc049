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

/**
 * The longest a process takes to stop after SIGTERM; an orchestrator's grace period must exceed it
 * (deploy/kubernetes sets terminationGracePeriodSeconds from it, and its test checks that).
 */
export const shutdownDeadlineMs = 10_000;

/** On SIGTERM or SIGINT: `stop` (finish or hand back work, close connections), then exit; at most shutdownDeadlineMs. */
export function stopOnSignals(logger: OnAir['logger'], stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error(`shutdown took longer than ${shutdownDeadlineMs / 1000} s; exiting`);
      process.exit(1);
    }, shutdownDeadlineMs);
    deadline.unref();
    await stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void onSignal('SIGTERM'));
  process.once('SIGINT', () => void onSignal('SIGINT'));
}
