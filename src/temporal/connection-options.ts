import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config';

/** Options both the client Connection and the worker's NativeConnection take: address, TLS, API key. */
export function temporalConnectionOptions(temporal: Config['temporal']): {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
} {
  const { tls, apiKey, address } = temporal;
  if (!tls) return { address };
  const readFile = (file: string, variable: string) => {
    try {
      return fs.readFileSync(file);
    } catch (error) {
      throw new Error(`${variable}: cannot read ${file} (${(error as Error).message})`, { cause: error });
    }
  };
  return {
    address,
    apiKey,
    tls: {
      serverNameOverride: tls.serverName,
      serverRootCACertificate: tls.caPath ? readFile(tls.caPath, 'TEMPORAL_TLS_CA_PATH') : undefined,
      clientCertPair:
        tls.certPath && tls.keyPath
          ? { crt: readFile(tls.certPath, 'TEMPORAL_TLS_CERT_PATH'), key: readFile(tls.keyPath, 'TEMPORAL_TLS_KEY_PATH') }
          : undefined,
    },
  };
}
