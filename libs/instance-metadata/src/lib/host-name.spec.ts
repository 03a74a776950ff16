import fc from 'fast-check';
import { isDns1123Subdomain, MAX_HOSTNAME_LABEL, novaDefaultHostname, sanitizeHostname } from './host-name';

describe('sanitizeHostname', () => {
  // nova/tests/unit/test_utils.py (GenericUtilsTestCase), as of Nova 2026.2.
  it.each([
    ['\u7684myamazinghostname', 'myamazinghostname'],
    ['....test.example.com...', 'test-example-com'],
    ['----my-amazing-hostname---', 'my-amazing-hostname'],
    ['(#@&$!(@*--#&91)(__=+--test-host.example!!.com-0+', '91----test-host-example-com-0'],
    ['<}\x1fh\x10e\x08l\x02l\x05o\x12!{>', 'hello'],
    ['\u7684hello', 'hello'],
    ['\u7684', ''],
    ['---...', ''],
    [' a b c ', 'a-b-c'],
  ])('Nova’s own example %j -> %j', (input, expected) => {
    expect(sanitizeHostname(input)).toBe(expected);
  });

  it('truncates to 63 before it trims, as Nova does', () => {
    expect(sanitizeHostname('a'.repeat(64))).toHaveLength(63);
    const trimmed = sanitizeHostname(`${'a'.repeat(62)}-a`);
    expect(trimmed).toBe('a'.repeat(62));
  });

  it('cleans the Ironic node names of the field (C-19)', () => {
    expect(sanitizeHostname('Rack1_Node_07')).toBe('rack1-node-07');
    expect(sanitizeHostname('Rack07_GPU_Node_A100_SXM4_80GB_NVLink_InfiniBand_HDR200_Spare_Slot_12')).toBe(
      'rack07-gpu-node-a100-sxm4-80gb-nvlink-infiniband-hdr200-spare-s',
    );
    expect(sanitizeHostname('~node~1~')).toBe('node1');
  });

  it('keeps Latin-1 letters as Python’s \\w does, and drops what lies beyond U+00FF, astral characters included', () => {
    expect(sanitizeHostname('Café_Ñandú')).toBe('café-ñandú');
    expect(sanitizeHostname('web😀01')).toBe('web01');
    expect(sanitizeHostname('²µ')).toBe('²µ');
  });

  it('names a host whose name sanitises to nothing as Nova does', () => {
    expect(novaDefaultHostname('6f1c9f4e-0000-4000-8000-000000000001')).toBe('Server-6f1c9f4e-0000-4000-8000-000000000001');
  });
});

describe('sanitizeHostname properties', () => {
  /** Ironic's node names (ironic/common/utils.py `is_valid_logical_name`): A-Z a-z 0-9 - . _ ~, up to 255. */
  const ironicNodeName = fc.stringMatching(/^[A-Za-z0-9._~-]{1,255}$/);

  it('makes every Ironic node name a DNS-1123 label, or nothing', () => {
    fc.assert(
      fc.property(ironicNodeName, (name) => {
        const hostname = sanitizeHostname(name);
        expect(hostname === '' || (isDns1123Subdomain(hostname) && !hostname.includes('.'))).toBe(true);
      }),
    );
  });

  it('is idempotent, at most 63 characters, and never starts or ends with . or -, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const hostname = sanitizeHostname(text);
        expect(sanitizeHostname(hostname)).toBe(hostname);
        expect(hostname.length).toBeLessThanOrEqual(MAX_HOSTNAME_LABEL);
        expect(hostname).not.toMatch(/^[.-]|[.-]$/);
        expect(hostname).toMatch(/^[\p{L}\p{N}-]*$/u);
      }),
    );
  });

  it('keeps a name that is already a lower-case label as it is', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/), (label) => expect(sanitizeHostname(label)).toBe(label)),
    );
  });
});

describe('isDns1123Subdomain', () => {
  it('follows Kubernetes’ rule', () => {
    expect(isDns1123Subdomain('web-01.example.com')).toBe(true);
    expect(isDns1123Subdomain('Web-01')).toBe(false);
    expect(isDns1123Subdomain('web_01')).toBe(false);
    expect(isDns1123Subdomain(`${'a'.repeat(64)}.example`)).toBe(false);
    expect(isDns1123Subdomain('web..example')).toBe(false);
    expect(isDns1123Subdomain('-web')).toBe(false);
    expect(isDns1123Subdomain('')).toBe(false);
  });
});
