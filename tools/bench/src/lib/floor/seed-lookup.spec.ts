import { claimsAddress } from './seed-lookup';

describe('claimsAddress', () => {
  it('matches fixed IPs in either shape and network_data addresses, exactly', () => {
    const node = {
      uuid: 'n',
      instance_info: { fixed_ips: ['127.1.0.9', { ip_address: '127.1.0.10' }] },
      network_data: { networks: [{ ip_address: '127.1.0.11' }] },
    };
    expect(['127.1.0.9', '127.1.0.10', '127.1.0.11'].map((address) => claimsAddress(node, address))).toEqual([true, true, true]);
    expect(claimsAddress(node, '127.1.0.1')).toBe(false);
    expect(claimsAddress({ uuid: 'bare' }, '127.1.0.9')).toBe(false);
  });
});
