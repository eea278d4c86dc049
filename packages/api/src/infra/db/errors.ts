import { someCause } from '../../errors';

/** postgres.js and Node's socket errors when the server cannot be reached or dropped the connection. */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/** SQLSTATEs of a database that is down, starting, shutting down, gone or full. */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '3D000', '53300', '53400']);

const codeOf = (error: Error) => String((error as Error & { code?: unknown }).code ?? '');

/**
 * The database does not answer (or refuses connections). PGlite runs in-process and cannot drop;
 * postgres.js reports connection failures with a system or SQLSTATE code.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return someCause(error, (cause) => {
    const code = codeOf(cause);
    return connectionCodes.has(code) || unavailableStates.has(code) || code.startsWith('08');
  });
}

/**
 * The database refused a value (SQLSTATE class 22, data exception: a NUL byte, a date out of range,
 * a number too large). Inputs are validated before they reach it; this is the net under that.
 */
export function isDatabaseRefusal(error: unknown): boolean {
  return someCause(error, (cause) => /^22[0-9A-Z]{3}$/.test(codeOf(cause)) && 'severity' in cause);
}
