import {
  BOTOCORE_PATHS,
  expectAnsibleFacts,
  expectBotocore,
  expectEc2DatasourceOnAws,
  expectIgnitionFetched,
  expectNodeRequests,
  expectOpenStackDatasource,
  requestMark,
} from './support/expected';
import { ansibleEc2MetadataFacts, botocoreImds, cloudInitDatasource, ignitionFetch } from './support/node-clients';
import { useNodeLab } from './support/node-lab';

// The same clients with IMDS_TOKEN_REQUIRED=true: those that send an IMDSv2 token read what they read
// with tokens optional; a client that never sends one gets 401 on the EC2 tree (Nova's tree has no
// tokens, so readers of it are unaffected).
describe('real node clients against 169.254.169.254, IMDSv2 required', () => {
  const lab = useNodeLab({ IMDS_TOKEN_REQUIRED: 'true' });

  it("cloud-init's DataSourceOpenStack still reads Nova's tree; its EC2 crawl, which sends no token, gets 401", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    const result = await cloudInitDatasource(nodeLab, 'openstack', 'nova');
    expectOpenStackDatasource(result, nodeLab.instance);
    expect(result.ec2_metadata).toEqual({});
    expect(result.warnings).toEqual(['Failed fetching meta-data/ from url http://169.254.169.254/latest/meta-data/']);
    await expectNodeRequests(nodeLab, mark, ['GET /latest/meta-data/ 401']);
  });

  it("cloud-init's DataSourceEc2 on a vendor's server, which never sends a token, gets 401 and finds no datasource", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    const result = await cloudInitDatasource(nodeLab, 'ec2', 'bare-metal');
    expect(result).toMatchObject({ found: false, cloud_name: 'unknown' });
    expect(result.warnings).toContainEqual("Calling 'http://169.254.169.254/2009-04-04/meta-data/instance-id' failed [0/3s]: bad status code [401]");
    await expectNodeRequests(nodeLab, mark, ['GET /2009-04-04/meta-data/instance-id 401']);
  });

  it("cloud-init's DataSourceEc2 on EC2's platform reads everything with its token", async () => {
    const { nodeLab } = lab;
    expectEc2DatasourceOnAws(await cloudInitDatasource(nodeLab, 'ec2', 'aws'), nodeLab.instance);
  });

  it("botocore's IMDS fetcher and region provider read with their token", async () => {
    const { nodeLab } = lab;
    expectBotocore(await botocoreImds(nodeLab, BOTOCORE_PATHS), nodeLab.instance);
  });

  it("Ansible's ec2_metadata_facts reads with its token", async () => {
    const { nodeLab } = lab;
    expectAnsibleFacts(await ansibleEc2MetadataFacts(nodeLab), nodeLab.instance);
  });

  it("Ignition's fetch stage on openstack needs no token", async () => {
    const { nodeLab } = lab;
    expectIgnitionFetched(await ignitionFetch(nodeLab, 'openstack'), nodeLab.instance);
  });

  it("Ignition's fetch stage on aws reads user data with its token", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    expectIgnitionFetched(await ignitionFetch(nodeLab, 'aws'), nodeLab.instance);
    await expectNodeRequests(nodeLab, mark, ['GET /2019-10-01/user-data 200']);
  });
});
