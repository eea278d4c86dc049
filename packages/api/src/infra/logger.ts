import { type Logger, pino } from 'pino';
import type { Env } from './env';

/** Structured JSON logs; credentials never reach them. */
export function createLogger(env: Pick<Env, 'LOG_LEVEL'>, name: string): Logger {
  return pino({
    name,
    level: env.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'operatorToken'],
      censor: '[redacted]',
    },
  });
}
