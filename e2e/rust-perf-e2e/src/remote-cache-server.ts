// A minimal server for Nx's self-hosted remote cache API (Nx ≥ 20.8: NX_SELF_HOSTED_REMOTE_CACHE_SERVER):
// PUT /v1/cache/{hash} stores a tar body, GET returns it or 404. In memory, loopback only: for tests.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RemoteCache {
  url: string;
  token: string;
  stats: { gets: number; hits: number; puts: number };
  entries: Map<string, Buffer>;
  close(): Promise<void>;
}

export async function startRemoteCache(token = 'rust-perf-e2e-token'): Promise<RemoteCache> {
  const entries = new Map<string, Buffer>();
  const stats = { gets: 0, hits: 0, puts: 0 };
  const server = http.createServer((req, res) => {
    const match = /^\/v1\/cache\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '');
    if (!match) return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
    const hash = match[1];
    if (req.method === 'GET') {
      stats.gets++;
      const body = entries.get(hash);
      if (!body) return void res.writeHead(404).end();
      stats.hits++;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
      return void res.end(body);
    }
    if (req.method === 'PUT') {
      if (entries.has(hash)) return void res.writeHead(409).end();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        entries.set(hash, Buffer.concat(chunks));
        stats.puts++;
        res.writeHead(200).end();
      });
      return;
    }
    res.writeHead(405).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    stats,
    entries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The environment that points Nx at the server. */
export function remoteCacheEnv(cache: RemoteCache): Record<string, string> {
  return { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: cache.token };
}
