// Admin HTTP API under /_admin (JSON) for tests, the demo and benchmarks: read what the warehouse
// received and posted back, change its behaviour, ship by hand, start over. Inputs are validated
// with zod: bad input answers 400 with the issues, an unknown order 404.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SimulatorError, type SimulatorStore } from './store';
import type { StorelinkPoster } from './storelink';
import type { Warehouse } from './warehouse';

const delayMs = z.number().int().min(0).max(3_600_000);
const configInput = z
  .object({ autoShip: z.boolean(), progressDelayMs: delayMs, shipDelayMs: delayMs, failNextWebhooks: z.number().int().min(0).max(10_000) })
  .partial()
  .strict();
const shipInput = z
  .object({
    lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() }).strict()).min(1),
    wmsShipmentId: z.string().min(1),
    trackingNumbers: z.array(z.string().min(1)).min(1),
  })
  .partial()
  .strict();

export interface AdminDeps {
  store: SimulatorStore;
  warehouse: Warehouse;
  storelink: StorelinkPoster;
}

class BadInput extends Error {
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super('invalid request');
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new BadInput(result.error.issues);
  return result.data;
}

export async function registerAdminRoutes(app: FastifyInstance, { store, warehouse, storelink }: AdminDeps): Promise<void> {
  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof BadInput) return reply.code(400).send({ error: 'invalid request', issues: err.issues });
    if (err instanceof SimulatorError) return reply.code(err.status).send({ error: err.message });
    const e = err as { statusCode?: number; message?: string };
    const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    if (status === 500) app.log.error(err);
    return reply.code(status).send({ error: e.message ?? 'internal error' });
  });

  app.get('/_admin/health', async () => ({ ok: true, storelinkUrl: storelink.target.url ?? null, config: store.config }));
  app.get('/_admin/orders', async () => [...store.orders.values()]);
  app.get('/_admin/deliveries', async () => store.deliveries);
  app.put('/_admin/config', async (req) => Object.assign(store.config, parse(configInput, req.body)));
  app.post('/_admin/orders/:id/ship', async (req) => {
    const record = store.requireOrder((req.params as { id: string }).id);
    return warehouse.shipNow(record, parse(shipInput, req.body));
  });
  app.post('/_admin/reset', async () => {
    warehouse.stopAll();
    store.reset();
    return { ok: true };
  });
}
