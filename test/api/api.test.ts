import { Client, Connection } from '@temporalio/client';
import { count } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client';
import { createApiToken, revokeApiToken } from '../../src/db/repositories/api-tokens';
import { apiTokens } from '../../src/db/schema';
import { startTestApi, type RunningApi } from '../helpers/api';
import { createTestDatabase } from '../helpers/db';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

const BODY_LIMIT = 4 * 1024;
let database: DatabaseHandle;
let temporal: TestTemporal;
let api: RunningApi;
let token: string;

beforeAll(async () => {
  database = await createTestDatabase();
  temporal = await connectTestTemporal(uniqueTaskQueue('api'));
  api = await startTestApi({ db: database.db, temporal: temporal.client, taskQueue: temporal.temporal.taskQueue, bodyLimitBytes: BODY_LIMIT });
  token = (await createApiToken(database.db, 'test')).token;
});
afterAll(async () => {
  await api.close();
  await temporal.close();
  await database.close();
});

async function call(method: string, path: string, init: { body?: string; headers?: Record<string, string>; auth?: string | null } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.auth !== null) headers.authorization = init.auth ?? `Bearer ${token}`;
  if (init.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(`${api.url}${path}`, { method, headers, body: init.body });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, asserted field by field
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const tokenCount = async () => (await database.db.select({ n: count() }).from(apiTokens))[0]!.n;

describe('health', () => {
  it('/healthz answers while the process is up', async () => {
    expect(await call('GET', '/healthz', { auth: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('/readyz is 200 when the database and Temporal are reachable', async () => {
    const ready = await call('GET', '/readyz', { auth: null });
    expect(ready.status).toBe(200);
    expect(ready.body!.components.map((c: { component: string; ok: boolean }) => [c.component, c.ok])).toEqual([
      ['database', true],
      ['temporal', true],
    ]);
  });

  it('/readyz is 503 and names Temporal when it is down', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
    const degraded = await startTestApi({ db: database.db, temporal: unreachable, taskQueue: 'none' });
    try {
      const ready = await fetch(`${degraded.url}/readyz`);
      const body = (await ready.json()) as { error: { code: string; message: string } };
      expect(ready.status).toBe(503);
      expect(body.error.code).toBe('not_ready');
      expect(body.error.message).toMatch(/^temporal unreachable: /);
      expect(body.error.message).not.toMatch(/database/);
    } finally {
      await degraded.close();
    }
  });

  it('/readyz is 503 and names the database when it is down', async () => {
    const closed = await createTestDatabase();
    await closed.close();
    const degraded = await startTestApi({ db: closed.db, temporal: temporal.client, taskQueue: 'none' });
    try {
      const ready = await fetch(`${degraded.url}/readyz`);
      const body = (await ready.json()) as { error: { message: string } };
      expect(ready.status).toBe(503);
      expect(body.error.message).toMatch(/^database unreachable: /);
      expect(body.error.message).not.toMatch(/temporal/);
    } finally {
      await degraded.close();
    }
  });
});

describe('OpenAPI', () => {
  it('/docs/json lists the routes with the bearer scheme', async () => {
    const spec = (await (await fetch(`${api.url}/docs/json`)).json()) as { paths: Record<string, unknown>; components: { securitySchemes: object; schemas: object } };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/v1/status', '/v1/tokens', '/v1/tokens/{id}']));
    expect(spec.components.securitySchemes).toHaveProperty('bearer');
    expect(spec.components.schemas).toHaveProperty('Error');
  });

  it('/docs serves the Swagger UI', async () => {
    const page = await fetch(`${api.url}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Swagger UI');
  });
});

describe('R-6 bearer auth on every /v1 route', () => {
  it.each([
    ['missing', null, /missing Authorization: Bearer <token> header/],
    ['not a bearer scheme', 'Basic dXNlcjpwYXNz', /must be "Bearer <token>"/],
    ['malformed', 'Bearer hunter2', /bearer token is malformed/],
    ['unknown', `Bearer slk_0123456789abcdef_${'A'.repeat(43)}`, /bearer token is not known/],
  ])('a %s token is 401 with the error shape', async (_case, auth, message) => {
    for (const [method, path] of [['GET', '/v1/status'], ['GET', '/v1/tokens'], ['POST', '/v1/tokens'], ['DELETE', '/v1/tokens/0123456789abcdef']] as const) {
      const response = await call(method, path, { auth, body: method === 'POST' ? '{"name":"x"}' : undefined });
      expect(response.status).toBe(401);
      expect(response.body!.error.code).toBe('unauthorized');
      expect(response.body!.error.message).toMatch(message);
    }
  });

  it('a right id with a wrong secret is refused', async () => {
    const other = await createApiToken(database.db, 'other');
    const forged = `${other.token.slice(0, 'slk_'.length + 16 + 1)}${'B'.repeat(43)}`;
    expect((await call('GET', '/v1/tokens', { auth: `Bearer ${forged}` })).status).toBe(401);
  });

  it('a revoked token is refused and said to be revoked', async () => {
    const revoked = await createApiToken(database.db, 'to-revoke');
    await revokeApiToken(database.db, revoked.id);
    const response = await call('GET', '/v1/tokens', { auth: `Bearer ${revoked.token}` });
    expect(response.status).toBe(401);
    expect(response.body!.error.message).toMatch(/revoked/);
  });

  it('a valid token passes', async () => {
    const status = await call('GET', '/v1/status');
    expect(status.status).toBe(200);
    expect(status.body!.components.map((c: { component: string }) => c.component)).toEqual(['api', 'database', 'temporal', 'worker']);
  });
});

describe('tokens', () => {
  it('creates a token shown once, lists it without its secret, and revokes it', async () => {
    const created = await call('POST', '/v1/tokens', { body: JSON.stringify({ name: 'wms-prod' }) });
    expect(created.status).toBe(201);
    expect(created.body!.token).toMatch(/^slk_[a-f0-9]{16}_/);
    const listed = await call('GET', '/v1/tokens');
    const secret = (created.body!.token as string).slice('slk_'.length + 16 + 1);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body!.tokens.map((t: { name: string }) => t.name)).toContain('wms-prod');
    expect((await call('DELETE', `/v1/tokens/${created.body!.id}`)).status).toBe(204);
    expect((await call('GET', '/v1/status', { auth: `Bearer ${created.body!.token}` })).status).toBe(401);
  });

  it('revoking an unknown token is 404', async () => {
    const response = await call('DELETE', '/v1/tokens/0123456789abcdef');
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});

describe('R-4 bad input gets a 4xx with the error shape and writes nothing', () => {
  it.each([
    ['malformed JSON', { body: '{"name":' }, 400, 'malformed_json', /not valid JSON/],
    ['a wrong type', { body: '{"name":42}' }, 400, 'validation_failed', /body\.name: Invalid input: expected string, received number/],
    ['a missing field', { body: '{}' }, 400, 'validation_failed', /body\.name/],
    ['an unknown field', { body: '{"name":"x","admin":true}' }, 400, 'validation_failed', /admin/],
    ['an empty name', { body: '{"name":"  "}' }, 400, 'validation_failed', /must not be empty/],
    ['a body over the limit', { body: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT) }) }, 413, 'body_too_large', /exceeds the size limit/],
    ['a non-JSON content type', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type', /application\/json/],
    ['an empty JSON body', { body: '' }, 400, 'malformed_json', /empty/],
  ])('%s', async (_case, init, status, code, message) => {
    const before = await tokenCount();
    const response = await call('POST', '/v1/tokens', init);
    expect(response.status).toBe(status);
    expect(response.body!.error.code).toBe(code);
    expect(response.body!.error.message).toMatch(message);
    expect(await tokenCount()).toBe(before);
  });

  it('a bad path parameter', async () => {
    const response = await call('DELETE', '/v1/tokens/not-an-id');
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(response.body!.error.message).toMatch(/params\.id: expected a 16-character token id/);
  });

  it('an unknown route', async () => {
    const response = await call('GET', '/v1/nothing-here');
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'no route GET /v1/nothing-here' } } });
  });
});

describe('request ids', () => {
  it('echoes a caller-supplied X-Request-Id and makes one otherwise', async () => {
    const given = await call('GET', '/healthz', { auth: null, headers: { 'x-request-id': 'wms-42' } });
    expect(given.headers.get('x-request-id')).toBe('wms-42');
    const made = await call('GET', '/healthz', { auth: null });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
