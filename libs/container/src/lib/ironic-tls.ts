import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, settingFor, type IronicTlsFiles } from '@ironic-metadata/config';
import type { IronicTlsOptions } from '@ironic-metadata/ironic-client';

type TlsField = 'source.tls.caFile' | 'source.tls.certFile' | 'source.tls.keyFile';

const refuse = (field: TlsField, problem: string) => new ConfigError(`invalid configuration: ${settingFor(field)}: ${problem}`);

/**
 * The PEM files of `OS_CACERT`, `OS_CERT` and `OS_KEY`, read and checked for the Ironic client at
 * start-up (a CA file holds a certificate; the client certificate is one and has its private key, in
 * `OS_KEY` or in its own file, and they belong together), so that a bad file stops the start rather
 * than every request to Ironic failing with OpenSSL's words and no setting named.
 * @throws ConfigError naming the setting, its file and what is wrong with it.
 */
export function readIronicTls(files: IronicTlsFiles | undefined): IronicTlsOptions | undefined {
  if (!files) return undefined;
  const read = (path: string | undefined, field: TlsField) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw refuse(field, `cannot read ${path} (${reason}); give a readable PEM file, or unset it`);
    }
  };
  const tls = {
    ca: read(files.caFile, 'source.tls.caFile'),
    cert: read(files.certFile, 'source.tls.certFile'),
    key: read(files.keyFile, 'source.tls.keyFile'),
  };
  if (tls.ca !== undefined) certificateIn(tls.ca, files.caFile as string, 'source.tls.caFile');
  if (tls.cert !== undefined) {
    const certificate = certificateIn(tls.cert, files.certFile as string, 'source.tls.certFile');
    const key = privateKeyFor(tls, files);
    if (!certificate.checkPrivateKey(key)) {
      throw refuse(
        files.keyFile === undefined ? 'source.tls.certFile' : 'source.tls.keyFile',
        `the private key in ${files.keyFile ?? files.certFile} is not the key of the certificate in ${files.certFile}; give the certificate's own key`,
      );
    }
  }
  return tls;
}

/** The first certificate of a PEM file (a CA bundle holds several; one is enough to know it is one). */
function certificateIn(pem: string, path: string, field: TlsField): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw refuse(field, `${path} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"); give a PEM certificate file, or unset it`);
  }
}

/** The client certificate's key: `OS_KEY`'s file, else the certificate's own file (as keystoneauth reads `OS_CERT`). */
function privateKeyFor(tls: { cert?: string; key?: string }, files: IronicTlsFiles): KeyObject {
  try {
    return createPrivateKey(tls.key ?? (tls.cert as string));
  } catch {
    if (files.keyFile !== undefined) {
      throw refuse('source.tls.keyFile', `${files.keyFile} holds no unencrypted PEM private key; give the certificate's key file`);
    }
    throw refuse(
      'source.tls.certFile',
      `${files.certFile} holds no private key for the certificate; set OS_KEY to its key file, or put the key in the same file`,
    );
  }
}
