// A minimal server for Nx's self-hosted remote cache API (Nx ≥ 20.8: NX_SELF_HOSTED_REMOTE_CACHE_SERVER):
// PUT /v1/cache/{hash} stores a tar body, GET returns it or 404. In memory, loopback only: for tests.
// It enforces what a server must to resist cache poisoning (CVE-2025-36852, "CREEP"): the read token
// may GET but never PUT (403), and an existing entry is never replaced (409).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RemoteCache {
  url: string;
  /** May read and write: what only pushes to the default branch get. */
  token: string;
  /** May only read: what pull requests get. */
  readToken: string;
  stats: { gets: number; hits: number; puts: number; forbidden: number };
  /** Hashes a read-only token tried to PUT (refused). */
  refused: string[];
  entries: Map<string, Buffer>;
  close(): Promise<void>;
}

export async function startRemoteCache(token = 'rust-perf-e2e-token', readToken = 'rust-perf-e2e-read-token'): Promise<RemoteCache> {
  const entries = new Map<string, Buffer>();
  const stats = { gets: 0, hits: 0, puts: 0, forbidden: 0 };
  const refused: string[] = [];
  // Nx 24 wants text/plain on 401 and 403 ("Misconfigured remote cache endpoint" otherwise).
  const deny = (res: http.ServerResponse, status: number, why: string) => void res.writeHead(status, { 'Content-Type': 'text/plain' }).end(why);
  const server = http.createServer((req, res) => {
    const match = /^\/v1\/cache\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '');
    if (!match) return void res.writeHead(404).end();
    const auth = req.headers.authorization;
    const canWrite = auth === `Bearer ${token}`;
    if (!canWrite && auth !== `Bearer ${readToken}`) return deny(res, 401, 'missing or unknown token');
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
      if (!canWrite) {
        stats.forbidden++;
        refused.push(hash);
        req.resume();
        return deny(res, 403, 'read-only token');
      }
      if (entries.has(hash)) return deny(res, 409, 'entry exists');
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
    readToken,
    stats,
    refused,
    entries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The environment that points Nx at the server: the write token, or with `read` the read-only one (a pull request's). */
export function remoteCacheEnv(cache: RemoteCache, access: 'write' | 'read' = 'write'): Record<string, string> {
  return { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: access === 'write' ? cache.token : cache.readToken };
}
