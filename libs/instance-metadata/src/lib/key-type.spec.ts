import fc from 'fast-check';
import { describeKey, isPemCertificate, parseOpenSshPublicKey } from './key-type';

// Real public keys: ssh-keygen 9.2 (ed25519, ecdsa, rsa, dsa, and an ed25519 key signed as a user
// certificate); the two security keys laid out as OpenSSH's sshkey.c writes them (no hardware here).
const KEYS = {
  ed25519: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICxqN2inzsDX+YCsPir4B/V6YkgQP26/CeXzYg8tTuZO ops@example.com',
  ecdsa:
    'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLNmADXRk7GeYw3+Q1o9sSh6o1Q3idOffVxAn+lkD8xNd3MgjyG0t8BYYJehvNWtkaU51LlAc9eJXOM9HEoENPs= ops@example.com',
  rsa: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDAg8IeKz8hxMt4Z9iKul0BESWEt6i4NZ09QwSF3WPssuJQJgA2UHY8zxTQxI/uBXxhXrkCGWqIZCwcEYvI+v/8tGw4Gb5ET4gXkDfSalsZpYG98Ztr7IPipn3MgBg+LNn6t2WqZYRmJcWp9o6HuRkSH1g2/dO16mWe9sWk4gS2fw== ops@example.com',
  dsa: 'ssh-dss AAAAB3NzaC1kc3MAAACBAJrRoFNggG8Xihx+INwu4hyxOiRrv6O7gG6NXrNQtK4xoZonIQCfdu1w3PSVxyJvDK78xek1fkmMITkyIrb00a2V574hswxG8CKEbaaJAJzlsddmfXjNSFALwYv2aYPk7ehc2WDFcFCjT+O5DkMY7xcI563+rolBe7dkh2WbXBsbAAAAFQCN7ZgEt6ll4kfacbiRTkUZeBL3hwAAAIEAkehtldY3u0BAC2SNrdPvN1ku6zuvjj6ZaylaH7hcSRj6esgCNu12xk0co8cxQtEhdKW8QZXejbhiRGYMKEDbGcCmcmdjpskuy2MJIex+aZTkiLUV7YipF0Xpmcm4Bw/TNdezvhK6e034TmHhjaNS3HwDaidXfMK10PkcvSO+dnsAAACAA2NDYn28b1VefYPx48Umkia7Cqg2Dw5g8td7PfwapRm4vskFBICdZOFKl4CS/T5YpXU/zFnTXiqbXqwIgGKnD3mvDkObT3nzlOdEQhHF65SwioEniVHuaUowK3d/sLsHGuiSmaBqWZzqecKttgv8HnCJwKaoZ+nQJiW1lKkbDWI= ops@example.com',
  certificate:
    'ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIN2+mwNYVfQOUuRg0kmhBNCY/OD71sbmUTD3ASHLUqbYAAAAICxqN2inzsDX+YCsPir4B/V6YkgQP26/CeXzYg8tTuZOAAAAAAAAAAAAAAABAAAABWhvc3QxAAAABwAAAANvcHMAAAAAAAAAAP//////////AAAAAAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlbnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVzZXItcmMAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAgIYT7UjHJMjckWgH93lNSpRoThpmkvBA5Eu77NaNvT8QAAABTAAAAC3NzaC1lZDI1NTE5AAAAQGHyCSbq7r/nZOVX2MxoEvleBIYt9f32Sr33WcGw0+Qvbn7teGjLYPlEdTwuxjKzOMBEv5yLGEyetLBnIOPrrAQ= ops@example.com',
  skEd25519:
    'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIFV0B+5fWrlYh3xbrt7w5UzonW33RO+g5yDovvwmz6IaAAAABHNzaDo= yubikey',
  skEcdsa:
    'sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAIbmlzdHAyNTYAAABBBCRB6pN93Gvwb/6Z3JdhJwqei4fFE/EXoZd+QUNf+fYGLUmRZD7gZB0TCfVS/bxKCjceIKAgq9XBYG8R2tTNIZwAAAAEc3NoOg== yubikey',
};

/** `openssl req -x509 -newkey ec` (CN=winrm), the kind of certificate cloudbase-init installs for WinRM. */
const PEM = `-----BEGIN CERTIFICATE-----
MIIBdjCCARugAwIBAgIUGpS2mr/xWp7kcBhM+utQmHkdJxYwCgYIKoZIzj0EAwIw
EDEOMAwGA1UEAwwFd2lucm0wHhcNMjYxMTMwMjMyNjU5WhcNMzYxMTI3MjMyNjU5
WjAQMQ4wDAYDVQQDDAV3aW5ybTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGj/
9tG+s0S8Q8nel22YHtwRCgQGa//1yq2Z6XfQGbbBWtE8rS2l/oczMOaYaYl455QB
D8d3+tR17/IV8kYoG3OjUzBRMB0GA1UdDgQWBBRSRLxxGVGQbKkyKaYwwAF3s+Bo
gjAfBgNVHSMEGDAWgBRSRLxxGVGQbKkyKaYwwAF3s+BogjAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0kAMEYCIQCwA8Rm+cREUyfBc38607COE4cP0cdsbutZ
cdtnvtjxFQIhAOpuucOKAb8ZVNE2ugeaqMARkKf+Dv2owbzxu9ACOUMM
-----END CERTIFICATE-----
`;

