/** A metadata service shaped like ours for one node, as path -> body: enough for a full cloud-init crawl. */
export function metadataTree(instanceUuid: string, mac: string): Map<string, string> {
  const md = '/latest/meta-data/';
  return new Map([
    ['/openstack', '2012-08-10\n2016-10-06\n2018-08-27\nlatest'],
    ['/openstack/2018-08-27/meta_data.json', JSON.stringify({ uuid: instanceUuid, hostname: 'node-7' })],
    ['/openstack/2018-08-27/user_data', '#cloud-config\n'],
    ['/openstack/2018-08-27/vendor_data.json', '{}'],
    ['/openstack/2018-08-27/vendor_data2.json', '{}'],
    ['/openstack/2018-08-27/network_data.json', '{"links":[]}'],
    [md, 'hostname\ninstance-id\nnetwork/\npublic-keys/\nplacement/'],
    [`${md}hostname`, 'node-7'],
    [`${md}instance-id`, instanceUuid],
    [`${md}network/`, 'interfaces/'],
    [`${md}network/interfaces/`, 'macs/'],
    [`${md}network/interfaces/macs/`, `${mac}/`],
    [`${md}network/interfaces/macs/${mac}/`, 'device-number\nmac'],
    [`${md}network/interfaces/macs/${mac}/device-number`, '0'],
    [`${md}network/interfaces/macs/${mac}/mac`, mac],
    [`${md}public-keys/`, '0=ops'],
    [`${md}public-keys/0/openssh-key`, 'ssh-ed25519 AAAA ops'],
    [`${md}placement/`, 'availability-zone'],
    [`${md}placement/availability-zone`, 'rack-a'],
  ]);
}

/** How many requests one crawl of {@link metadataTree} makes. */
export const REQUESTS_PER_CRAWL = 20;
