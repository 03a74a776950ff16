import { readFileSync } from 'node:fs';
import { ConfigError, settingFor, type IronicTlsFiles } from '@ironic-metadata/config';
import type { IronicTlsOptions } from '@ironic-metadata/ironic-client';

/**
 * The PEM files of `OS_CACERT`, `OS_CERT` and `OS_KEY`, read for the Ironic client at start-up, so
 * that a missing file stops the start rather than every request to Ironic.
 * @throws ConfigError naming the setting whose file cannot be read.
 */
export function readIronicTls(files: IronicTlsFiles | undefined): IronicTlsOptions | undefined {
  if (!files) return undefined;
  const read = (path: string | undefined, field: 'source.tls.caFile' | 'source.tls.certFile' | 'source.tls.keyFile') => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ConfigError(
        `invalid configuration: ${settingFor(field)}: cannot read ${path} (${reason}); give a readable PEM file, or unset it`,
      );
    }
  };
  return {
    ca: read(files.caFile, 'source.tls.caFile'),
    cert: read(files.certFile, 'source.tls.certFile'),
    key: read(files.keyFile, 'source.tls.keyFile'),
  };
}
