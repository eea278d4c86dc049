import type { Logger } from 'pino';
import type { LiveSession } from './schema';
import type { LiveService } from './service';

/**
 * Since when a live on air has had nobody watching, or null while someone is (or it is not on air).
 * The counts' time is their last change once anyone has joined; before that the start counts.
 */
export function idleSince(live: LiveSession): Date | null {
  if (live.status !== 'LIVE' || live.stats.current > 0 || !live.startedAt) return null;
  return new Date(live.stats.peak > 0 ? live.stats.updatedAt : live.startedAt);
}

export interface IdleLiveEnderDeps {
  live: LiveService;
  /** A live on air with nobody watching for this long is ended (`LIVE_IDLE_END_MS`). */
  idleMs: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Ends lives left on air with no viewers (a demo or a seller that never came back), as an operator
 * would: through `live.end`, so the short video is made and every screen hears of it. Running it on
 * every API instance is safe: ending an ENDED live changes nothing.
 */
export class IdleLiveEnder {
  private readonly deps: IdleLiveEnderDeps;
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<unknown> | undefined;

  constructor(deps: IdleLiveEnderDeps) {
    this.deps = deps;
  }

  start(): void {
    // Often enough that a live ends within a quarter of the idle time past it, at most once a minute.
    const periodMs = Math.min(60_000, Math.max(1_000, Math.floor(this.deps.idleMs / 4)));
    this.timer ??= setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'idle lives not checked; next period'))
        .finally(() => {
          this.running = undefined;
        });
    }, periodMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Ends every live idle for `idleMs` or longer; resolves to their ids. */
  async sweep(): Promise<string[]> {
    const now = (this.deps.now ?? (() => new Date()))().getTime();
    const ended: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: LiveSession[]; nextCursor: string | null } = await this.deps.live.list({
        status: 'LIVE',
        limit: 100,
        cursor,
      });
      for (const live of page.items) {
        const since = idleSince(live);
        if (since === null || now - since.getTime() < this.deps.idleMs) continue;
        await this.deps.live.end(live.id);
        ended.push(live.id);
        this.deps.logger.info({ liveId: live.id, idleSince: since.toISOString() }, 'ended a live left idle');
      }
      cursor = page.nextCursor;
    } while (cursor);
    return ended;
  }
}
