import { ec2MetaDataOf, expectEc2Datasource, expectNodeRequests, expectOpenStackDatasource, requestMark } from './support/expected';
import { itReadsTheInstanceWhateverTheTokenRule } from './support/clients-with-tokens';
import { cloudInitDatasource } from './support/node-clients';
import { useNodeLab } from './support/node-lab';

// The clients nodes run, each asking the 169.254.169.254 it hard-codes from a node's own network
// namespace, against the built server with IMDSv2 tokens optional (the default): the clients that
// never send a token read the same instance as those that do.
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

  itReadsTheInstanceWhateverTheTokenRule(lab);
});
