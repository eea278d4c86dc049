import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { Env } from './env';

/**
 * JSON logs (one object a line), or in development lines a person reads: LOG_FORMAT decides, and
 * unset it is `pretty` when NODE_ENV is development and the output is a terminal. Credentials never
 * reach either.
 */
export function createLogger(
  env: Pick<Env, 'LOG_LEVEL'> & Partial<Pick<Env, 'LOG_FORMAT' | 'NODE_ENV'>>,
  name: string,
): Logger {
  const format = env.LOG_FORMAT ?? (env.NODE_ENV === 'development' && process.stdout.isTTY ? 'pretty' : 'json');
  const options = {
    name,
    level: env.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'operatorToken'],
      censor: '[redacted]',
    },
  };
  // In-process and synchronous (not a transport's worker thread): the bundled server needs no extra file.
  if (format === 'pretty')
    return pino(options, pretty({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true }));
  return pino(options);
}
