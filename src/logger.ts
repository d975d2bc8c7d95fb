import pino, { type Logger } from 'pino';
import type { Config } from './config';

/** One pino setup for API, worker and CLI; secrets in headers are never written. */
export function createLogger(cfg: Pick<Config, 'logLevel' | 'logFormat'>, name: string): Logger {
  return pino({
    name,
    level: cfg.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-shopify-access-token"]'], censor: '[redacted]' },
    // pretty is for a developer's terminal (npm start); pino-pretty is a dev dependency only.
    transport: cfg.logFormat === 'pretty' ? { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } : undefined,
  });
}
