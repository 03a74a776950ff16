import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { startChild, type ChildHandle } from './child-process';
import { freePort } from './free-port';
import { waitForListening } from './wait-for-listening';

export interface NginxHandle {
  port: number;
  child: ChildHandle;
  /** Stops nginx and removes its files. */
  stop(): Promise<void>;
}

/** Where a response to `path` is kept: every path gets `.body` appended, so `/a/` and `/a` can both be files. */
function fileFor(root: string, path: string): string {
  return join(root, `${path}.body`);
}

/** Debian's defaults for a static file server, minus logging (the service under test logs warnings only). */
function nginxConfig(directory: string, port: number, workers: string): string {
  return `worker_processes ${workers};
daemon off;
pid ${directory}/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  open_file_cache max=1000 inactive=60s;
  types {}
  default_type text/plain;
  client_body_temp_path ${directory}/tmp/body;
  proxy_temp_path ${directory}/tmp/proxy;
  fastcgi_temp_path ${directory}/tmp/fastcgi;
  uwsgi_temp_path ${directory}/tmp/uwsgi;
  scgi_temp_path ${directory}/tmp/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    root ${directory}/www;
    location / { try_files $uri.body =404; }
  }
}
`;
}

function findNginx(): string {
  const directories = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin'];
  for (const directory of directories) {
    const candidate = join(directory, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  throw new Error('nginx is not installed (Debian: apt-get install nginx); or pass --skip-nginx');
}

/**
 * nginx serving `responses` (path -> body) as static files from a temporary directory: the ceiling of
 * what any server could do for the same requests on this machine.
 */
export async function startNginx(responses: ReadonlyMap<string, Buffer>, workers: string): Promise<NginxHandle> {
  const nginx = findNginx();
  const directory = await mkdtemp(join(tmpdir(), 'bench-nginx-'));
  // Workers drop to an unprivileged user when started as root: they must be able to read the files.
  await chmod(directory, 0o755);
  for (const [path, body] of responses) {
    const file = fileFor(join(directory, 'www'), path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, body);
  }
  await mkdir(join(directory, 'tmp'));
  const port = await freePort();
  await writeFile(join(directory, 'nginx.conf'), nginxConfig(directory, port, workers));
  const child = startChild('nginx', nginx, ['-p', directory, '-c', join(directory, 'nginx.conf'), '-e', 'stderr'], {
    PATH: process.env['PATH'],
  });
  const stop = async () => {
    await child.stop();
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await waitForListening(port, child, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, child, stop };
}
