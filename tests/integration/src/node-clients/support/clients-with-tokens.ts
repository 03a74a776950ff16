import {
  BOTOCORE_PATHS,
  expectAnsibleFacts,
  expectBotocore,
  expectEc2DatasourceOnAws,
  expectIgnitionFetched,
  expectNodeRequests,
  requestMark,
} from './expected';
import { ansibleEc2MetadataFacts, botocoreImds, cloudInitDatasource, ignitionFetch } from './node-clients';
import type { NodeLab } from './node-lab';

/**
 * The tests of the clients that send an IMDSv2 token, or read only Nova's tree, which has none: they
 * read the same instance whether the service's tokens are optional or required.
 */
export function itReadsTheInstanceWhateverTheTokenRule(lab: { readonly nodeLab: NodeLab }): void {
  it("cloud-init's DataSourceEc2 on EC2's platform reads with a token, the identity document too", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    expectEc2DatasourceOnAws(await cloudInitDatasource(nodeLab, 'ec2', 'aws'), nodeLab.instance);
    // The newest version cloud-init 22.4 knows is offered, so it reads that one, not 2009-04-04.
    await expectNodeRequests(nodeLab, mark, [
      'PUT /latest/api/token 200',
      'GET /2021-03-23/meta-data/instance-id 200',
      'GET /2021-03-23/dynamic/instance-identity/document 200',
    ]);
  });

  it("botocore's IMDS fetcher reads with a token, and its region provider gives the region", async () => {
    const { nodeLab } = lab;
    expectBotocore(await botocoreImds(nodeLab, BOTOCORE_PATHS), nodeLab.instance);
  });

  it("Ansible's ec2_metadata_facts sets the instance's facts, reading with a token", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    expectAnsibleFacts(await ansibleEc2MetadataFacts(nodeLab), nodeLab.instance);
    await expectNodeRequests(nodeLab, mark, ['PUT /latest/api/token 200']);
  });

  it("Ignition's fetch stage on openstack fetches the config from openstack/latest/user_data", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    expectIgnitionFetched(await ignitionFetch(nodeLab, 'openstack'), nodeLab.instance);
    await expectNodeRequests(nodeLab, mark, ['GET /openstack/latest/user_data 200']);
  });

  it("Ignition's fetch stage on aws fetches the config from 2019-10-01/user-data with a token", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    expectIgnitionFetched(await ignitionFetch(nodeLab, 'aws'), nodeLab.instance);
    await expectNodeRequests(nodeLab, mark, ['PUT /latest/api/token 200', 'GET /2019-10-01/user-data 200']);
  });
}
