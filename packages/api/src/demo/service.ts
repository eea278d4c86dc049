import { ConflictError, PreconditionFailedError } from '../errors';
import type { ViewerService } from '../viewers/service';
import { type SimulationProgress, type ViewerCalls, ViewerSimulation } from './simulation';

export interface AudienceOptions {
  audience: number;
  rampSeconds: number;
  leaveRate: number;
  crashRate: number;
}

export interface DemoAudience extends SimulationProgress {
  liveId: string;
  audience: number;
  startedAt: string;
}

/**
 * Simulated audiences for demos, run by the server itself (the dashboard's "simulate viewers"
 * control). Only when ENABLE_SIMULATOR is on, which `pnpm dev` sets and production does not. The
 * simulated viewers go through the viewers service, exactly like real ones: joins, heartbeats at a
 * third of the TTL, leaves, and some that vanish and expire. An audience belongs to the instance that
 * started it and stops by itself when its live ends.
 */
export class DemoAudiences {
  private readonly audiences = new Map<
    string,
    { simulation: ViewerSimulation; options: AudienceOptions; startedAt: Date }
  >();

  constructor(
    readonly enabled: boolean,
    private readonly viewers: ViewerService,
    private readonly liveStatus: (liveId: string) => Promise<string | undefined>,
    private readonly ttlMs: number,
  ) {}

  list(): DemoAudience[] {
    return [...this.audiences].map(([liveId, { simulation, options, startedAt }]) => ({
      liveId,
      audience: options.audience,
      startedAt: startedAt.toISOString(),
      ...simulation.progress(),
    }));
  }

  async start(liveId: string, options: AudienceOptions): Promise<DemoAudience[]> {
    if (!this.enabled) {
      throw new PreconditionFailedError(
        'The viewer simulator is off on this server (set ENABLE_SIMULATOR=on, as pnpm dev does)',
      );
    }
    const status = await this.liveStatus(liveId);
    if (status !== 'LIVE')
      throw new ConflictError(`Live ${liveId} is ${status ?? 'unknown'}: simulated viewers need a LIVE live`);
    await this.stop(liveId);
    const calls: ViewerCalls = {
      join: (input) => this.untilEnded(liveId, this.viewers.join(input.liveId, input.viewerId)),
      heartbeat: (input) => this.untilEnded(liveId, this.viewers.heartbeat(input.liveId, input.viewerId)),
      leave: (input) => this.viewers.leave(input.liveId, input.viewerId),
    };
    const simulation = new ViewerSimulation({
      viewers: calls,
      liveId,
      ...options,
      // The audience builds up over the ramp, then some leave or vanish over the next minutes.
      durationSeconds: Math.max(options.rampSeconds * 3, 180),
      ttlMs: this.ttlMs,
      viewerPrefix: `demo-${Date.now().toString(36)}`,
    });
    this.audiences.set(liveId, { simulation, options, startedAt: new Date() });
    simulation.start();
    return this.list();
  }

  /** The simulated viewers still watching leave properly. */
  async stop(liveId: string): Promise<DemoAudience[]> {
    const running = this.audiences.get(liveId);
    this.audiences.delete(liveId);
    await running?.simulation.leaveAll();
    return this.list();
  }

  async close(): Promise<void> {
    await Promise.all([...this.audiences.values()].map(({ simulation }) => simulation.stop()));
    this.audiences.clear();
  }

  /** A refusal because the live is over ends its audience. */
  private async untilEnded(liveId: string, call: Promise<unknown>): Promise<unknown> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof ConflictError) {
        const running = this.audiences.get(liveId);
        this.audiences.delete(liveId);
        void running?.simulation.stop();
      }
      throw error;
    }
  }
}
