import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PresenceStore, VersionedStats } from './presence';

export interface PresenceAggregatorOptions {
  presence: PresenceStore;
  /** Where a raised peak goes: the stats publisher, so every screen sees it. */
  publish: (current: VersionedStats) => void;
  /** PRESENCE_AGGREGATE_MS: how often each sharded live is sampled. */
  periodMs: number;
  logger: Logger;
}

/**
 * The aggregator of sharded lives (PRESENCE_SHARDS > 1): every period it samples the sum of each
 * active live's shard counts into the live's peak and audience curve. Every instance runs one, and a
 * lease per live (`{live:<id>}:aggregator`, SET NX PX, renewed each period by its holder) makes one
 * instance sample a live at a time; a holder that stops loses the lease within three periods and
 * another instance takes the live over. The sample is idempotent (a peak only rises, a curve point is
 * the latest sum), so a second sampler during a handover costs a few commands, never a wrong stat.
 */
export class PresenceAggregator {
  /** This instance, as the lease's holder. */
  readonly holder = randomUUID();
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly options: PresenceAggregatorOptions) {
    this.leaseMs = options.periodMs * 3;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .catch((error: unknown) =>
          this.options.logger.warn({ err: error }, 'viewer stats aggregation failed; retrying next period'),
        )
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.periodMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One period: samples every active live this instance holds the lease of; returns those lives. */
  async tick(): Promise<string[]> {
    const { presence, publish } = this.options;
    const sampled: string[] = [];
    for (const { liveId } of await presence.activeLives()) {
      if (!(await presence.holdAggregatorLease(liveId, this.holder, this.leaseMs))) continue;
      const raised = await presence.aggregate(liveId);
      if (raised) publish(raised);
      sampled.push(liveId);
    }
    return sampled;
  }
}
