import { ConfigError, DEFAULT_MAX_CACHED_WORKFLOWS, parseConfig } from '../src/config';

const KEY = Buffer.alloc(32, 7).toString('base64');

function problemsFor(env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config: environment parsed once with zod', () => {
  it('defaults to the embedded stack when nothing is set', () => {
    const cfg = parseConfig({});
    expect(cfg.database.url).toBeUndefined();
    expect(cfg.temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default', taskQueue: 'storelink' });
    expect(cfg.temporal.tls).toBeUndefined();
    expect(cfg.api).toEqual({ host: '127.0.0.1', port: 8080, bodyLimitBytes: 1024 * 1024 });
    expect(cfg.cli.apiUrl).toBe('http://127.0.0.1:8080');
  });

  it('takes a production setting: Postgres, Temporal Cloud with an API key', () => {
    const cfg = parseConfig({
      DATABASE_URL: 'postgresql://storelink@db:5432/storelink',
      STORELINK_ENCRYPTION_KEY: KEY,
      TEMPORAL_ADDRESS: 'storelink.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'storelink.a1b2c',
      TEMPORAL_API_KEY: 'fake-api-key',
      API_HOST: '0.0.0.0',
      API_PORT: '3000',
    });
    expect(cfg.temporal.tls).toBeDefined();
    expect(cfg.temporal.apiKey).toBe('fake-api-key');
    expect(cfg.cli.apiUrl).toBe('http://127.0.0.1:3000');
  });

  it('bounds the worker cache (N-5) by default and takes an override', () => {
    expect(parseConfig({}).worker.maxCachedWorkflows).toBe(DEFAULT_MAX_CACHED_WORKFLOWS);
    expect(parseConfig({ TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS: '1000' }).worker.maxCachedWorkflows).toBe(1000);
  });

  it.each([
    ['API_PORT', { API_PORT: 'eighty' }, /API_PORT: expected a TCP port number \(got "eighty"\)/],
    ['API_PORT', { API_PORT: '70000' }, /API_PORT: expected a port between 1 and 65535/],
    ['API_BODY_LIMIT_BYTES', { API_BODY_LIMIT_BYTES: '0' }, /API_BODY_LIMIT_BYTES: expected a positive number/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/x', STORELINK_ENCRYPTION_KEY: KEY }, /DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ connection URL/],
    ['DATABASE_POOL_MAX', { DATABASE_POOL_MAX: '-1' }, /DATABASE_POOL_MAX: expected a positive number/],
    ['TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS', { TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS: '0' }, /TEMPORAL_WORKER_MAX_CACHED_WORKFLOWS: expected a positive number/],
    ['STORELINK_ENCRYPTION_KEY', { STORELINK_ENCRYPTION_KEY: 'c2hvcnQ=' }, /STORELINK_ENCRYPTION_KEY: expected 32 random bytes, base64-encoded/],
    ['STORELINK_ENCRYPTION_KEY', { DATABASE_URL: 'postgres://db/x' }, /STORELINK_ENCRYPTION_KEY: required when DATABASE_URL is set/],
    ['TEMPORAL_ADDRESS', { TEMPORAL_ADDRESS: 'http://temporal' }, /TEMPORAL_ADDRESS: expected host:port/],
    ['TEMPORAL_TLS', { TEMPORAL_TLS: 'maybe' }, /TEMPORAL_TLS: expected true or false/],
    ['TEMPORAL_TLS_KEY_PATH', { TEMPORAL_TLS_CERT_PATH: '/certs/client.pem' }, /TEMPORAL_TLS_KEY_PATH: mTLS needs both/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent/],
    ['LOG_FORMAT', { LOG_FORMAT: 'xml' }, /LOG_FORMAT: expected json or pretty/],
    ['STORELINK_API_URL', { STORELINK_API_URL: 'ftp://x' }, /STORELINK_API_URL: expected an http\(s\):\/\/ URL/],
  ])('a bad %s stops start-up with a message naming it', (_name, env, message) => {
    const problems = problemsFor(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('never echoes a key back in the message', () => {
    const [problem] = problemsFor({ STORELINK_ENCRYPTION_KEY: 'not-a-real-but-secret-value' });
    expect(problem).not.toContain('not-a-real-but-secret-value');
  });

  it('reports every bad variable at once', () => {
    expect(problemsFor({ API_PORT: 'x', LOG_LEVEL: 'loud' })).toHaveLength(2);
  });
});
