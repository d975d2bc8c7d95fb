import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

/**
 * The CLI's way to the API: bearer token from STORELINK_API_TOKEN, or the embedded stack's dev
 * token file. API errors surface with the API's own message.
 */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static fromConfig(cfg: Config): ApiClient {
    const devTokenFile = path.join(cfg.dataDir, 'dev-token');
    const token = cfg.cli.apiToken ?? (fs.existsSync(devTokenFile) ? fs.readFileSync(devTokenFile, 'utf8').trim() : undefined);
    if (!token) throw new Error('no API token: set STORELINK_API_TOKEN (create one with `storelink tokens create --name <name>`)');
    return new ApiClient(cfg.cli.apiUrl, token);
  }

  async request<T>(method: string, route: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${route}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(`the API at ${this.baseUrl} is unreachable (${((error as { cause?: Error }).cause ?? (error as Error)).message}); is Storelink running?`, { cause: error });
    }
    const text = await response.text();
    const payload: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const message = (payload as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${response.status}`;
      throw new Error(message);
    }
    return payload as T;
  }
}
