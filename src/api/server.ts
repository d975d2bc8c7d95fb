import crypto from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import type { SecretBox } from '../security/secret-box';
import { requireApiToken } from './auth';
import { handleError, handleNotFound } from './errors';
import { connectionRoutes } from './routes/connections';
import { errorQueueRoutes } from './routes/errors';
import { healthRoutes } from './routes/health';
import { inventoryRoutes } from './routes/inventory';
import { orderRoutes } from './routes/orders';
import { productRoutes } from './routes/products';
import { statusRoutes } from './routes/status';
import { tokenRoutes } from './routes/tokens';
import { webhookRoutes } from './routes/webhooks';

export interface ApiDependencies {
  db: Database;
  temporal: Client;
  taskQueue: string;
  /** seals channel credentials before they are stored */
  secrets: SecretBox;
  log: Logger;
  bodyLimitBytes: number;
  /** Temporal Web UI base URL, for links from orders and errors to their workflows */
  webUiUrl: string;
  /** I-3: the coalescing window of inventory loops this API starts (default 1 s) */
  inventoryCoalesceMs?: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export async function buildApi(deps: ApiDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes,
    // A caller's X-Request-Id is kept when sane, so one id follows a request across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Storelink API',
        version: '1',
        description: 'WMS and operations API of Storelink. Every /v1 route needs `Authorization: Bearer <token>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, deps);
  // Channel webhooks are authenticated by their HMAC, not by a bearer token (SPEC §9).
  await app.register(webhookRoutes, deps);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', requireApiToken(deps.db));
      await v1.register(statusRoutes, deps);
      await v1.register(connectionRoutes, deps);
      await v1.register(productRoutes, deps);
      await v1.register(inventoryRoutes, deps);
      await v1.register(tokenRoutes, deps);
      await v1.register(orderRoutes, deps);
      await v1.register(errorQueueRoutes, deps);
    },
    { prefix: '/v1' },
  );
  return app;
}
