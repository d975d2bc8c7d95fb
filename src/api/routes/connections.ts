import { TypedSearchAttributes } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  awaitCredentialsCheckUpdate,
  connectionStateQuery,
  disconnectUpdate,
  finishSetupUpdate,
  rotateCredentialsUpdate,
  runStreamNowUpdate,
  searchAttributes,
  setActiveUpdate,
  updateSettingsUpdate,
  workflowIds,
  workflowTypes,
  type ConnectionView,
} from '../../client';
import type { connectionWorkflow } from '../../workflows/connection';
import { createConnection, listConnections, type ConnectionRow } from '../../db/repositories/connections';
import { saveCredentials, savePendingCredentials } from '../../db/repositories/credentials';
import { CHANNELS } from '../../domain/capabilities';
import { CONNECTION_STATUSES, SYNC_STREAMS } from '../../domain/connection-lifecycle';
import { parseConnectionSettings } from '../../domain/connection-settings';
import { credentialsSchemas } from '../../domain/credentials';
import { connectionRowOf, liveConnectionRowOf } from '../connection-rows';
import { ApiError, errorBody } from '../errors';
import type { ApiDependencies } from '../server';
import { runUpdate } from '../temporal-errors';

/** SPEC §9 connections: create, read, settings, credentials, finish, activate/deactivate, disconnect, run now. */

const progress = z.object({ done: z.number(), total: z.number().nullable(), finished: z.boolean() });
const connectionBody = z
  .object({
    id: z.string().uuid(),
    channel: z.enum(CHANNELS),
    clientCode: z.string(),
    warehouseCode: z.string(),
    storeName: z.string().nullable().describe('read from the channel (C-1)'),
    displayName: z.string().nullable(),
    storeIdentity: z.string().nullable(),
    status: z.enum(CONNECTION_STATUSES),
    statusReason: z.string().nullable(),
    active: z.boolean(),
    settings: z.record(z.string(), z.unknown()),
    importProgress: z.object({ products: progress, orders: progress }).nullable().describe('null in lists, and when the workflow cannot be asked'),
    createdAt: z.date(),
  })
  .meta({ id: 'Connection' });

const idParams = z.object({ id: z.string().uuid('expected a connection id (uuid)') });
const security = [{ bearer: [] }];
const credentialsInput = z.record(z.string(), z.unknown()).describe('channel-specific; Shopify: {shop, accessToken, appSecret}');

