import type { AppRouter } from '@onair/api';
import type { TRPCClient } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';

type Outputs = inferRouterOutputs<AppRouter>['viewer'];

export interface ViewerSessionOptions {
  liveId: string;
  /**
   * The token the platform's backend signed for this viewer (`sub` = the viewer id). Without one,
   * the viewer joins as a guest and the session keeps the guest token the server answers with.
   */
  viewerToken?: string | undefined;
  /** A bare viewer id, taken only by servers in `open` mode (development). */
  viewerId?: string | undefined;
}

/**
 * One viewer watching one live: join, heartbeat (every third of the server's VIEWER_TTL_MS) and
 * leave as the same viewer. A guest's token, given at its join, is kept for the later calls.
 */
export class ViewerSession {
  private token: string | undefined;
  /** The join under way, settled or not: a guest's later calls wait for the token it brings. */
  private joining: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: Pick<TRPCClient<AppRouter>, 'viewer'>,
    private readonly options: ViewerSessionOptions,
  ) {
    this.token = options.viewerToken;
  }

  /** The token this viewer acts with: the platform's, or the guest token the server minted. */
  get viewerToken(): string | undefined {
    return this.token;
  }

  join(): Promise<Outputs['join']> {
    const joined = this.client.viewer.join.mutate(this.credentials()).then((answer) => {
      if (answer.viewerToken) this.token = answer.viewerToken;
      return answer;
    });
    this.joining = joined.catch(() => undefined);
    return joined;
  }

  async heartbeat(): Promise<Outputs['heartbeat']> {
    return this.client.viewer.heartbeat.mutate(await this.settledCredentials());
  }

  async leave(): Promise<Outputs['leave']> {
    return this.client.viewer.leave.mutate(await this.settledCredentials());
  }

  /** A guest's heartbeat or leave sent before its join has answered goes with the token that answer gives. */
  private async settledCredentials() {
    if (!this.token) await this.joining;
    return this.credentials();
  }

  private credentials() {
    const { liveId, viewerId } = this.options;
    if (this.token) return { liveId, viewerToken: this.token };
    return viewerId === undefined ? { liveId } : { liveId, viewerId };
  }
}
