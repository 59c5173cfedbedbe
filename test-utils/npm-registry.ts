/*
 * A registry for one npm scope, on 127.0.0.1, serving packed tarballs: with
 * `@mcpmeter:registry` pointed at it, `npm install @mcpmeter/node …` runs exactly as
 * a user types it, resolving @mcpmeter/* here and everything else from the
 * configured registry, as it will once the packages are published.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface ScopeRegistry {
  /** `http://127.0.0.1:port/` */
  url: string;
  /** Names served, e.g. `@mcpmeter/node`. */
  names: string[];
  close(): Promise<void>;
}

interface Packed {
  manifest: Record<string, unknown> & { name: string; version: string };
  tarball: Buffer;
}

/** Serves every `*.tgz` in `dir` (as `pnpm pack` writes them). */
export async function startScopeRegistry(dir: string): Promise<ScopeRegistry> {
  const packages = new Map<string, Packed>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
    const path = join(dir, file);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', path, 'package/package.json'], { encoding: 'utf8' }),
    ) as Packed['manifest'];
    packages.set(manifest.name, { manifest, tarball: readFileSync(path) });
  }
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '/');
    const tarball = /^\/(@[^/]+\/[^/]+)\/-\/[^/]+\.tgz$/.exec(url);
    if (tarball?.[1] && packages.has(tarball[1])) {
      const p = packages.get(tarball[1]);
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(p?.tarball);
      return;
    }
    const p = packages.get(url.slice(1));
    if (!p) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { name, version } = p.manifest;
    const packument = {
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          ...p.manifest,
          _id: `${name}@${version}`,
          dist: {
            tarball: `${base}/${name}/-/${name.split('/')[1]}-${version}.tgz`,
            shasum: createHash('sha1').update(p.tarball).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(p.tarball).digest('base64')}`,
          },
        },
      },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    names: [...packages.keys()],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
