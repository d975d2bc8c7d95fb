import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkDatabase, checkTemporal, checkWorker } from '../../health';
import type { ApiDependencies } from '../server';
import { componentStatus } from './health';

export const statusRoutes: FastifyPluginAsyncZod<ApiDependencies> = async (app, deps) => {
  app.get(
    '/status',
    {
      schema: {
        tags: ['system'],
        summary: 'Reachability of every component, workers included',
        security: [{ bearer: [] }],
        response: { 200: z.object({ components: z.array(componentStatus) }) },
      },
    },
    async () => ({
      components: [
        { component: 'api' as const, ok: true, detail: 'answering' },
        ...(await Promise.all([
          checkDatabase(deps.db),
          checkTemporal(deps.temporal),
          checkWorker(deps.temporal, deps.taskQueue),
        ])),
      ],
    }),
  );
};
