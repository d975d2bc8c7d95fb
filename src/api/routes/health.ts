import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkDatabase, checkTemporal } from '../../health';
import { errorBody, errorPayload } from '../errors';
import type { ApiDependencies } from '../server';

export const componentStatus = z
  .object({
    component: z.enum(['api', 'database', 'temporal', 'worker']),
    ok: z.boolean(),
    detail: z.string(),
  })
  .meta({ id: 'ComponentStatus' });

export const healthRoutes: FastifyPluginAsyncZod<ApiDependencies> = async (app, deps) => {
  app.get(
    '/healthz',
    { logLevel: 'warn', schema: { tags: ['health'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      // probes call these every few seconds; only their failures are worth a log line
      logLevel: 'warn',
      schema: {
        tags: ['health'],
        summary: 'Database and Temporal are reachable',
        response: { 200: z.object({ status: z.literal('ready'), components: z.array(componentStatus) }), 503: errorBody },
      },
    },
    async (_request, reply) => {
      const components = await Promise.all([checkDatabase(deps.db), checkTemporal(deps.temporal)]);
      const down = components.filter((component) => !component.ok);
      if (down.length > 0) {
        const message = down.map((component) => `${component.component} unreachable: ${component.detail}`).join('; ');
        return reply.status(503).send(errorPayload('not_ready', message, { components }));
      }
      return { status: 'ready' as const, components };
    },
  );
};
