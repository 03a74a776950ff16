/**
 * Nova's keypair types (nova/objects/keypair.py `KEYPAIR_TYPE_SSH`, `KEYPAIR_TYPE_X509`), the `type`
 * of each entry of meta_data.json `keys`. cloudbase-init takes `x509` entries as WinRM client
 * certificates and only `ssh` entries as SSH keys.
 */
export type KeypairType = 'ssh' | 'x509';

/** One public key line as OpenSSH writes it (`sshkey_read`), optionally prefixed by authorized_keys options. */
export interface OpenSshPublicKey {
  /** authorized_keys options (`from="10.0.0.0/8",no-pty`), when the line carries them. */
  options?: string;
  /** The algorithm name, e.g. `ssh-ed25519`, `sk-ecdsa-sha2-nistp256@openssh.com`, `ssh-rsa-cert-v01@openssh.com`. */
  algorithm: string;
  /** The decoded key blob (RFC 4253 section 6.6): its first string repeats the algorithm name. */
  blob: Buffer;
  comment?: string;
}

/** What a key is, as far as its type is concerned. */
export type KeyDescription =
  | { type: 'ssh'; form: 'openssh'; algorithm: string }
  | { type: 'x509'; form: 'pem-certificate' }
  /** Neither: Nova's keypair type defaults to ssh (API microversion 2.2), so it is served as one. */
  | { type: 'ssh'; form: 'unrecognised' };

/** RFC 4251 section 6: an algorithm name is printable US-ASCII without whitespace or comma, at most 64 characters. */
const ALGORITHM_NAME = /^[\x21-\x2b\x2d-\x7e]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** RFC 7468 section 5.1; OpenSSL and pyca/cryptography (Nova's `load_pem_x509_certificate`) also read `X509 CERTIFICATE`. */
const PEM_CERTIFICATE = /-----BEGIN (X509 )?CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END \1?CERTIFICATE-----/;

/**
 * Classifies a public key by what it is, never by a list of name prefixes: `x509` for a certificate in
 * PEM (what Nova accepts as an x509 keypair, nova/crypto.py `generate_x509_fingerprint`); `ssh` for
 * an OpenSSH public key line of any algorithm (plain keys, `sk-*` security keys, `*-cert-v01`
 * certificates, with or without authorized_keys options) and, as Nova's default type, for anything
 * else.
 */
export function describeKey(data: string): KeyDescription {
  if (isPemCertificate(data)) return { type: 'x509', form: 'pem-certificate' };
  const key = parseOpenSshPublicKey(data);
  return key ? { type: 'ssh', form: 'openssh', algorithm: key.algorithm } : { type: 'ssh', form: 'unrecognised' };
}

/**
 * Parses `[options] algorithm base64-blob [comment]`, the way sshd reads an authorized_keys line:
 * first as a bare key, then after skipping the options (comma-separated, double quotes may hold
 * spaces, `\"` escapes a quote). The blob must be base64 whose first length-prefixed string is the
 * algorithm name. Answers undefined for anything else.
 */
export function parseOpenSshPublicKey(line: string): OpenSshPublicKey | undefined {
  const text = line.trim();
  const bare = parseKeyFields(text);
  if (bare) return bare;
  const end = endOfOptions(text);
  if (end === undefined) return undefined;
  const key = parseKeyFields(text.slice(end).trimStart());
  return key && { options: text.slice(0, end), ...key };
}

/** True when `data` holds a PEM certificate whose body is DER (an ASN.1 SEQUENCE). */
export function isPemCertificate(data: string): boolean {
  const match = PEM_CERTIFICATE.exec(data);
  if (!match) return false;
  const der = Buffer.from(match[2].replace(/\s+/g, ''), 'base64');
  return der.length > 2 && der[0] === 0x30;
}

function parseKeyFields(text: string): OpenSshPublicKey | undefined {
  const [algorithm, encoded, ...comment] = text.split(/[ \t]+/);
  if (!algorithm || !encoded || !ALGORITHM_NAME.test(algorithm) || !BASE64.test(encoded)) return undefined;
  const blob = Buffer.from(encoded, 'base64');
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length !== Buffer.byteLength(algorithm) || blob.subarray(4, 4 + length).toString('latin1') !== algorithm) return undefined;
  return { algorithm, blob, ...(comment.length > 0 ? { comment: comment.join(' ') } : {}) };
}

/** The index just past the options field: the first blank outside double quotes. */
function endOfOptions(text: string): number | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted && text[i + 1] === '"') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ' ' || c === '\t')) return i > 0 ? i : undefined;
  }
  return undefined;
}
