import type { Logger } from 'pino';
import type { ViewerService } from './service';

/**
 * Expires viewers that stopped sending heartbeats. Runs on every instance; the sweep script is
 * atomic, so concurrent sweepers never remove a viewer (or decrement the count) twice. The period
 * is a fifth of the TTL (bounded), so a silent viewer goes within TTL plus one period.
 */
export class Sweeper {
  readonly periodMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly viewers: ViewerService,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {
    this.periodMs = Math.min(5_000, Math.max(100, Math.floor(ttlMs / 5)));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.viewers
        .sweep(this.ttlMs)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'viewer sweep failed; retrying next period'))
        .then(() => {
          this.running = undefined;
        });
    }, this.periodMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
