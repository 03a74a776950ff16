import {
  BOTOCORE_PATHS,
  ec2MetaDataOf,
  expectAnsibleFacts,
  expectBotocore,
  expectEc2Datasource,
  expectEc2DatasourceOnAws,
  expectIgnitionFetched,
  expectNodeRequests,
  expectOpenStackDatasource,
  requestMark,
} from './support/expected';
import { ansibleEc2MetadataFacts, botocoreImds, cloudInitDatasource, ignitionFetch } from './support/node-clients';
import { useNodeLab } from './support/node-lab';

// The clients nodes run, each asking the 169.254.169.254 it hard-codes from a node's own network
// namespace, against the built server with IMDSv2 tokens optional (the default): those that send a
// token and those that never do read the same instance.
describe('real node clients against 169.254.169.254, IMDSv2 optional', () => {
  const lab = useNodeLab({ IMDS_TOKEN_REQUIRED: 'false' });

  it("cloud-init's DataSourceOpenStack reads Nova's tree, and its EC2 crawl reads the same instance", async () => {
    const { nodeLab } = lab;
    const result = await cloudInitDatasource(nodeLab, 'openstack', 'nova');
    expectOpenStackDatasource(result, nodeLab.instance);
    expect(result.ec2_metadata).toMatchObject(ec2MetaDataOf(nodeLab.instance));
    expect(result.warnings).toEqual([]);
  });

  it("cloud-init's DataSourceEc2 on a vendor's server reads the EC2 tree without a token", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    expectEc2Datasource(await cloudInitDatasource(nodeLab, 'ec2', 'bare-metal'), nodeLab.instance, 'unknown');
    await expectNodeRequests(nodeLab, mark, ['GET /2009-04-04/meta-data/instance-id 200']);
  });

  it("cloud-init's DataSourceEc2 on EC2's platform reads it with a token, and the identity document", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    expectEc2DatasourceOnAws(await cloudInitDatasource(nodeLab, 'ec2', 'aws'), nodeLab.instance);
    await expectNodeRequests(nodeLab, mark, ['PUT /latest/api/token 200']);
  });

  it("botocore's IMDS fetcher reads with a token, and its region provider gives the region", async () => {
    const { nodeLab } = lab;
    expectBotocore(await botocoreImds(nodeLab, BOTOCORE_PATHS), nodeLab.instance);
  });

  it("Ansible's ec2_metadata_facts sets the instance's facts", async () => {
    const { nodeLab } = lab;
    expectAnsibleFacts(await ansibleEc2MetadataFacts(nodeLab), nodeLab.instance);
  });

  it("Ignition's fetch stage on openstack fetches the config from openstack/latest/user_data", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    expectIgnitionFetched(await ignitionFetch(nodeLab, 'openstack'), nodeLab.instance);
    await expectNodeRequests(nodeLab, mark, ['GET /openstack/latest/user_data 200']);
  });

  it("Ignition's fetch stage on aws fetches the config from 2019-10-01/user-data", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    expectIgnitionFetched(await ignitionFetch(nodeLab, 'aws'), nodeLab.instance);
    await expectNodeRequests(nodeLab, mark, ['PUT /latest/api/token 200', 'GET /2019-10-01/user-data 200']);
  });
});
