import { Agent, get } from 'node:http';

/** The parts of an Ironic node the seed matched a client address against. */
interface ListedNode {
  uuid: string;
  instance_info?: { fixed_ips?: (string | { ip_address?: string })[] };
  network_data?: { networks?: { ip_address?: string }[] };
}

const agent = new Agent({ keepAlive: true });

function getJson(url: string): Promise<{ nodes: ListedNode[] }> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers: { 'X-OpenStack-Ironic-API-Version': '1.82' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`${url} answered ${response.statusCode}`));
        else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { nodes: ListedNode[] });
      });
      response.on('error', reject);
    }).on('error', reject);
  });
}

/** Every node, in full: `GET /v1/nodes/detail` page after page (1000, Ironic's most), as the seed did per request. */
export async function listEveryNode(ironicUrl: string): Promise<ListedNode[]> {
  const nodes: ListedNode[] = [];
  let marker = '';
  for (;;) {
    const page = (await getJson(`${ironicUrl}/v1/nodes/detail?limit=1000${marker}`)).nodes;
    nodes.push(...page);
    if (page.length < 1000) return nodes;
    marker = `&marker=${page[page.length - 1].uuid}`;
  }
}

/** Whether the node claims `address` in `instance_info.fixed_ips` or its `network_data`. */
export function claimsAddress(node: ListedNode, address: string): boolean {
  const fixed = node.instance_info?.fixed_ips ?? [];
  if (fixed.some((entry) => (typeof entry === 'string' ? entry : entry.ip_address) === address)) return true;
  return (node.network_data?.networks ?? []).some((network) => network.ip_address === address);
}
