import type { NetworkLab } from './network-lab';

export interface Reply {
  /** 0 when no HTTP answer came at all. */
  status: number;
  body: string;
}

/**
 * One HTTP request (GET unless told) made with curl from inside a namespace, optionally from one of
 * its addresses and with extra headers; never through a proxy.
 */
export async function curlIn(
  lab: NetworkLab,
  ns: string,
  url: string,
  options: { method?: string; from?: string; headers?: Record<string, string>; timeoutSeconds?: number } = {},
): Promise<Reply> {
  const args = ['-sS', '-g', '--noproxy', '*', '--max-time', String(options.timeoutSeconds ?? 3), '-w', '\n%{http_code}'];
  if (options.method) args.push('-X', options.method);
  if (options.from) args.push('--interface', options.from);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  const exit = await lab.exec(ns, 'curl', [...args, url]);
  const separator = exit.stdout.lastIndexOf('\n');
  return { status: Number(exit.stdout.slice(separator + 1)) || 0, body: exit.stdout.slice(0, Math.max(separator, 0)) };
}
