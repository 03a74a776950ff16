import { join } from 'node:path';
import { WORKSPACE } from '../../support/processes';
import { cleanEnv, type NetworkLab } from './network-lab';

export const SCRIPTS_DIR = join(WORKSPACE, 'deploy/scripts');
export const ADVANCED = join(SCRIPTS_DIR, 'setup-advanced-networking.sh');
export const VALIDATE = join(SCRIPTS_DIR, 'validate-networking.sh');
export const SETUP_NETWORK = join(SCRIPTS_DIR, 'setup-network.sh');

/** Runs a deploy script inside a namespace, as an operator would on that host. */
export function runScript(lab: NetworkLab, ns: string, script: string, args: string[], env: Record<string, string> = {}) {
  return lab.exec(ns, script, args, { env: cleanEnv(env), timeoutMs: 30_000 });
}

/** setup-advanced-networking.sh with its files and daemons kept in `dir`, never /etc or systemd. */
export function runAdvanced(lab: NetworkLab, ns: string, dir: string, args: string[], env: Record<string, string> = {}) {
  return runScript(lab, ns, ADVANCED, ['--config-dir', dir, '--run-dir', dir, ...args], env);
}
