// Minimal HTTP helpers for tests, the demo and benchmarks to talk to a running emulator:
// raw GraphQL posts (the response is returned as-is, errors included) and admin API calls.
import { API_VERSION } from './schema';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T | null;
    errors?: unknown;
    extensions?: {
      cost?: {
        requestedQueryCost: number;
        actualQueryCost: number | null;
        throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
      };
    };
  };
  headers: Headers;
}

export class EmulatorClient {
  constructor(readonly baseUrl: string) {}

  graphqlUrl(shop: string, version: string = API_VERSION): string {
    return `${this.baseUrl}/shops/${shop}/admin/api/${version}/graphql.json`;
  }

  async graphql<T = Record<string, unknown>>(
    shop: string,
    token: string,
    query: string,
    variables?: Record<string, unknown>,
    version?: string,
  ): Promise<GraphQLResponse<T>> {
    const res = await fetch(this.graphqlUrl(shop, version), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as GraphQLResponse<T>['body']) : {}, headers: res.headers };
  }

  async admin<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}
