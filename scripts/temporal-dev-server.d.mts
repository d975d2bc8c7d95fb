// Types for the plain-Node module, so TypeScript benches and tests can reuse it.
import type { ChildProcess } from 'node:child_process';

export declare const SEARCH_ATTRIBUTES: string[];
export declare const GRPC_PORT: number;
export declare const UI_PORT: number;
export declare const NAMESPACE: string;
export declare function devServerArgs(dbFile: string, ports?: { port?: number; uiPort?: number }): string[];
export declare function portAnswers(port: number, host?: string): Promise<boolean>;
export declare function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void>;
export declare function startTemporalDevServer(binary: string, dataDir: string): Promise<ChildProcess | undefined>;
