import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, loadConfig } from './config';
import { boolean, cidrList, integer } from './parsers';
import { SETTINGS } from './settings';
import { replaceSettingsSection, settingsListing, settingsMarkdownTable } from './settings-docs';

describe('the settings table', () => {
  it('is what the README lists (run `npm run docs:settings` after changing a setting)', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    expect(replaceSettingsSection(readme, settingsMarkdownTable())).toBe(readme);
  });

  it('names each variable and each Config field once, and every default parses', () => {
    expect(new Set(SETTINGS.map((setting) => setting.name)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((setting) => setting.field)).size).toBe(SETTINGS.length);
    for (const setting of SETTINGS) {
      if ('default' in setting)
        expect({ [setting.name]: setting.parse.safeParse(setting.default).success }).toEqual({ [setting.name]: true });
    }
  });

  it('lists every setting with its default for --help', () => {
    const listing = settingsListing(80);
    for (const setting of SETTINGS)
      expect(listing).toContain(`  ${setting.name}${'default' in setting ? `=${setting.default}` : '  (unset)'}\n`);
    expect(listing.split('\n').every((line) => line.length <= 80 || !line.includes(' ', 7))).toBe(true);
    expect(listing).toContain('  BIND_PORT=80\n      the port of BIND_ADDR; npm start uses 8080\n');
  });

  it('refuses a README without the settings markers, saying where they go', () => {
    expect(() => replaceSettingsSection('# README\n', '| a |')).toThrow('the README has no settings section: put "<!-- settings:begin');
  });
});

describe('loadConfig from the table', () => {
  it('takes the log levels the README names, in any case, and no other', () => {
    for (const level of ['error', 'warn', 'info', 'http', 'debug'])
      expect(loadConfig({ LOG_LEVEL: level.toUpperCase() }).logLevel).toBe(level);
    for (const level of ['verbose', 'silly'])
      expect(() => loadConfig({ LOG_LEVEL: level })).toThrow(
        'invalid configuration: LOG_LEVEL: expected one of error, warn, info, http, debug',
      );
  });

  it('takes what a command line sets over the environment, and an empty override as unset', () => {
    const env = { INVENTORY_FILE: '/etc/env.json', LEASE_FILE: '/env/leases' };
    expect(loadConfig(env, { INVENTORY_FILE: '/tmp/cli.json', LEASE_FILE: '' })).toMatchObject({
      source: { kind: 'file', path: '/tmp/cli.json' },
      leaseFile: '/env/leases',
    });
    expect(() => loadConfig({}, { BIND_PORT: 'x' })).toThrow(
      'invalid configuration: BIND_PORT: expected a whole number from 0 to 65535, got "x"',
    );
  });

  it('scopes Keystone by project id and reads the catalog interface', () => {
    const keystone = { OS_AUTH_TYPE: 'v3password', OS_AUTH_URL: 'https://ks:5000/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p' };
    expect(loadConfig({ ...keystone, OS_PROJECT_ID: 'f00d', OS_INTERFACE: 'internal', OS_REGION_NAME: 'r1' }).source).toEqual({
      kind: 'ironic',
      url: undefined,
      auth: {
        type: 'keystone',
        authUrl: 'https://ks:5000/v3',
        username: 'u',
        password: 'p',
        projectId: 'f00d',
        userDomainName: 'default',
        projectDomainName: 'default',
        regionName: 'r1',
        interface: 'internal',
      },
      pageSize: 1000,
    });
    expect(loadConfig({ ...keystone, OS_PROJECT_NAME: 'admin' }).source).toMatchObject({
      auth: { projectName: 'admin', interface: 'public' },
    });
    expect(() => loadConfig(keystone)).toThrow(
      'invalid configuration: OS_PROJECT_NAME: required when OS_AUTH_TYPE is v3password (or give OS_PROJECT_ID)',
    );
    expect(() => loadConfig({ ...keystone, OS_PROJECT_ID: 'f00d', OS_INTERFACE: 'private' })).toThrow(
      'invalid configuration: OS_INTERFACE: expected one of public, internal, admin',
    );
  });

  it('reads the TLS files for Ironic, and refuses a key without its certificate', () => {
    expect(loadConfig({ OS_CACERT: '/etc/ca.pem' }).source).toMatchObject({ tls: { caFile: '/etc/ca.pem' } });
    expect(loadConfig({ OS_CERT: '/etc/c.pem', OS_KEY: '/etc/k.pem' }).source).toMatchObject({
      tls: { certFile: '/etc/c.pem', keyFile: '/etc/k.pem' },
    });
    expect(loadConfig({}).source).not.toHaveProperty('tls');
    expect(() => loadConfig({ OS_KEY: '/etc/k.pem' })).toThrow(ConfigError);
    expect(() => loadConfig({ OS_KEY: '/etc/k.pem' })).toThrow(
      'invalid configuration: OS_KEY: is the key of a client certificate, but OS_CERT is not set; set OS_CERT to the certificate file, or unset OS_KEY',
    );
  });
});

describe('setting parsers', () => {
  it('integer takes every whole number in its range and refuses the rest, naming the range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -10, max: 2000 }), (max, value) => {
        const parsed = integer(0, max).safeParse(String(value));
        expect(parsed.success).toBe(value >= 0 && value <= max);
        if (parsed.success) expect(parsed.data).toBe(value);
        else expect(parsed.error.issues[0].message).toBe(`expected a whole number from 0 to ${max}, got "${value}"`);
      }),
    );
  });

  it('boolean reads every spelling in any case', () => {
    const spelling = fc.constantFrom('1', 'true', 'yes', 'on', '0', 'false', 'no', 'off');
    fc.assert(
      fc.property(spelling, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (word, upper) => {
        const mixed = [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
        expect(boolean().parse(mixed)).toBe(['1', 'true', 'yes', 'on'].includes(word));
      }),
    );
  });

  it('a CIDR list keeps its items in order whatever the spacing and blank items', () => {
    const cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([address, prefix]) => `${address}/${prefix}`);
    fc.assert(
      fc.property(fc.array(cidr, { maxLength: 5 }), fc.constantFrom(',', ' , ', ',,', ', '), (items, separator) => {
        expect(cidrList('10.0.0.0/24').parse(items.join(separator))).toEqual(items);
      }),
    );
  });
});