describe('describeKey', () => {
  it.each(Object.entries(KEYS))('%s is an OpenSSH key: ssh', (_, line) => {
    expect(describeKey(line)).toEqual({ type: 'ssh', form: 'openssh', algorithm: line.split(' ')[0] });
  });

  it('reads a key behind authorized_keys options, quoted blanks and escaped quotes included', () => {
    const options = 'from="10.0.0.0/8,192.168.0.0/16",command="echo \\"hello world\\"",no-pty';
    expect(parseOpenSshPublicKey(`${options} ${KEYS.skEcdsa}`)).toMatchObject({
      options,
      algorithm: 'sk-ecdsa-sha2-nistp256@openssh.com',
      comment: 'yubikey',
    });
    expect(describeKey(`restrict ${KEYS.certificate}`)).toMatchObject({ type: 'ssh', form: 'openssh' });
  });

  it('takes a PEM certificate as x509, with or without text around it, CRLF line ends too', () => {
    expect(describeKey(PEM)).toEqual({ type: 'x509', form: 'pem-certificate' });
    expect(describeKey(`subject=CN = winrm\n${PEM.replace(/\n/g, '\r\n')}`)).toEqual({ type: 'x509', form: 'pem-certificate' });
    expect(describeKey(PEM.replace(/CERTIFICATE/g, 'X509 CERTIFICATE'))).toEqual({ type: 'x509', form: 'pem-certificate' });
  });

  it('serves anything else as ssh, Nova’s default keypair type, and says it did not recognise it', () => {
    for (const data of [
      '',
      'ssh-ed25519',
      'ssh-ed25519 not-base64!',
      'ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIExample',
      PEM.replace('CERTIFICATE-----\n', 'PUBLIC KEY-----\n').replace('END CERTIFICATE', 'END PUBLIC KEY'),
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
    ]) {
      expect(describeKey(data)).toEqual({ type: 'ssh', form: 'unrecognised' });
    }
  });

  it('does not take a blob that names another algorithm for a key of the line’s algorithm', () => {
    expect(parseOpenSshPublicKey(KEYS.ed25519.replace('ssh-ed25519', 'ssh-ed25518'))).toBeUndefined();
  });
});

/** RFC 4251 section 6 names: printable ASCII without blank or comma, up to 64 characters, `@domain` for local ones. */
const algorithmName = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,30}$/),
    fc.option(fc.constantFrom('@openssh.com', '@example.org', '-cert-v01@openssh.com'), { nil: undefined }),
  )
  .map(([name, domain]) => `${name}${domain ?? ''}`.slice(0, 64));

const sshString = (bytes: Uint8Array | string) => {
  const body = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
};

const openSshLine = fc.record({
  algorithm: algorithmName,
  key: fc.uint8Array({ maxLength: 96 }),
  comment: fc.option(fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,30}$/), { nil: undefined }),
  options: fc.option(fc.constantFrom('no-pty', 'restrict,command="uptime -p"', 'from="10.0.0.1",environment="A=b c"'), { nil: undefined }),
});

const pemCertificate = fc.uint8Array({ minLength: 8, maxLength: 600 }).map((body) => {
  const der = Buffer.concat([Buffer.from([0x30, 0x82]), Buffer.from(body)]);
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
});

describe('describeKey properties', () => {
  it('every OpenSSH key line, of any algorithm name, options or not, is ssh and names its algorithm', () => {
    fc.assert(
      fc.property(openSshLine, ({ algorithm, key, comment, options }) => {
        const blob = Buffer.concat([sshString(algorithm), sshString(key)]).toString('base64');
        const line = [options, algorithm, blob, comment].filter((part) => part !== undefined).join(' ');
        expect(describeKey(line)).toEqual({ type: 'ssh', form: 'openssh', algorithm });
      }),
    );
  });

  it('every PEM certificate is x509', () => {
    fc.assert(fc.property(pemCertificate, (pem) => expect(describeKey(pem)).toEqual({ type: 'x509', form: 'pem-certificate' })));
    fc.assert(fc.property(pemCertificate, (pem) => expect(isPemCertificate(pem)).toBe(true)));
  });

  it('text without a PEM armour is never x509', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        fc.pre(!text.includes('-----BEGIN'));
        expect(describeKey(text).type).toBe('ssh');
      }),
    );
  });
});
