import { createPublicKey, randomBytes } from 'node:crypto';
import { type Algorithm, createSigner, createVerifier, TokenError } from 'fast-jwt';
import { Counter, type Registry } from 'prom-client';
import { ForbiddenError, InvalidFieldError, TooManyRequestsError, UnauthorizedError } from '../errors';
import type { GuestBudget } from './guest-budget';
import { viewerIdSchema } from './schema';

/** `token`: a viewer is who a signed token says; `open`: whoever the caller says (development, tests). */
export type ViewerAuth = 'token' | 'open';

/** What a caller presents for a viewer: a signed token, or in `open` mode a bare id. */
export interface ViewerCredentials {
  liveId: string;
  viewerId?: string | undefined;
  viewerToken?: string | undefined;
}

export type RefusalReason =
  | 'no-token'
  | 'bare-viewer-id'
  | 'invalid-token'
  | 'expired-token'
  | 'other-live'
  | 'guest-budget';

export interface ViewerIdentityOptions {
  mode: ViewerAuth;
  /** HS256 secret: verifies platform tokens and signs guest tokens. */
  secret?: string | undefined;
  /** ES256 or RS256 public key (PEM) of a platform that signs its own tokens. */
  publicKey?: string | undefined;
  guestBudget: GuestBudget;
  registry: Registry;
  /** How long a guest token is good for. */
  guestTokenTtlSeconds?: number;
}

/**
 * Who a viewer call is for. Tokens are JWTs: `sub` is the viewer id, `exp` is required, an optional
 * `live` claim limits a token to one live. Only the algorithms of the configured keys are accepted
 * (HS256 for the secret, ES256 or RS256 for the public key), each by a verifier of its own that
 * accepts its one algorithm: `alg: none`, and a token signed with the public key used as an HMAC
 * secret, are refused before any key is used. A token verified for a heartbeat or a leave is kept (up
 * to its `exp`) so that a viewer's next heartbeats, which repeat its token, do not verify it again.
 */
export class ViewerIdentity {
  readonly mode: ViewerAuth;
  /** The verifiers of each accepted algorithm, chosen by the token's header. */
  private readonly verifiers = new Map<string, TokenVerifiers>();
  private readonly signGuest: ((payload: Record<string, unknown>) => string) | undefined;
  private readonly guestBudget: GuestBudget;
  private readonly guestTokenTtlSeconds: number;
  private readonly refusals: Counter<'reason'>;
  private readonly guestsMinted: Counter;

  constructor(options: ViewerIdentityOptions) {
    this.mode = options.mode;
    this.guestTokenTtlSeconds = options.guestTokenTtlSeconds ?? 12 * 3_600;
    const verifiersOf = (key: string, algorithm: Algorithm): TokenVerifiers => {
      const verifierOptions = { key, algorithms: [algorithm], requiredClaims: ['exp', 'sub'], clockTolerance: 5_000 };
      return {
        once: createVerifier(verifierOptions),
        repeated: createVerifier({ ...verifierOptions, cache: verifiedTokensKept }),
      };
    };
    if (options.secret) {
      this.verifiers.set('HS256', verifiersOf(options.secret, 'HS256'));
      this.signGuest = createSigner({
        key: options.secret,
        algorithm: 'HS256',
        expiresIn: this.guestTokenTtlSeconds * 1_000,
      });
    }
    if (options.publicKey) {
      const keyType = createPublicKey(options.publicKey).asymmetricKeyType;
      const algorithm = keyType === 'ec' ? 'ES256' : keyType === 'rsa' ? 'RS256' : undefined;
      if (!algorithm) throw new Error('VIEWER_TOKEN_PUBLIC_KEY must be an EC (P-256) or RSA public key');
      this.verifiers.set(algorithm, verifiersOf(options.publicKey, algorithm));
    }
    this.guestBudget = options.guestBudget;
    this.refusals = new Counter({
      name: 'onair_viewer_refusals_total',
      help: 'Viewer calls refused for their identity, by reason',
      labelNames: ['reason'] as const,
      registers: [options.registry],
    });
    this.guestsMinted = new Counter({
      name: 'onair_viewer_guests_minted_total',
      help: 'Guest viewers minted (joins without a token)',
      registers: [options.registry],
    });
  }