export const connectionRoutes: FastifyPluginAsyncZod<ApiDependencies> = async (app, deps) => {
  const { db, temporal } = deps;
  const handleOf = (id: string) => temporal.workflow.getHandle(workflowIds.connection(id));

  /** The row mirrors the workflow's status; `live` adds what only the workflow knows (import progress). */
  function present(row: ConnectionRow, live?: ConnectionView): z.infer<typeof connectionBody> {
    return {
      id: row.id,
      channel: row.channel,
      clientCode: row.clientCode,
      warehouseCode: row.warehouseCode,
      storeName: live?.storeName ?? row.storeName,
      displayName: row.displayName,
      storeIdentity: row.storeIdentity,
      status: live?.status ?? row.status,
      statusReason: live ? live.statusReason : row.statusReason,
      active: live?.active ?? row.active,
      settings: row.settings as Record<string, unknown>,
      importProgress: live?.importProgress ?? null,
      createdAt: row.createdAt,
    };
  }

  /** One connection with its live state; a workflow that cannot answer leaves the stored state. */
  async function presentLive(row: ConnectionRow): Promise<z.infer<typeof connectionBody>> {
    return present(row, await handleOf(row.id).query(connectionStateQuery).catch(() => undefined));
  }

  const rowOf = (id: string) => connectionRowOf(db, id);
  /** A connection whose workflow still listens: a disconnected one ended for good (C-8). */
  const liveRowOf = (id: string) => liveConnectionRowOf(db, id);

  function parseCredentials(channel: ConnectionRow['channel'], credentials: unknown): Record<string, unknown> {
    const schema = credentialsSchemas[channel];
    if (!schema) throw new ApiError(400, 'unsupported_channel', `Storelink cannot connect ${channel} stores yet`);
    const parsed = schema.safeParse(credentials);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: `body.credentials.${i.path.join('.')}`, message: i.message }));
      throw new ApiError(400, 'validation_failed', `invalid credentials: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    }
    return parsed.data;
  }

  app.post(
    '/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'Create a connection: stores the credentials sealed, starts its workflow, and answers once they were checked (C-1, C-2)',
        security,
        body: z
          .object({
            channel: z.enum(CHANNELS),
            clientCode: z.string().trim().min(1),
            warehouseCode: z.string().trim().min(1),
            displayName: z.string().trim().min(1).optional(),
            active: z.boolean().default(true),
            credentials: credentialsInput,
            settings: z.record(z.string(), z.unknown()).optional(),
          })
          .strict(),
        response: { 201: connectionBody, 400: errorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const settings = parseConnectionSettings(body.settings ?? {}, { channel: body.channel, setupCompleted: false });
      if (!settings.ok) {
        const message = settings.problems.map((p) => `settings.${p.field}: ${p.message}`).join('; ');
        throw new ApiError(400, 'invalid_settings', message, { problems: settings.problems });
      }
      const credentials = parseCredentials(body.channel, body.credentials);
      const row = await createConnection(db, {
        channel: body.channel,
        clientCode: body.clientCode,
        warehouseCode: body.warehouseCode,
        displayName: body.displayName ?? null,
        active: body.active,
        settings: settings.settings,
      });
      await saveCredentials(db, deps.secrets, row.id, credentials);
      const handle = await temporal.workflow.start<typeof connectionWorkflow>(workflowTypes.connection, {
        workflowId: workflowIds.connection(row.id),
        taskQueue: deps.taskQueue,
        args: [{ connectionId: row.id, channel: row.channel, clientCode: row.clientCode, warehouseCode: row.warehouseCode, displayName: row.displayName, active: row.active }],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: searchAttributes.connectionId, value: row.id },
          { key: searchAttributes.channel, value: row.channel },
          { key: searchAttributes.storeName, value: row.displayName ?? `(validating ${body.channel} store)` },
        ]),
        staticSummary: `${row.channel} connection of client ${row.clientCode} → warehouse ${row.warehouseCode}`,
        staticDetails: `connection id ${row.id}`,
      });
      const view = await handle.executeUpdate(awaitCredentialsCheckUpdate);
      return reply.status(201).send(present(await rowOf(row.id), view));
    },
  );

  app.get(
    '/connections',
    { schema: { tags: ['connections'], summary: 'List connections', security, response: { 200: z.object({ connections: z.array(connectionBody) }) } } },
    // From the rows alone: a list must not ask every workflow.
    async () => ({ connections: (await listConnections(db)).map((row) => present(row)) }),
  );

  app.get(
    '/connections/:id',
    { schema: { tags: ['connections'], summary: 'A connection with its live status and import progress', security, params: idParams, response: { 200: connectionBody, 404: errorBody } } },
    async (request) => presentLive(await rowOf(request.params.id)),
  );

  app.patch(
    '/connections/:id/settings',
    {
      schema: {
        tags: ['connections'],
        summary: 'Replace the settings; validated against the channel (C-6), errors name the field',
        security,
        params: idParams,
        body: z.record(z.string(), z.unknown()),
        response: { 200: connectionBody, 400: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const row = await liveRowOf(request.params.id);
      const view = await runUpdate('update settings', () => handleOf(row.id).executeUpdate(updateSettingsUpdate, { args: [request.body] }));
      return present(await rowOf(row.id), view);
    },
  );

  app.put(
    '/connections/:id/credentials',
    {
      schema: {
        tags: ['connections'],
        summary: 'Rotate credentials: the new ones replace the old only if the channel accepts them (C-2, C-5)',
        security,
        params: idParams,
        body: credentialsInput,
        response: { 200: connectionBody, 400: errorBody, 404: errorBody, 409: errorBody, 422: errorBody },
      },
    },
    async (request) => {
      const row = await liveRowOf(request.params.id);
      const credentials = parseCredentials(row.channel, request.body);
      if (!(await savePendingCredentials(db, deps.secrets, row.id, credentials))) {
        throw new ApiError(409, 'conflict', `connection ${row.id} has no credentials to rotate`);
      }
      const view = await runUpdate('rotate credentials', () => handleOf(row.id).executeUpdate(rotateCredentialsUpdate));
      return present(await rowOf(row.id), view);
    },
  );

  const actions = {
    finish: 'Finish setup: run the initial import (C-3)',
    activate: 'Activate: resume every schedule (C-4)',
    deactivate: 'Deactivate: pause every schedule within seconds (C-4)',
    disconnect: 'Disconnect: delete schedules, keep data for audit (C-8)',
  } as const;

  for (const [action, summary] of Object.entries(actions)) {
    app.post(
      `/connections/:id/${action}`,
      { schema: { tags: ['connections'], summary, security, params: idParams, response: { 200: connectionBody, 404: errorBody, 409: errorBody } } },
      async (request) => {
        const row = await liveRowOf(request.params.id);
        const handle = handleOf(row.id);
        const view = await runUpdate(action, () => {
          switch (action) {
            case 'finish':
              return handle.executeUpdate(finishSetupUpdate);
            case 'activate':
            case 'deactivate':
              return handle.executeUpdate(setActiveUpdate, { args: [action === 'activate'] });
            default:
              return handle.executeUpdate(disconnectUpdate);
          }
        });
        return present(await rowOf(row.id), view);
      },
    );
  }

  app.post(
    '/connections/:id/streams/:stream/run',
    {
      schema: {
        tags: ['connections'],
        summary: "Run a stream's schedule now (C-9)",
        security,
        params: idParams.extend({ stream: z.enum(SYNC_STREAMS) }),
        response: { 202: connectionBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const row = await liveRowOf(request.params.id);
      const view = await runUpdate(`run ${request.params.stream}`, () =>
        handleOf(row.id).executeUpdate(runStreamNowUpdate, { args: [request.params.stream] }),
      );
      return reply.status(202).send(present(row, view));
    },
  );
};