  /**
   * The viewer a join is for: the token's subject; a bare id in `open` mode; else a guest minted
   * now, within the client address's budget, returned with the token it will heartbeat and leave with.
   */
  async forJoin(
    credentials: ViewerCredentials,
    clientAddress: string,
  ): Promise<{ viewerId: string; viewerToken?: string }> {
    if (credentials.viewerToken) {
      return { viewerId: await this.verify(credentials.liveId, credentials.viewerToken, 'once') };
    }
    if (credentials.viewerId !== undefined) return { viewerId: this.bareId(credentials.viewerId) };
    return this.mintGuest(credentials.liveId, clientAddress);
  }

  /** The viewer a heartbeat or a leave is for: only the token's subject can act as itself. */
  async forPresence(credentials: ViewerCredentials): Promise<string> {
    if (credentials.viewerToken) return this.verify(credentials.liveId, credentials.viewerToken, 'repeated');
    if (credentials.viewerId !== undefined) return this.bareId(credentials.viewerId);
    if (this.mode === 'token')
      throw this.refuse('no-token', 'viewerToken is required: heartbeat and leave with the token you joined with');
    throw new InvalidFieldError('viewerId', 'is required (or a viewerToken)');
  }

  private bareId(viewerId: string): string {
    if (this.mode === 'open') return viewerId;
    throw this.refuse('bare-viewer-id', 'viewerToken is required: a bare viewerId proves nothing on this server');
  }

  private async mintGuest(liveId: string, clientAddress: string): Promise<{ viewerId: string; viewerToken: string }> {
    if (!this.signGuest) {
      throw this.refuse('no-token', 'viewerToken is required: this server takes no guests (no VIEWER_TOKEN_SECRET)');
    }
    const waitMs = await this.guestBudget.take(clientAddress);
    if (waitMs > 0) {
      this.refusals.inc({ reason: 'guest-budget' });
      const seconds = Math.ceil(waitMs / 1_000);
      throw new TooManyRequestsError(
        `Too many guest viewers from this address; retry in ${seconds} s or join with a viewerToken`,
        seconds,
      );
    }
    const viewerId = `guest-${randomBytes(12).toString('base64url')}`;
    const viewerToken = this.signGuest({ sub: viewerId, live: liveId, guest: true });
    this.guestsMinted.inc();
    return { viewerId, viewerToken };
  }

  /** The token's subject, or a refusal: 401 for any bad token, 403 for a token of another live. */
  private async verify(liveId: string, token: string, use: keyof TokenVerifiers): Promise<string> {
    // With one key there are the verifiers of one algorithm, which check the algorithm themselves.
    const verifiers =
      this.verifiers.size === 1 ? this.verifiers.values().next().value : this.verifiers.get(algorithmOf(token) ?? '');
    const verifier = verifiers?.[use];
    if (!verifier) throw this.refuse('invalid-token', 'viewerToken is not valid (signature, algorithm or claims)');
    let payload: TokenPayload;
    try {
      payload = verifier(token);
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.expired)
        throw this.refuse('expired-token', 'viewerToken has expired');
      throw this.refuse('invalid-token', 'viewerToken is not valid (signature, algorithm or claims)');
    }
    const subject = viewerIdSchema.safeParse(payload.sub);
    if (!subject.success) throw this.refuse('invalid-token', 'viewerToken is not valid: its sub is not a viewer id');
    if (
      payload.live !== undefined &&
      (typeof payload.live !== 'string' || payload.live.toLowerCase() !== liveId.toLowerCase())
    ) {
      this.refusals.inc({ reason: 'other-live' });
      throw new ForbiddenError('viewerToken is for another live');
    }
    return subject.data;
  }

  private refuse(reason: RefusalReason, message: string): UnauthorizedError {
    this.refusals.inc({ reason });
    return new UnauthorizedError(message);
  }
}

interface TokenPayload {
  sub?: unknown;
  live?: unknown;
}

/**
 * A join presents a token once: keeping it would only churn the cache (and the heap) at the rate
 * viewers arrive. Heartbeats and leaves repeat a viewer's token: those verified are kept.
 */
interface TokenVerifiers {
  once: (token: string) => TokenPayload;
  repeated: (token: string) => TokenPayload;
}

/** Verified tokens kept: about a heartbeat interval's worth of one instance's viewers. */
const verifiedTokensKept = 10_000;

/** The `alg` of a token's header, read only to pick the verifier (which checks it again). */
function algorithmOf(token: string): string | undefined {
  const end = token.indexOf('.');
  if (end <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, end), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && 'alg' in header && typeof header.alg === 'string'
      ? header.alg
      : undefined;
  } catch {
    return undefined;
  }
}
